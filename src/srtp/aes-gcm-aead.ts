/**
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM for SRTP and SRTCP (RFC 7714 §7-§10): 12-byte IV, 16-byte
 * tag, associated data given in up to two pieces (the SRTCP trailer is not contiguous with the
 * header it authenticates).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

export const GCM_TAG_LENGTH = 16;

export class AesGcmAead {
  private readonly algorithm: 'aes-128-gcm' | 'aes-256-gcm';
  private key: Buffer;
  /** The 12-byte IV; callers fill it before each seal/open (RFC 7714 §8.1, §9.1). */
  readonly iv = Buffer.alloc(12);

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 32) throw new RangeError(`AES-GCM key length ${key.length} is not 16 or 32 bytes`);
    this.algorithm = key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
    this.key = Buffer.from(key);
  }

  /**
   * Encrypt `src[ptStart..ptEnd)` into `dst` at `dstOffset` and write the tag right after it.
   * `aad1` and `aad2` (may be empty) are authenticated, in that order.
   */
  seal(src: Uint8Array, ptStart: number, ptEnd: number, aad1: Uint8Array, aad2: Uint8Array | null, dst: Uint8Array, dstOffset: number): void {
    const cipher = createCipheriv(this.algorithm, this.key, this.iv, { authTagLength: GCM_TAG_LENGTH });
    cipher.setAAD(aad1);
    if (aad2 !== null) cipher.setAAD(aad2);
    let o = dstOffset;
    if (ptEnd > ptStart) {
      const ct = cipher.update(src.subarray(ptStart, ptEnd));
      dst.set(ct, o);
      o += ct.length;
    }
    const rest = cipher.final();
    if (rest.length > 0) { dst.set(rest, o); o += rest.length; }
    dst.set(cipher.getAuthTag(), o);
  }

  /**
   * Verify and decrypt `src[ctStart..ctEnd)` whose tag is `src[ctEnd..ctEnd+16)`, writing the
   * plaintext to `dst` at `dstOffset`. Returns false when the tag does not verify; `dst` then
   * holds garbage that the caller must not use.
   */
  open(src: Uint8Array, ctStart: number, ctEnd: number, aad1: Uint8Array, aad2: Uint8Array | null, dst: Uint8Array, dstOffset: number): boolean {
    const decipher = createDecipheriv(this.algorithm, this.key, this.iv, { authTagLength: GCM_TAG_LENGTH });
    decipher.setAuthTag(src.subarray(ctEnd, ctEnd + GCM_TAG_LENGTH));
    decipher.setAAD(aad1);
    if (aad2 !== null) decipher.setAAD(aad2);
    // Read the tag-covered input before `dst` (possibly the same buffer) is written.
    const pt = ctEnd > ctStart ? decipher.update(src.subarray(ctStart, ctEnd)) : null;
    try {
      decipher.final();
    } catch {
      return false;
    }
    if (pt !== null) dst.set(pt, dstOffset);
    return true;
  }

  wipe(): void {
    this.key.fill(0);
    this.key = Buffer.alloc(0);
    this.iv.fill(0);
  }
}
