/**
 * The one builder of AES counter blocks, for both SRTP cipher families:
 * - AES-CM (RFC 3711 §4.1.1): block i of a packet is IV + i, IV's low 16 bits being zero;
 * - AES-GCM (NIST SP 800-38D §7.1, RFC 7714 §8.1): J0 = IV || 0^31 || 1, then inc32(J0), ...
 * Both are "the packet's first counter block plus i, added to its last 32-bit word": for
 * AES-CM that sum never carries out of the low 16 bits (at most 2^16 blocks per packet), for
 * GCM it is inc32. Each cipher says what its first block is (`firstCounterBlock`); this file
 * lays out the rest.
 *
 * Written a 32-bit word at a time when the output is 4-byte aligned: building counter blocks
 * byte by byte cost as much as the AES that encrypts them.
 */
import { LITTLE_ENDIAN } from './byte-order';

/** The Int32Array element whose bytes in memory are buf[o..o+4). */
function memoryWord(buf: Uint8Array, o: number): number {
  return LITTLE_ENDIAN
    ? buf[o] | (buf[o + 1] << 8) | (buf[o + 2] << 16) | (buf[o + 3] << 24)
    : (buf[o] << 24) | (buf[o + 1] << 16) | (buf[o + 2] << 8) | buf[o + 3];
}

/** The Int32Array element whose bytes in memory are the big-endian encoding of `v`. */
function memoryOrder32(v: number): number {
  return LITTLE_ENDIAN
    ? ((v >>> 24) & 0xff) | (((v >>> 16) & 0xff) << 8) | (((v >>> 8) & 0xff) << 16) | ((v & 0xff) << 24)
    : v | 0;
}

/**
 * Write `blocks` counter blocks, `first`, first+1, ..., at `out[offset..offset + 16*blocks)`.
 * `outWords`, when given, is an Int32Array over all of `out.buffer` (from byte 0); it is used
 * when the destination is 4-byte aligned.
 */
export function fillCounterBlocks(out: Uint8Array, outWords: Int32Array | null, offset: number, first: Uint8Array, blocks: number): void {
  const counter = ((first[12] << 24) | (first[13] << 16) | (first[14] << 8) | first[15]) >>> 0;
  const byteStart = out.byteOffset + offset;
  if (outWords !== null && (byteStart & 3) === 0) {
    const w0 = memoryWord(first, 0);
    const w1 = memoryWord(first, 4);
    const w2 = memoryWord(first, 8);
    let o = byteStart >>> 2;
    for (let b = 0; b < blocks; b++, o += 4) {
      outWords[o] = w0;
      outWords[o + 1] = w1;
      outWords[o + 2] = w2;
      outWords[o + 3] = memoryOrder32((counter + b) >>> 0);
    }
    return;
  }
  for (let b = 0; b < blocks; b++) {
    const o = offset + b * 16;
    for (let i = 0; i < 12; i++) out[o + i] = first[i];
    const c = (counter + b) >>> 0;
    out[o + 12] = c >>> 24;
    out[o + 13] = (c >>> 16) & 0xff;
    out[o + 14] = (c >>> 8) & 0xff;
    out[o + 15] = c & 0xff;
  }
}
