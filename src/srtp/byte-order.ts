/**
 * Host byte order, for reading big-endian packet words through an Int32Array over a packet's
 * memory (SHA-1 and GHASH blocks, counter blocks): one load and a swap instead of four loads.
 */

/** Whether an Int32Array element holds its bytes little-endian (then a word read needs a swap). */
export const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** `v` with its four bytes reversed: the big-endian value of a little-endian memory word. */
export function bswap(v: number): number {
  return (v << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}
