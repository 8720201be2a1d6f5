/** Copy without creating views: Buffer.prototype.copy works on any Uint8Array and is native. */
const nativeCopy = Buffer.prototype.copy;

export function copyBytes(src: Uint8Array, srcStart: number, dst: Uint8Array, dstStart: number, length: number): void {
  if (length <= 0 || (src === dst && srcStart === dstStart)) return;
  if (length < 32) {
    if (src === dst && dstStart > srcStart) {
      for (let i = length - 1; i >= 0; i--) dst[dstStart + i] = src[srcStart + i];
    } else {
      for (let i = 0; i < length; i++) dst[dstStart + i] = src[srcStart + i];
    }
    return;
  }
  nativeCopy.call(src, dst, dstStart, srcStart, srcStart + length);
}
