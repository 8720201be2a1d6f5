import { CookieCache } from '../../../src/ng/cookie-cache';

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Which of `cookies` are still cached: a cached cookie does not run `produce` again. A miss
 * caches its cookie (and may evict), so list expected misses last.
 */
function cachedOf(cache: CookieCache, cookies: readonly string[]): string[] {
  return cookies.filter((c) => cache.reply(c, () => Promise.reject(new Error(`${c} ran again`))).cached);
}

describe('CookieCache eviction and expiry order', () => {
  it('evicts the oldest first, over many evictions (past the queue compaction)', async () => {
    const cache = new CookieCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1 << 30, now: () => 0 });
    for (let i = 0; i < 5000; i++) cache.reply(`c${i}`, async () => Buffer.alloc(10));
    await settle();
    expect(cache.size).toBe(100);
    expect(cachedOf(cache, ['c4999', 'c4950', 'c4900', 'c4899'])).toEqual(['c4999', 'c4950', 'c4900']);
  });

  it('expires by age in insertion order, skipping entries dropped out of band', async () => {
    let now = 0;
    const cache = new CookieCache({ ttlMs: 1000, maxEntries: 10_000, maxBytes: 1 << 30, now: () => now });
    cache.reply('a', async () => Buffer.alloc(1));
    now = 10;
    cache.reply('failed', () => Promise.reject(new Error('produce broke its contract')));
    now = 500;
    cache.reply('b', async () => Buffer.alloc(1));
    await settle();
    expect(cache.size).toBe(2); // the rejected one is gone at once
    now = 1005;
    expect(cachedOf(cache, ['b'])).toEqual(['b']);
    expect(cache.size).toBe(1); // `a` expired
    now = 1500;
    cache.reply('c', async () => Buffer.alloc(1));
    expect(cache.size).toBe(1); // `b` expired, `c` new
  });

  it('evicts by bytes once replies are known', async () => {
    const cache = new CookieCache({ ttlMs: 60_000, maxEntries: 10_000, maxBytes: 25, now: () => 0 });
    for (const c of ['x', 'y', 'z']) cache.reply(c, async () => Buffer.alloc(10));
    await settle();
    expect(cache.size).toBe(2);
    expect(cachedOf(cache, ['y', 'z'])).toEqual(['y', 'z']);
  });
});
