/**
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM for SRTP and SRTCP (RFC 7714 §7-§10; NIST SP 800-38D):
 * 96-bit IV, J0 = IV || 0^31 || 1, keystream from inc32(J0), 16-byte tag.
 *
 * Built from the reused AES-ECB object (aes-cm-keystream.ts) and GHASH tables (ghash.ts)
 * instead of a node:crypto GCM cipher per packet. The keystream of a packet is E(K, J0)
 * followed by E(K, J0+1) ...; SRTP packets take it from the stream's keystream computed ahead,
 * SRTCP packets compute it here. The tag is checked before anything is decrypted.
 */
import { AesCounterModeKeystream } from './aes-cm-keystream';
import { constantTimeEqual } from './hmac-sha1';
import { Ghash } from './ghash';
import { xorInPlace } from './word-xor';

export const GCM_TAG_LENGTH = 16;
const BLOCK = 16;

/** Write the counter blocks J0, J0+1, ... (`blocks` of them) for a 12-byte IV at `out[offset..)`. */
export function fillGcmCounterBlocks(out: Uint8Array, offset: number, iv: Uint8Array, blocks: number): void {
  for (let b = 0; b < blocks; b++) {
    const o = offset + b * BLOCK;
    for (let i = 0; i < 12; i++) out[o + i] = iv[i];
    const counter = b + 1;
    out[o + 12] = counter >>> 24;
    out[o + 13] = (counter >>> 16) & 0xff;
    out[o + 14] = (counter >>> 8) & 0xff;
    out[o + 15] = counter & 0xff;
  }
}

export class AesGcmAead {
  /** The AES block function (ECB); also used by the stream's keystream-ahead. */
  readonly aes: AesCounterModeKeystream;
  private readonly ghash: Ghash;
  /** The 12-byte IV; callers fill it before `keystreamForIv` (RFC 7714 §8.1, §9.1). */
  readonly iv = new Uint8Array(12);
  private counterBlocks = Buffer.alloc(BLOCK * 96);
  private counterViews: Buffer[] = [];
  private readonly tag = new Uint8Array(GCM_TAG_LENGTH);

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 32) throw new RangeError(`AES-GCM key length ${key.length} is not 16 or 32 bytes`);
    this.aes = new AesCounterModeKeystream(key);
    const h = this.aes.encryptBlocks(Buffer.alloc(BLOCK));
    this.ghash = new Ghash(h);
    h.fill(0);
  }

  /** Keystream (E(J0), then the payload's blocks) for `this.iv` and `payloadBytes` of payload. */
  keystreamForIv(payloadBytes: number): Buffer {
    const blocks = 1 + ((payloadBytes + BLOCK - 1) >>> 4);
    if (blocks * BLOCK > this.counterBlocks.length) {
      this.counterBlocks = Buffer.alloc(blocks * BLOCK);
      this.counterViews = [];
    }
    fillGcmCounterBlocks(this.counterBlocks, 0, this.iv, blocks);
    let view = this.counterViews[blocks];
    if (view === undefined) {
      view = this.counterBlocks.subarray(0, blocks * BLOCK);
      this.counterViews[blocks] = view;
    }
    return this.aes.encryptBlocks(view);
  }

  /**
   * Encrypt `buf[ptStart..ptEnd)` in place and write the tag at `buf[ptEnd..ptEnd+16)`.
   * Associated data: `aad[aadStart..aadEnd)` then `aad2` (may be null). `ks[ksOffset..)` holds
   * E(J0), E(J0+1)...; `ksWords` is an Int32Array over `ks`'s memory, or null.
   */
  seal(
    buf: Uint8Array, ptStart: number, ptEnd: number,
    aad: Uint8Array, aadStart: number, aadEnd: number, aad2: Uint8Array | null,
    ks: Uint8Array, ksOffset: number, ksWords: Int32Array | null,
  ): void {
    const g = this.ghash;
    g.reset();
    g.update(aad, aadStart, aadEnd);
    if (aad2 !== null) g.update(aad2, 0, aad2.length);
    g.pad();
    const n = ptEnd - ptStart;
    xorInPlace(buf, ptStart, n, ks, ksOffset + BLOCK, ksWords);
    g.update(buf, ptStart, ptEnd);
    g.finish(aadEnd - aadStart + (aad2 === null ? 0 : aad2.length), n, ks, ksOffset, buf, ptEnd);
  }

  /**
   * Check the tag at `tagBuf[tagOffset..+16)` over the associated data and the ciphertext
   * `buf[ctStart..ctEnd)`; only if it verifies, and `decrypt` is set, decrypt that range in place.
   * Returns false, touching nothing, when the tag does not verify (RFC 7714 §8: no plaintext from
   * an unauthenticated packet).
   */
  open(
    buf: Uint8Array, ctStart: number, ctEnd: number, tagBuf: Uint8Array, tagOffset: number,
    aad: Uint8Array, aadStart: number, aadEnd: number, aad2: Uint8Array | null,
    decrypt: boolean, ks: Uint8Array, ksOffset: number, ksWords: Int32Array | null,
  ): boolean {
    const g = this.ghash;
    g.reset();
    g.update(aad, aadStart, aadEnd);
    if (aad2 !== null) g.update(aad2, 0, aad2.length);
    g.pad();
    g.update(buf, ctStart, ctEnd);
    const n = ctEnd - ctStart;
    g.finish(aadEnd - aadStart + (aad2 === null ? 0 : aad2.length), n, ks, ksOffset, this.tag, 0);
    if (!constantTimeEqual(this.tag, 0, tagBuf, tagOffset, GCM_TAG_LENGTH)) return false;
    if (decrypt) xorInPlace(buf, ctStart, n, ks, ksOffset + BLOCK, ksWords);
    return true;
  }

  wipe(): void {
    this.aes.wipe();
    this.ghash.wipe();
    this.iv.fill(0);
    this.tag.fill(0);
    this.counterBlocks.fill(0);
  }
}
