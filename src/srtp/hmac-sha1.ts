/**
 * HMAC-SHA1 (RFC 2104) with the inner and outer key states precomputed, as SRTP uses it for
 * authentication (RFC 3711 §4.2.1). Zero allocation per message: one reused tail buffer, one
 * reused digest.
 */
import { sha1Compress, SHA1_INITIAL_STATE } from './sha1-compress';

const BLOCK = 64;
const DIGEST = 20;

export class HmacSha1 {
  private readonly innerState = new Int32Array(5);
  private readonly outerState = new Int32Array(5);
  private readonly state = new Int32Array(5);
  private readonly tail = new Uint8Array(BLOCK * 2);
  /** The last digest computed; overwritten by the next call. */
  readonly digest = new Uint8Array(DIGEST);

  constructor(key: Uint8Array) {
    if (key.length > BLOCK) throw new RangeError('HMAC-SHA1 keys longer than 64 bytes are not used by SRTP');
    const pad = new Uint8Array(BLOCK);
    pad.set(key);
    for (let i = 0; i < BLOCK; i++) pad[i] ^= 0x36;
    this.innerState.set(SHA1_INITIAL_STATE);
    sha1Compress(this.innerState, pad, 0);
    for (let i = 0; i < BLOCK; i++) pad[i] ^= 0x36 ^ 0x5c;
    this.outerState.set(SHA1_INITIAL_STATE);
    sha1Compress(this.outerState, pad, 0);
    pad.fill(0);
  }

  /**
   * HMAC of `data[start..end)`, followed by `suffix` as a 32-bit big-endian word when
   * `withSuffix` (SRTP appends the ROC to the authenticated portion, RFC 3711 §4.2).
   * Returns `this.digest`.
   */
  compute(data: Uint8Array, start: number, end: number, withSuffix: boolean, suffix: number): Uint8Array {
    const state = this.state;
    state.set(this.innerState);
    let pos = start;
    while (end - pos >= BLOCK) {
      sha1Compress(state, data, pos);
      pos += BLOCK;
    }
    const tail = this.tail;
    let n = end - pos;
    for (let i = 0; i < n; i++) tail[i] = data[pos + i];
    if (withSuffix) {
      tail[n] = (suffix >>> 24) & 0xff;
      tail[n + 1] = (suffix >>> 16) & 0xff;
      tail[n + 2] = (suffix >>> 8) & 0xff;
      tail[n + 3] = suffix & 0xff;
      n += 4;
    }
    const messageLength = BLOCK + (end - start) + (withSuffix ? 4 : 0);
    this.finish(state, tail, n, messageLength);
    // Outer hash: H(opad-state || inner digest).
    const inner = this.digest;
    for (let i = 0; i < 5; i++) {
      const w = state[i];
      inner[i * 4] = w >>> 24;
      inner[i * 4 + 1] = (w >>> 16) & 0xff;
      inner[i * 4 + 2] = (w >>> 8) & 0xff;
      inner[i * 4 + 3] = w & 0xff;
    }
    state.set(this.outerState);
    for (let i = 0; i < DIGEST; i++) tail[i] = inner[i];
    this.finish(state, tail, DIGEST, BLOCK + DIGEST);
    for (let i = 0; i < 5; i++) {
      const w = state[i];
      inner[i * 4] = w >>> 24;
      inner[i * 4 + 1] = (w >>> 16) & 0xff;
      inner[i * 4 + 2] = (w >>> 8) & 0xff;
      inner[i * 4 + 3] = w & 0xff;
    }
    return inner;
  }

  /** Pad (FIPS 180-4 §5.1.1) the `n` buffered bytes of a `messageLength`-byte message and compress. */
  private finish(state: Int32Array, tail: Uint8Array, n: number, messageLength: number): void {
    tail[n++] = 0x80;
    const end = n + 8 <= BLOCK ? BLOCK : BLOCK * 2;
    for (let i = n; i < end - 8; i++) tail[i] = 0;
    const bits = messageLength * 8;
    const hi = Math.floor(bits / 0x100000000);
    const lo = bits >>> 0;
    tail[end - 8] = hi >>> 24;
    tail[end - 7] = (hi >>> 16) & 0xff;
    tail[end - 6] = (hi >>> 8) & 0xff;
    tail[end - 5] = hi & 0xff;
    tail[end - 4] = lo >>> 24;
    tail[end - 3] = (lo >>> 16) & 0xff;
    tail[end - 2] = (lo >>> 8) & 0xff;
    tail[end - 1] = lo & 0xff;
    sha1Compress(state, tail, 0);
    if (end > BLOCK) sha1Compress(state, tail, BLOCK);
  }

  /** Forget the key-dependent states. */
  wipe(): void {
    this.innerState.fill(0);
    this.outerState.fill(0);
    this.state.fill(0);
    this.tail.fill(0);
    this.digest.fill(0);
  }
}

/** Compare `a[aOff..aOff+n)` with `b[bOff..bOff+n)` in time independent of where they differ. */
export function constantTimeEqual(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, n: number): boolean {
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= a[aOff + i] ^ b[bOff + i];
  return diff === 0;
}
