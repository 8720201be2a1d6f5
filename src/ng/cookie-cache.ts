/**
 * Reply cache keyed by the request cookie. Proxies retransmit an unanswered request with the
 * same cookie (Kamailio: after 1 s, up to 5 times), so a cookie seen before is answered with the
 * same reply and the command never runs twice (rtpengine's docs/ng_control_protocol.md: the cookie is used
 * "to detect retransmissions"). A duplicate that arrives while the first is still running waits
 * for the same reply: the cache holds the promise, not only the result.
 *
 * Bounded (every map has a limit): entries expire after `ttlMs`, and the oldest are dropped beyond
 * `maxEntries` or `maxBytes` of cached replies.
 */
export interface CookieCacheOptions {
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly maxBytes: number;
  /** Milliseconds clock, injectable for tests. */
  readonly now?: () => number;
}

/** Kamailio gives up after ~5 retries of 1 s; 30 s covers slower proxies with room to spare. */
export const DEFAULT_COOKIE_CACHE: CookieCacheOptions = Object.freeze({ ttlMs: 30_000, maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 });

interface Entry {
  readonly cookie: string;
  readonly reply: Promise<Buffer>;
  readonly expiresAt: number;
  bytes: number;
}

export class CookieCache {
  private readonly entries = new Map<string, Entry>();
  /**
   * Entries in insertion order (oldest at `head`), for expiry and eviction. Not the Map's own
   * order: a V8 Map keeps deleted entries as holes until it rehashes, so walking it from the
   * front after many evictions skips thousands of holes per request (a full cache evicts one
   * entry per request). Entries dropped otherwise stay here until they reach the front.
   */
  private order: Entry[] = [];
  private head = 0;
  private bytes = 0;
  private readonly now: () => number;
  /** Requests answered from the cache. */
  hits = 0;

  constructor(private readonly options: CookieCacheOptions = DEFAULT_COOKIE_CACHE) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The reply for `cookie`: the cached one (settled or still running), or the result of
   * `produce()` which is then cached. `produce` must not reject: failures are error replies.
   */
  reply(cookie: string, produce: () => Promise<Buffer>): { reply: Promise<Buffer>; cached: boolean } {
    const now = this.now();
    this.expire(now);
    const hit = this.entries.get(cookie);
    if (hit !== undefined) {
      this.hits++;
      return { reply: hit.reply, cached: true };
    }
    const reply = produce();
    const entry: Entry = { cookie, reply, expiresAt: now + this.options.ttlMs, bytes: 0 };
    this.entries.set(cookie, entry);
    this.order.push(entry);
    void reply.then((buf) => {
      if (this.entries.get(cookie) !== entry) return; // expired or evicted meanwhile
      entry.bytes = buf.length;
      this.bytes += buf.length;
      this.trim();
    }, () => this.drop(entry));
    this.trim();
    return { reply, cached: false };
  }

  clear(): void {
    this.entries.clear();
    this.order = [];
    this.head = 0;
    this.bytes = 0;
  }

  private drop(entry: Entry): void {
    if (this.entries.get(entry.cookie) !== entry) return;
    this.entries.delete(entry.cookie);
    this.bytes -= entry.bytes;
  }

  /** The oldest entry still cached, skipping (and forgetting) those dropped otherwise. */
  private oldest(): Entry | undefined {
    while (this.head < this.order.length) {
      const entry = this.order[this.head];
      if (this.entries.get(entry.cookie) === entry) return entry;
      this.shift();
    }
    return undefined;
  }

  private shift(): void {
    this.head++;
    // Compact once the consumed front outweighs the rest: amortised O(1) per entry.
    if (this.head >= 1024 && this.head * 2 >= this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  /** Entries share one TTL, so the expired ones are the oldest. */
  private expire(now: number): void {
    for (let entry = this.oldest(); entry !== undefined && entry.expiresAt <= now; entry = this.oldest()) {
      this.drop(entry);
      this.shift();
    }
  }

  private trim(): void {
    while (this.entries.size > this.options.maxEntries || this.bytes > this.options.maxBytes) {
      const entry = this.oldest();
      if (entry === undefined) return;
      this.drop(entry);
      this.shift();
    }
  }
}
