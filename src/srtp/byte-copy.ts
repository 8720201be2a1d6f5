/**
 * Byte copies on the packet path, without creating views: `subarray`, `Buffer.copy` of part of
 * a buffer and `set(subarray)` each allocate a typed-array object per packet.
 */

/** Copy `src[srcStart..srcStart+length)` to `dst[dstStart..)` (may overlap when src === dst). */
export function copyBytes(src: Uint8Array, srcStart: number, dst: Uint8Array, dstStart: number, length: number): void {
  if (length <= 0 || (src === dst && srcStart === dstStart)) return;
  if (src === dst && dstStart > srcStart) {
    for (let i = length - 1; i >= 0; i--) dst[dstStart + i] = src[srcStart + i];
    return;
  }
  for (let i = 0; i < length; i++) dst[dstStart + i] = src[srcStart + i];
}

/**
 * Make `dst[0..length)` equal `src[0..length)`. When all of `src` fits in `dst`, copies all of
 * it with one native whole-array copy (no view needed), so bytes of `dst` past `length` may
 * change too: callers write the rest of the packet afterwards. No-op when src === dst.
 */
export function copyPacketPrefix(src: Uint8Array, dst: Uint8Array, length: number): void {
  if (src === dst || length <= 0) return;
  if (length >= 48 && src.length <= dst.length) {
    dst.set(src);
    return;
  }
  for (let i = 0; i < length; i++) dst[i] = src[i];
}
