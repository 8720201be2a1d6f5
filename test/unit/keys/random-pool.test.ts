import * as crypto from 'node:crypto';
import { randomKeyBytes, wipeRandomPool } from '../../../src/keys/random-pool';

// Count the pool's reads of the OS CSPRNG (node:crypto's exports cannot be spied on in place).
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, randomFillSync: jest.fn(actual.randomFillSync) };
});
const randomFillSync = crypto.randomFillSync as unknown as jest.Mock;

describe('random key bytes (random-pool.ts)', () => {
  it('returns arrays of the requested length that the caller owns alone', () => {
    for (const n of [0, 1, 14, 16, 32, 1024, 5000]) {
      const b = randomKeyBytes(n);
      expect(b).toHaveLength(n);
      // Not a view on the pool: wiping it cannot touch bytes handed to someone else.
      expect(b.byteOffset).toBe(0);
      expect(b.buffer.byteLength).toBe(n);
    }
  });

  it('never hands out the same bytes twice', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(Buffer.from(randomKeyBytes(16)).toString('hex'));
    expect(seen.size).toBe(2000);
  });

  it('reads the OS CSPRNG once per 4 KiB block, not once per key', () => {
    wipeRandomPool();
    randomFillSync.mockClear();
    for (let i = 0; i < 100; i++) {
      randomKeyBytes(32);
      randomKeyBytes(14);
    }
    // 100 × 46 bytes = 4600 bytes: two blocks.
    expect(randomFillSync).toHaveBeenCalledTimes(2);
  });

  it('after a wipe, refills instead of handing out zeroes', () => {
    randomKeyBytes(16);
    wipeRandomPool();
    const a = randomKeyBytes(32);
    expect(a.some((x) => x !== 0)).toBe(true);
  });

  it('refuses nonsense lengths', () => {
    expect(() => randomKeyBytes(-1)).toThrow(RangeError);
    expect(() => randomKeyBytes(1.5)).toThrow(RangeError);
  });
});
