/**
 * Key material from the operating system's CSPRNG, fetched in blocks.
 *
 * libsodium's `randombytes_buf` in the wasm build reaches the OS through JavaScript glue that
 * costs about 0.2 ms per call (two calls per master key: key and salt), which was a tenth of a
 * call setup's CPU. node's `crypto.randomFillSync` reads the same kernel CSPRNG (getrandom(2)),
 * and one call for a block of 4 KiB serves some hundred keys, so a call's keys cost a copy.
 * Bytes handed out are zeroed in the pool at once: the pool never holds a copy of a key that is
 * in use, only bytes not yet handed out, and those are wiped by `wipeRandomPool()` (and replaced
 * after a fork, see below). libsodium stays for sealing (key-vault.ts, node-key.ts).
 */
import { randomFillSync } from 'node:crypto';

/** One getrandom(2) call per this many bytes. */
const POOL_BYTES = 4096;

const pool = new Uint8Array(POOL_BYTES);
/** Bytes of `pool` before this offset were handed out (and zeroed); `POOL_BYTES`: empty. */
let next = POOL_BYTES;
/** The process that filled the pool: a forked child must not hand out its parent's bytes. */
let filledBy = -1;

/** `length` fresh random bytes in a new array the caller owns (and wipes). */
export function randomKeyBytes(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`random byte count must be a non-negative integer, got ${String(length)}`);
  const out = new Uint8Array(length);
  // Large requests (never keys) go straight to the CSPRNG.
  if (length > POOL_BYTES / 4) return randomFillSync(out);
  if (next + length > POOL_BYTES || filledBy !== process.pid) {
    randomFillSync(pool);
    next = 0;
    filledBy = process.pid;
  }
  out.set(pool.subarray(next, next + length));
  pool.fill(0, next, next + length);
  next += length;
  return out;
}

/** Zero the bytes not handed out yet (shutdown); the next request refills. */
export function wipeRandomPool(): void {
  pool.fill(0);
  next = POOL_BYTES;
}
