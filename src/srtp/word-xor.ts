/**
 * In-place XOR of a payload with keystream, 32 bits at a time when both are 4-byte aligned.
 *
 * A byte loop over a 1200-byte payload costs more than the AES that made the keystream. Word
 * access needs an Int32Array over the packet's memory, and creating one per packet would
 * allocate, so views over whole ArrayBuffers are cached: output buffers recur packet after
 * packet (a caller's `out`, the relay's scratch buffers, a receive ring, Buffer's shared pool). A
 * buffer gets a view only when it is seen again soon after (see `viewOf`), so a fresh buffer per
 * packet never allocates one; until then, and for unaligned data, bytes are used. The HMAC reads
 * whole blocks through the same views (hmac-sha1.ts).
 *
 * The cache belongs to one SRTP context (`WordViews`), never to the module: contexts share
 * no state, and a closed context's cache goes with it.
 */

const CACHE = 4;
/** Entries per cached buffer in `slots`: the last typed array seen over it, its byteOffset, the buffer, its view. */
const ENTRY = 4;
/** Where the two missed buffers are in `slots`, then the last keystream array and its byteOffset. */
const MISSED = CACHE * ENTRY;
const KEYSTREAM = MISSED + 2;
const SLOTS = KEYSTREAM + 2;

export class WordViews {
  /**
   * Per cached buffer, [typed array, its byteOffset, ArrayBuffer, Int32Array view]; then the two
   * buffers seen once and not cached (see `viewOf`); then the last keystream array and its byteOffset.
   * Typed arrays are remembered with their byteOffset because reading `.buffer` or `.byteOffset` of a
   * Buffer is a generic property load and a builtin call in optimized code (Buffer.prototype is a
   * dictionary-mode object), some 300 instructions a packet; an identity check is one. One array
   * rather than one per kind: each array costs its own header (issue 13's memory per context).
   */
  private readonly slots: (ArrayBufferLike | Uint8Array | Int32Array | number | null)[] = new Array<null>(SLOTS).fill(null);
  private nextSlot = 0;
  private nextMiss = 0;
  /** After `wordsOf` returned a view: the byteOffset of the array it was asked about. */
  offset = 0;

  /**
   * An Int32Array over all of `arr.buffer` (and `offset` = arr.byteOffset), or null the first time
   * its buffer is seen. A recurring array (an output buffer, a receive slot) is found by identity.
   */
  wordsOf(arr: Uint8Array): Int32Array | null {
    const s = this.slots;
    for (let i = 0; i < MISSED; i += ENTRY) {
      if (s[i] === arr) {
        this.offset = s[i + 1] as number;
        return s[i + 3] as Int32Array;
      }
    }
    const buffer = arr.buffer;
    const view = this.viewOf(buffer);
    if (view === null) return null;
    for (let i = 0; i < MISSED; i += ENTRY) {
      if (s[i + 2] === buffer) {
        s[i] = arr;
        s[i + 1] = arr.byteOffset;
        break;
      }
    }
    this.offset = arr.byteOffset;
    return view;
  }

  /** The byteOffset of `ks`, remembered for the last keystream array (it changes once per refill). */
  keystreamOffset(ks: Uint8Array): number {
    const s = this.slots;
    if (s[KEYSTREAM] !== ks) {
      s[KEYSTREAM] = ks;
      s[KEYSTREAM + 1] = ks.byteOffset;
    }
    return s[KEYSTREAM + 1] as number;
  }

  /**
   * An Int32Array over all of `buffer`, or null the first time a buffer is seen: a buffer is cached
   * when it is seen again while still one of the last two missed. Two, so that a fresh input buffer
   * per packet (node:dgram's) alternating with a recurring output buffer does not keep pushing the
   * output buffer out.
   */
  viewOf(buffer: ArrayBufferLike): Int32Array | null {
    const s = this.slots;
    for (let i = 2; i < MISSED; i += ENTRY) if (s[i] === buffer) return s[i + 1] as Int32Array;
    if (s[MISSED] !== buffer && s[MISSED + 1] !== buffer) {
      s[MISSED + this.nextMiss] = buffer;
      this.nextMiss ^= 1;
      return null;
    }
    const view = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
    const at = this.nextSlot * ENTRY;
    s[at] = null;
    s[at + 1] = 0;
    s[at + 2] = buffer;
    s[at + 3] = view;
    this.nextSlot = (this.nextSlot + 1) % CACHE;
    s[MISSED] = null;
    s[MISSED + 1] = null;
    return view;
  }

  /** Forget every buffer (the context closed). */
  clear(): void {
    this.slots.fill(null);
  }
}

/**
 * buf[start + i] ^= ks[ksOffset + i] for i < length. `ksWords`, when given, is an Int32Array
 * over all of `ks.buffer` (the keystream computed ahead keeps one).
 */
export function xorInPlace(
  buf: Uint8Array, start: number, length: number,
  ks: Uint8Array, ksOffset: number, ksWords: Int32Array | null, views: WordViews,
): void {
  let i = 0;
  if (ksWords !== null && length >= 16) {
    const bv = views.wordsOf(buf);
    const b = views.offset + start;
    const k = views.keystreamOffset(ks) + ksOffset;
    if (bv !== null && ((b | k) & 3) === 0) {
      const words = length >>> 2;
      const bo = b >>> 2;
      const ko = k >>> 2;
      // Four words per iteration: the loop's own compare and branch cost as much as the XOR.
      let w = 0;
      for (; w + 4 <= words; w += 4) {
        bv[bo + w] ^= ksWords[ko + w];
        bv[bo + w + 1] ^= ksWords[ko + w + 1];
        bv[bo + w + 2] ^= ksWords[ko + w + 2];
        bv[bo + w + 3] ^= ksWords[ko + w + 3];
      }
      for (; w < words; w++) bv[bo + w] ^= ksWords[ko + w];
      i = words << 2;
    }
  }
  for (; i < length; i++) buf[start + i] ^= ks[ksOffset + i];
}
