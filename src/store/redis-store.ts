/**
 * The Redis state store (ioredis), as rtpengine's `--redis`/`--subscribe-keyspace` shape it: per
 * call a hash `<prefix>call:<id>` (field `record`: the JSON record whose keys are sealed, see
 * call-record.ts) and a hash `<prefix>idx:<id>` (SRTP index reservations and checkpoints). Both
 * carry a TTL that the owning node refreshes, so a dead node's calls expire on their own.
 *
 * Two connections: commands, and a subscriber on the keyspace notifications of the prefix
 * (`notify-keyspace-events` must include K, g, h and x: the scripts that start Redis set it,
 * and `open` tries CONFIG SET when it is missing). Commands are not queued while Redis is
 * unreachable (`enableOfflineQueue: false`): they reject at once, the HA node degrades to
 * memory, and reconnecting (every ≤ 500 ms) emits `up`, after which the HA node writes its
 * calls again.
 */
import { EventEmitter } from 'node:events';
import Redis, { type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { IndexEntry, StateStore, StateStoreEvents, StoreStatus } from './state-store';
import type { StoreLocation } from './store-url';

export const DEFAULT_KEY_PREFIX = 'srtp-relay:';
/** Keyspace events the standby needs: K (keyspace channel), g (del, expire), h (hset), x (expired). */
const NEEDED_EVENTS = ['K', 'g', 'h', 'x'];
/** How long a command may take before it counts as a failure (the store is then "down" for it). */
const COMMAND_TIMEOUT_MS = 1_000;

export interface RedisStoreOptions {
  readonly location: Extract<StoreLocation, { kind: 'redis' }>;
  readonly logger: Logger;
  /** TTL of a call's keys; the owner refreshes it every third of it. */
  readonly ttlMs: number;
  /** Default DEFAULT_KEY_PREFIX. */
  readonly prefix?: string;
  /** Subscribe to keyspace notifications (a standby). */
  readonly subscribe: boolean;
}

export class RedisStore extends EventEmitter<StateStoreEvents> implements StateStore {
  readonly durable = true;
  readonly ttlMs: number;
  private readonly prefix: string;
  private readonly cmd: Redis;
  private readonly sub: Redis | null;
  private readonly logger: Logger;
  private readonly where: string;
  private readonly db: number;
  private connected = false;
  private closed = false;

  constructor(options: RedisStoreOptions) {
    super();
    const loc = options.location;
    this.ttlMs = options.ttlMs;
    this.prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
    this.logger = options.logger;
    this.where = loc.where;
    this.db = loc.db;
    const base: RedisOptions = {
      ...('path' in loc ? { path: loc.path } : { host: loc.host, port: loc.port }),
      db: loc.db,
      ...(loc.password !== undefined ? { password: loc.password } : {}),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(100 * times, 500),
    };
    this.cmd = new Redis(base);
    this.cmd.on('ready', () => this.setConnected(true, null));
    this.cmd.on('close', () => this.setConnected(false, new Error('connection closed')));
    this.cmd.on('error', (err: Error) => this.setConnected(false, err));
    if (options.subscribe) {
      // The subscriber queues its (re)subscription until connected, and resubscribes itself.
      this.sub = new Redis({ ...base, enableOfflineQueue: true, commandTimeout: undefined });
      this.sub.on('error', () => undefined); // reported through the command connection
      this.sub.on('pmessage', (_pattern: string, channel: string, event: string) => this.onKeyspace(channel, event));
    } else {
      this.sub = null;
    }
  }

  status(): StoreStatus {
    return { kind: 'redis', where: this.where, durable: true, connected: this.connected };
  }

  async open(): Promise<void> {
    if (this.sub !== null) {
      void this.sub.connect().catch(() => undefined);
      void this.sub.psubscribe(`__keyspace@${this.db}__:${this.prefix}*`).catch(() => undefined);
    }
    try {
      await this.cmd.connect();
    } catch (err) {
      // Unreachable at start: the node runs on memory and keeps reconnecting.
      this.setConnected(false, err as Error);
      return;
    }
    if (this.sub !== null) await this.checkNotifications();
  }

  async putCall(callId: string, record: string): Promise<void> {
    const callKey = this.callKey(callId);
    await this.exec(this.cmd.multi().hset(callKey, 'record', record).pexpire(callKey, this.ttlMs).pexpire(this.indexKey(callId), this.ttlMs));
  }

  async getCall(callId: string): Promise<string | null> {
    return this.cmd.hget(this.callKey(callId), 'record');
  }

  async deleteCall(callId: string): Promise<void> {
    await this.cmd.del(this.callKey(callId), this.indexKey(callId));
  }

  async putIndexes(callId: string, entries: readonly IndexEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const key = this.indexKey(callId);
    const flat: (string | number)[] = [];
    for (const [field, value] of entries) flat.push(field, value);
    await this.exec(this.cmd.multi().hset(key, ...flat).pexpire(key, this.ttlMs));
  }

  async getIndexes(callId: string): Promise<Map<string, number>> {
    const all = await this.cmd.hgetall(this.indexKey(callId));
    const out = new Map<string, number>();
    for (const [field, value] of Object.entries(all)) {
      const n = Number(value);
      if (Number.isSafeInteger(n) && n >= 0) out.set(field, n);
    }
    return out;
  }

  async listCalls(): Promise<string[]> {
    const ids: string[] = [];
    const head = `${this.prefix}call:`;
    let cursor = '0';
    do {
      const [next, keys] = await this.cmd.scan(cursor, 'MATCH', `${head}*`, 'COUNT', 500);
      cursor = next;
      for (const k of keys) ids.push(k.slice(head.length));
    } while (cursor !== '0');
    return ids;
  }

  async touch(callIds: readonly string[]): Promise<void> {
    if (callIds.length === 0) return;
    const p = this.cmd.pipeline();
    for (const id of callIds) p.pexpire(this.callKey(id), this.ttlMs).pexpire(this.indexKey(id), this.ttlMs);
    await this.exec(p);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cmd.disconnect();
    this.sub?.disconnect();
  }

  private callKey(callId: string): string {
    return `${this.prefix}call:${callId}`;
  }

  private indexKey(callId: string): string {
    return `${this.prefix}idx:${callId}`;
  }

  /** A MULTI or pipeline: any command's error fails the whole write. */
  private async exec(batch: { exec(): Promise<[Error | null, unknown][] | null> }): Promise<void> {
    const results = await batch.exec();
    if (results === null) throw new Error('redis transaction aborted');
    for (const [err] of results) if (err !== null) throw err;
  }

  private setConnected(up: boolean, err: Error | null): void {
    if (this.closed || up === this.connected) return;
    this.connected = up;
    if (up) this.emit('up');
    else this.emit('down', err ?? new Error('redis unreachable'));
  }

  /** `__keyspace@<db>__:<prefix>call:<id>` with event `hset` / `del` / `expired` / `expire`. */
  private onKeyspace(channel: string, event: string): void {
    const at = channel.indexOf('__:');
    if (at < 0) return;
    const key = channel.slice(at + 3);
    if (!key.startsWith(this.prefix)) return;
    const rest = key.slice(this.prefix.length);
    const part = rest.startsWith('call:') ? 'call' : rest.startsWith('idx:') ? 'index' : null;
    if (part === null) return;
    const callId = rest.slice(part === 'call' ? 5 : 4);
    if (event === 'hset') this.emit('change', { callId, part, kind: 'set' });
    else if (event === 'del' || event === 'expired') this.emit('change', { callId, part, kind: 'gone' });
  }

  /** A standby learns of changes only through keyspace notifications: make sure they are on. */
  private async checkNotifications(): Promise<void> {
    try {
      const [, value] = (await this.cmd.config('GET', 'notify-keyspace-events')) as [string, string];
      const missing = NEEDED_EVENTS.filter((c) => !value.includes(c) && !(c !== 'K' && value.includes('A')));
      if (missing.length === 0) return;
      await this.cmd.config('SET', 'notify-keyspace-events', `${value}${missing.join('')}`);
      this.logger.warn({ was: value }, 'redis notify-keyspace-events lacked what a standby needs (K, g, h, x); set it (configure Redis with notify-keyspace-events Kghx)');
    } catch (err) {
      this.logger.error({ err }, 'cannot read or set redis notify-keyspace-events: a standby will not see calls change (configure notify-keyspace-events Kghx)');
    }
  }
}
