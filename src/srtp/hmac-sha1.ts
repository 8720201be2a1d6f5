/**
 * HMAC-SHA1 (RFC 2104) with the inner and outer key states precomputed, as SRTP uses it for
 * authentication (RFC 3711 §4.2.1). Zero allocation per message.
 *
 * The message's last partial block, the ROC suffix, the padding and the length (FIPS 180-4
 * §5.1.1) are assembled as 32-bit words, and the outer hash is one compression of the inner
 * digest's five words and constant padding: no byte copies, no serialization of the inner
 * digest. Only the final digest is written out as bytes.
 */
import { bswap, LITTLE_ENDIAN } from './byte-order';
import { sha1Compress, sha1CompressWords, SHA1_INITIAL_STATE } from './sha1-compress';

const BLOCK = 64;
const DIGEST = 20;
/** Bits hashed by the outer hash: the opad block and the inner digest. */
const OUTER_BITS = (BLOCK + DIGEST) * 8;
/** Word offsets in an instance's one Int32Array: see `tail`. */
const KEY_STATES = 48;
const STATE = 58;
const DIGEST_AT = 63;
const WORDS = DIGEST_AT + DIGEST / 4;

export class HmacSha1 {
  /**
   * Words 0..31: the padded last block(s) of the inner hash. Words 32..47: the outer hash's one
   * block, the inner digest's five words and then constant padding and length. Words 48..52: the
   * inner (ipad) key state, 53..57 the outer (opad) one. `state` and `digest` are views of the
   * rest of the same memory: one ArrayBuffer per instance, as each costs some 200 bytes of heap
   * and a malloc'd block beside its contents (issue 13 goal 3, memory per call).
   */
  private readonly tail = new Int32Array(WORDS);
  private readonly state = new Int32Array(this.tail.buffer, STATE * 4, 5);
  /** The last digest computed; overwritten by the next call. */
  readonly digest = new Uint8Array(this.tail.buffer, DIGEST_AT * 4, DIGEST);

  constructor(key: Uint8Array) {
    if (key.length > BLOCK) throw new RangeError('HMAC-SHA1 keys longer than 64 bytes are not used by SRTP');
    // The padded key as words, in this instance's own array (zeroed below).
    const pad = this.tail;
    for (let i = 0; i < key.length; i++) pad[i >>> 2] |= key[i] << (24 - 8 * (i & 3));
    for (let i = 0; i < 16; i++) pad[i] ^= 0x36363636;
    const state = this.state;
    state.set(SHA1_INITIAL_STATE);
    sha1CompressWords(state, pad, 0, false);
    pad.set(state, KEY_STATES);
    for (let i = 0; i < 16; i++) pad[i] ^= 0x36363636 ^ 0x5c5c5c5c;
    state.set(SHA1_INITIAL_STATE);
    sha1CompressWords(state, pad, 0, false);
    pad.set(state, KEY_STATES + 5);
    pad.fill(0, 0, 16);
    state.fill(0);
    this.tail[32 + 5] = 0x80000000 | 0;
    this.tail[32 + 15] = OUTER_BITS;
  }

  /**
   * HMAC of `data[start..end)`, followed by `suffix` as a 32-bit big-endian word when
   * `withSuffix` (SRTP appends the ROC to the authenticated portion, RFC 3711 §4.2).
   * `words`, when given, is an Int32Array over all of `data.buffer` and `dataByteOffset` is
   * `data.byteOffset` (pass it when cached: reading it from a Buffer is a builtin call); the
   * message is then read a word at a time where it starts on a 4-byte boundary. Returns `this.digest`.
   */
  compute(data: Uint8Array, start: number, end: number, withSuffix: boolean, suffix: number, words: Int32Array | null = null, dataByteOffset: number = data.byteOffset): Uint8Array {
    const state = this.state;
    const ks = this.tail;
    state[0] = ks[KEY_STATES]; state[1] = ks[KEY_STATES + 1]; state[2] = ks[KEY_STATES + 2]; state[3] = ks[KEY_STATES + 3]; state[4] = ks[KEY_STATES + 4];
    let pos = start;
    let wo = -1;
    if (words !== null && ((dataByteOffset + start) & 3) === 0) {
      wo = (dataByteOffset + start) >>> 2;
      while (end - pos >= BLOCK) {
        sha1CompressWords(state, words, wo, LITTLE_ENDIAN);
        pos += BLOCK;
        wo += 16;
      }
    } else {
      while (end - pos >= BLOCK) {
        sha1Compress(state, data, pos);
        pos += BLOCK;
      }
    }
    this.finishInner(data, pos, end, words, wo, withSuffix, suffix, BLOCK + (end - start) + (withSuffix ? 4 : 0));
    // Outer hash: H(opad-state || inner digest || padding || length), one block of words.
    const d0 = state[0];
    const d1 = state[1];
    const d2 = state[2];
    const d3 = state[3];
    const d4 = state[4];
    state[0] = ks[KEY_STATES + 5]; state[1] = ks[KEY_STATES + 6]; state[2] = ks[KEY_STATES + 7]; state[3] = ks[KEY_STATES + 8]; state[4] = ks[KEY_STATES + 9];
    const ob = this.tail;
    ob[32] = d0; ob[33] = d1; ob[34] = d2; ob[35] = d3; ob[36] = d4;
    sha1CompressWords(state, ob, 32, false);
    const out = this.digest;
    for (let i = 0; i < 5; i++) {
      const w = state[i];
      out[i * 4] = w >>> 24;
      out[i * 4 + 1] = (w >>> 16) & 0xff;
      out[i * 4 + 2] = (w >>> 8) & 0xff;
      out[i * 4 + 3] = w & 0xff;
    }
    return out;
  }

  /**
   * The inner hash's last block or two: the `end - pos` (< 64) remaining bytes, the optional
   * 32-bit suffix, 0x80, zeros, and the message length in bits (FIPS 180-4 §5.1.1), as words.
   * When `wo` >= 0, `words[wo..)` holds the bytes from `pos` on (aligned; see `compute`).
   */
  private finishInner(data: Uint8Array, pos: number, end: number, words: Int32Array | null, wo: number, withSuffix: boolean, suffix: number, messageLength: number): void {
    const tw = this.tail;
    let k = 0;
    let p = pos;
    if (words !== null && wo >= 0) {
      for (; end - p >= 4; p += 4) tw[k++] = LITTLE_ENDIAN ? bswap(words[wo++]) : words[wo++];
    }
    for (; end - p >= 4; p += 4) tw[k++] = (data[p] << 24) | (data[p + 1] << 16) | (data[p + 2] << 8) | data[p + 3];
    // r (0..3) bytes left, then the suffix, then 0x80: at most 8 bytes, i.e. two more words.
    const r = end - p;
    let rest = 0;
    for (; p < end; p++) rest = (rest << 8) | data[p];
    if (withSuffix) {
      if (r === 0) {
        tw[k++] = suffix;
        tw[k++] = 0x80000000;
      } else {
        tw[k++] = (rest << (32 - 8 * r)) | (suffix >>> (8 * r));
        tw[k++] = (suffix << (32 - 8 * r)) | (0x80 << (24 - 8 * r));
      }
    } else {
      tw[k++] = r === 0 ? 0x80000000 : (rest << (32 - 8 * r)) | (0x80 << (24 - 8 * r));
    }
    const last = k <= 14 ? 16 : 32;
    while (k < last - 2) tw[k++] = 0;
    const bits = messageLength * 8;
    tw[last - 2] = Math.floor(bits / 0x100000000);
    tw[last - 1] = bits | 0;
    const state = this.state;
    sha1CompressWords(state, tw, 0, false);
    if (last === 32) sha1CompressWords(state, tw, 16, false);
  }

  /** Forget the key-dependent states. */
  /** Forget the key-dependent states (the views share `tail`'s memory). */
  wipe(): void {
    this.tail.fill(0);
  }
}

/** Compare `a[aOff..aOff+n)` with `b[bOff..bOff+n)` in time independent of where they differ. */
export function constantTimeEqual(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, n: number): boolean {
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= a[aOff + i] ^ b[bOff + i];
  return diff === 0;
}
