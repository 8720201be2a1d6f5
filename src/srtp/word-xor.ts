/**
 * In-place XOR of a payload with keystream, 32 bits at a time when both are 4-byte aligned.
 *
 * A byte loop over a 1200-byte payload costs more than the AES that made the keystream. Word
 * access needs an Int32Array over the packet's memory, and creating one per packet would
 * allocate, so views over whole ArrayBuffers are cached: output buffers recur packet after
 * packet (a caller's `out`, the relay's scratch buffers, a receive ring, Buffer's shared pool). A
 * buffer gets a view only when it is seen again soon after (see `missed`), so a fresh buffer per
 * packet never allocates one; until then, and for unaligned data, bytes are used. The HMAC reads
 * whole blocks through the same views (hmac-sha1.ts).
 *
 * The cache belongs to one SRTP context (`WordViews`), never to the module: contexts share
 * no state, and a closed context's cache goes with it.
 */

const CACHE = 4;
/** The placeholder of an empty cache slot, shared: four per context cost 0.6 KiB of heap. */
const NO_VIEW = new Int32Array(0);

export class WordViews {
  private readonly buffers: (ArrayBufferLike | null)[] = [null, null, null, null];
  private readonly views: Int32Array[] = [NO_VIEW, NO_VIEW, NO_VIEW, NO_VIEW];
  private nextSlot = 0;
  /**
   * The last two buffers seen once and not cached: a buffer is cached when it is seen again
   * while still here. Two, so that a fresh input buffer per packet (node:dgram's) alternating
   * with a recurring output buffer does not keep pushing the output buffer out.
   */
  private readonly missed: (ArrayBufferLike | null)[] = [null, null];
  private nextMiss = 0;

  /** An Int32Array over all of `buffer`, or null the first time a buffer is seen. */
  viewOf(buffer: ArrayBufferLike): Int32Array | null {
    const buffers = this.buffers;
    for (let i = 0; i < CACHE; i++) if (buffers[i] === buffer) return this.views[i];
    const missed = this.missed;
    if (missed[0] !== buffer && missed[1] !== buffer) {
      missed[this.nextMiss] = buffer;
      this.nextMiss ^= 1;
      return null;
    }
    const view = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
    buffers[this.nextSlot] = buffer;
    this.views[this.nextSlot] = view;
    this.nextSlot = (this.nextSlot + 1) % CACHE;
    missed[0] = null;
    missed[1] = null;
    return view;
  }

  /** Forget every buffer (the context closed). */
  clear(): void {
    this.buffers.fill(null);
    this.views.fill(NO_VIEW);
    this.missed[0] = null;
    this.missed[1] = null;
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
  const b = buf.byteOffset + start;
  const k = ks.byteOffset + ksOffset;
  if (ksWords !== null && length >= 16 && ((b | k) & 3) === 0) {
    const bv = views.viewOf(buf.buffer);
    if (bv !== null) {
      const words = length >>> 2;
      const bo = b >>> 2;
      const ko = k >>> 2;
      for (let w = 0; w < words; w++) bv[bo + w] ^= ksWords[ko + w];
      i = words << 2;
    }
  }
  for (; i < length; i++) buf[start + i] ^= ks[ksOffset + i];
}
