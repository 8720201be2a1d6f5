/**
 * GHASH (NIST SP 800-38D §6.4) for AES-GCM SRTP (RFC 7714), with Shoup's 8-bit tables: 4 KiB
 * per hash key, 16 table steps per block, no allocation per message.
 *
 * Why not node:crypto: its GCM needs a new cipher object per packet (~6 us, several
 * allocations); GHASH here plus AES keystream computed ahead costs a fraction of that.
 * Table lookups depend on secret data, as in every table-driven GHASH; see docs/srtp-engine-api.md.
 */
import { bswap, LITTLE_ENDIAN } from './byte-order';

/** R8[r]: what the byte r shifted out of Z by x^8 reduces to, in the top word (poly 0xE1 || 0^120). */
const R = buildReductionTable();

function buildReductionTable(): Int32Array {
  const table = new Int32Array(256);
  for (let r = 0; r < 256; r++) {
    let w0 = 0;
    let w3 = r;
    for (let i = 0; i < 8; i++) {
      const lsb = w3 & 1;
      w3 >>>= 1;
      w0 >>>= 1;
      if (lsb !== 0) w0 ^= 0xe1000000;
    }
    table[r] = w0;
  }
  return table;
}

function readWord(b: Uint8Array, o: number): number {
  return (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
}

/** out[o..o+4) = big-endian `v` XOR ekj0[k..k+4). */
function writeTagWord(v: number, ekj0: Uint8Array, k: number, out: Uint8Array, o: number): void {
  out[o] = (v >>> 24) ^ ekj0[k];
  out[o + 1] = ((v >>> 16) & 0xff) ^ ekj0[k + 1];
  out[o + 2] = ((v >>> 8) & 0xff) ^ ekj0[k + 2];
  out[o + 3] = (v & 0xff) ^ ekj0[k + 3];
}

export class Ghash {
  /** T[4b..4b+3] = b * H as four big-endian words, b's most significant bit being x^0. */
  private readonly T = new Int32Array(256 * 4);
  private y0 = 0;
  private y1 = 0;
  private y2 = 0;
  private y3 = 0;
  private readonly partial = new Uint8Array(16);
  private partialLength = 0;

  constructor(h: Uint8Array) {
    const T = this.T;
    let w0 = readWord(h, 0);
    let w1 = readWord(h, 4);
    let w2 = readWord(h, 8);
    let w3 = readWord(h, 12);
    for (let bit = 0x80; bit >= 1; bit >>>= 1) {
      T[bit * 4] = w0; T[bit * 4 + 1] = w1; T[bit * 4 + 2] = w2; T[bit * 4 + 3] = w3;
      const lsb = w3 & 1;
      w3 = (w3 >>> 1) | (w2 << 31);
      w2 = (w2 >>> 1) | (w1 << 31);
      w1 = (w1 >>> 1) | (w0 << 31);
      w0 = (w0 >>> 1) ^ (lsb !== 0 ? 0xe1000000 : 0);
    }
    for (let b = 2; b < 256; b++) {
      const high = 1 << (31 - Math.clz32(b));
      if (high === b) continue;
      const rest = b ^ high;
      for (let k = 0; k < 4; k++) T[b * 4 + k] = T[high * 4 + k] ^ T[rest * 4 + k];
    }
  }

  reset(): void {
    this.y0 = 0; this.y1 = 0; this.y2 = 0; this.y3 = 0;
    this.partialLength = 0;
  }

  /**
   * Absorb `data[start..end)`; pieces of one field (AAD or ciphertext) may come in several calls.
   * `words`, when given, is an Int32Array over all of `data.buffer` and `dataByteOffset` is
   * `data.byteOffset`: whole blocks starting on a 4-byte boundary are then read a word at a time.
   */
  update(data: Uint8Array, start: number, end: number, words: Int32Array | null = null, dataByteOffset = 0): void {
    let pos = start;
    if (this.partialLength > 0) {
      const p = this.partial;
      while (this.partialLength < 16 && pos < end) p[this.partialLength++] = data[pos++];
      if (this.partialLength < 16) return;
      this.block(p, 0);
      this.partialLength = 0;
    }
    if (words !== null && ((dataByteOffset + pos) & 3) === 0) {
      let wo = (dataByteOffset + pos) >>> 2;
      while (end - pos >= 16) {
        this.blockWords(words, wo);
        pos += 16;
        wo += 4;
      }
    }
    while (end - pos >= 16) {
      this.block(data, pos);
      pos += 16;
    }
    const p = this.partial;
    while (pos < end) p[this.partialLength++] = data[pos++];
  }

  /** End a field: zero-pad its last partial block (SP 800-38D §6.4: A || 0^v || C || 0^u). */
  pad(): void {
    if (this.partialLength === 0) return;
    this.partial.fill(0, this.partialLength);
    this.block(this.partial, 0);
    this.partialLength = 0;
  }

  /**
   * Absorb len(A) || len(C) in bits and write the tag (GHASH XOR E(K, J0)) to `out[outOffset..+16)`.
   * `ekj0` holds E(K, J0) at `ekj0Offset`.
   */
  finish(aadBytes: number, ctBytes: number, ekj0: Uint8Array, ekj0Offset: number, out: Uint8Array, outOffset: number): void {
    this.pad();
    const lb = this.partial;
    const aBits = aadBytes * 8;
    const cBits = ctBytes * 8;
    lb[0] = 0; lb[1] = 0; lb[2] = 0; lb[3] = Math.floor(aBits / 0x100000000) & 0xff;
    lb[4] = aBits >>> 24; lb[5] = (aBits >>> 16) & 0xff; lb[6] = (aBits >>> 8) & 0xff; lb[7] = aBits & 0xff;
    lb[8] = 0; lb[9] = 0; lb[10] = 0; lb[11] = Math.floor(cBits / 0x100000000) & 0xff;
    lb[12] = cBits >>> 24; lb[13] = (cBits >>> 16) & 0xff; lb[14] = (cBits >>> 8) & 0xff; lb[15] = cBits & 0xff;
    this.block(lb, 0);
    writeTagWord(this.y0, ekj0, ekj0Offset, out, outOffset);
    writeTagWord(this.y1, ekj0, ekj0Offset + 4, out, outOffset + 4);
    writeTagWord(this.y2, ekj0, ekj0Offset + 8, out, outOffset + 8);
    writeTagWord(this.y3, ekj0, ekj0Offset + 12, out, outOffset + 12);
    this.reset();
  }

  wipe(): void {
    this.T.fill(0);
    this.partial.fill(0);
    this.reset();
  }

  /** Y = (Y XOR X) * H for the block at data[o..o+16). */
  private block(data: Uint8Array, o: number): void {
    this.y0 ^= readWord(data, o);
    this.y1 ^= readWord(data, o + 4);
    this.y2 ^= readWord(data, o + 8);
    this.y3 ^= readWord(data, o + 12);
    this.multiply();
  }

  /** `block` for a block in memory as host-order words `words[wo..wo+4)` (see byte-order.ts). */
  private blockWords(words: Int32Array, wo: number): void {
    this.y0 ^= LITTLE_ENDIAN ? bswap(words[wo]) : words[wo];
    this.y1 ^= LITTLE_ENDIAN ? bswap(words[wo + 1]) : words[wo + 1];
    this.y2 ^= LITTLE_ENDIAN ? bswap(words[wo + 2]) : words[wo + 2];
    this.y3 ^= LITTLE_ENDIAN ? bswap(words[wo + 3]) : words[wo + 3];
    this.multiply();
  }

  /** Y = Y * H: Shoup's method, a byte of Y at a time from the last, each step Z = Z * x^8 + T[byte]. */
  private multiply(): void {
    const T = this.T;
    const x0 = this.y0;
    const x1 = this.y1;
    const x2 = this.y2;
    const x3 = this.y3;
    let t = (x3 & 0xff) << 2;
    let z0 = T[t];
    let z1 = T[t + 1];
    let z2 = T[t + 2];
    let z3 = T[t + 3];
    let r = 0;
    r = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R[r];
    t = ((x3 >>> 8) & 0xff) << 2; z0 ^= T[t]; z1 ^= T[t + 1]; z2 ^= T[t + 2]; z3 ^= T[t + 3];
    r = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R[r];
    t = ((x3 >>> 16) & 0xff) << 2; z0 ^= T[t]; z1 ^= T[t + 1]; z2 ^= T[t + 2]; z3 ^= T[t + 3];
    r = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R[r];
    t = ((x3 >>> 24) & 0xff) << 2; z0 ^= T[t]; z1 ^= T[t + 1]; z2 ^= T[t + 2]; z3 ^= T[t + 3];
    r = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R[r];
    t = (x2 & 0xff) << 2; z0 ^= T[t]; z1 ^= T[t + 1]; z2 ^= T[t + 2]; z3 ^= T[t + 3];
    r = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R[r];
    t = ((x2 >>> 8) & 0xff) << 2; z0 ^= T[t]; z1 ^= T[t + 1]; z2 ^= T[t + 2]; z3 ^= T[t + 3];
    r = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R[r];
    t = ((x2 >>> 16) & 0xff) << 2; z0 ^= T[t]; z1 ^= T[t + 1]; z2 ^= T[t + 2]; z3 ^= T[t + 3];
    r = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R[r];
    t = ((x2 >>> 24) & 0xff) << 2; z0 ^= T[t]; z1 ^= T[t + 1]; z2 ^= T[t + 2]; z3 ^= T[t + 3];
    r = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R[r];
    t = (x1 & 0xff) << 2; z0 ^= T[t]; z1 ^= T[t + 1]; z2 ^= T[t + 2]; z3 ^= T[t + 3];
    r = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R[r];
    t = ((x1 >>> 8) & 0xff) << 2; z0 ^= T[t]; z1 ^= T[t + 1]; z2 ^= T[t + 2]; z3 ^= T[t + 3];
    r = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R[r];
    t = ((x1 >>> 16) & 0xff) << 2; z0 ^= T[t]; z1 ^= T[t + 1]; z2 ^= T[t + 2]; z3 ^= T[t + 3];
    r = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R[r];
    t = ((x1 >>> 24) & 0xff) << 2; z0 ^= T[t]; z1 ^= T[t + 1]; z2 ^= T[t + 2]; z3 ^= T[t + 3];
    r = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R[r];
    t = (x0 & 0xff) << 2; z0 ^= T[t]; z1 ^= T[t + 1]; z2 ^= T[t + 2]; z3 ^= T[t + 3];
    r = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R[r];
    t = ((x0 >>> 8) & 0xff) << 2; z0 ^= T[t]; z1 ^= T[t + 1]; z2 ^= T[t + 2]; z3 ^= T[t + 3];
    r = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R[r];
    t = ((x0 >>> 16) & 0xff) << 2; z0 ^= T[t]; z1 ^= T[t + 1]; z2 ^= T[t + 2]; z3 ^= T[t + 3];
    r = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R[r];
    t = ((x0 >>> 24) & 0xff) << 2; z0 ^= T[t]; z1 ^= T[t + 1]; z2 ^= T[t + 2]; z3 ^= T[t + 3];
    this.y0 = z0; this.y1 = z1; this.y2 = z2; this.y3 = z3;
  }
}
