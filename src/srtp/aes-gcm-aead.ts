/**
 * AES-GCM with a 96-bit IV and a 16-byte tag (NIST SP 800-38D; RFC 7714 §7-§10 for SRTP):
 * J0 = IV || 0^31 || 1, the payload's keystream from inc32(J0), tag = GHASH XOR E(K, J0).
 *
 * Built from the reused AES-ECB object (aes-cm-keystream.ts) and GHASH tables (ghash.ts)
 * instead of a node:crypto GCM cipher per packet (~6 us and several allocations). The SRTP
 * cipher (srtp-cipher-aead-aes-gcm.ts) takes keystream from the stream's keystream computed
 * ahead; `keystreamForIv` computes one message's alone.
 */
import { AesCounterModeKeystream } from './aes-cm-keystream';
import { constantTimeEqual } from './hmac-sha1';
import { Ghash } from './ghash';

export const GCM_TAG_LENGTH = 16;
const BLOCK = 16;

/** J0 for a 96-bit IV (SP 800-38D §7.1): IV || 0^31 || 1. */
export function writeJ0(block: Uint8Array, iv: Uint8Array): void {
  for (let i = 0; i < 12; i++) block[i] = iv[i];
  block[12] = 0;
  block[13] = 0;
  block[14] = 0;
  block[15] = 1;
}

export class AesGcmAead {
  /** The AES block function (ECB); also the SRTP stream's keystream-ahead uses it. */
  readonly aes: AesCounterModeKeystream;
  private readonly ghash: Ghash;
  /** The 12-byte IV of `keystreamForIv`. */
  readonly iv = new Uint8Array(12);
  private readonly j0 = new Uint8Array(BLOCK);
  private readonly tag = new Uint8Array(GCM_TAG_LENGTH);

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 32) throw new RangeError(`AES-GCM key length ${key.length} is not 16 or 32 bytes`);
    this.aes = new AesCounterModeKeystream(key);
    const h = this.aes.encryptBlocks(Buffer.alloc(BLOCK));
    this.ghash = new Ghash(h);
    h.fill(0);
  }

  /** Keystream for `this.iv`: E(K, J0), then the blocks of `payloadBytes` of payload (a new buffer). */
  keystreamForIv(payloadBytes: number): Buffer {
    writeJ0(this.j0, this.iv);
    return this.aes.keystreamFrom(this.j0, 1 + ((payloadBytes + BLOCK - 1) >>> 4));
  }

  /**
   * The tag over associated data `aad[aadStart..aadEnd)` followed by `aad2[aad2Start..aad2End)`
   * (SRTCP's E||index word sits apart from its header) and ciphertext `ct[ctStart..ctEnd)`,
   * written to `out[outOffset..+16)`. `ekj0[ekj0Offset..+16)` holds E(K, J0). `ctWords`, when
   * given, is an Int32Array over all of `ct.buffer` and `ctByteOffset` is `ct.byteOffset`
   * (ghash.ts reads whole blocks as words); the AAD is then in the same buffer when `aad === ct`.
   */
  computeTag(
    aad: Uint8Array, aadStart: number, aadEnd: number,
    aad2: Uint8Array, aad2Start: number, aad2End: number,
    ct: Uint8Array, ctStart: number, ctEnd: number,
    ekj0: Uint8Array, ekj0Offset: number, out: Uint8Array, outOffset: number,
    ctWords: Int32Array | null = null, ctByteOffset = 0,
  ): void {
    const g = this.ghash;
    g.reset();
    g.update(aad, aadStart, aadEnd, aad === ct ? ctWords : null, ctByteOffset);
    g.update(aad2, aad2Start, aad2End);
    g.pad();
    g.update(ct, ctStart, ctEnd, ctWords, ctByteOffset);
    g.finish(aadEnd - aadStart + aad2End - aad2Start, ctEnd - ctStart, ekj0, ekj0Offset, out, outOffset);
  }

  /** Whether `tagBuf[tagOffset..+16)` is the tag of those bytes, compared in constant time. */
  verifyTag(
    aad: Uint8Array, aadStart: number, aadEnd: number,
    aad2: Uint8Array, aad2Start: number, aad2End: number,
    ct: Uint8Array, ctStart: number, ctEnd: number,
    ekj0: Uint8Array, ekj0Offset: number, tagBuf: Uint8Array, tagOffset: number,
    ctWords: Int32Array | null = null, ctByteOffset = 0,
  ): boolean {
    this.computeTag(aad, aadStart, aadEnd, aad2, aad2Start, aad2End, ct, ctStart, ctEnd, ekj0, ekj0Offset, this.tag, 0, ctWords, ctByteOffset);
    return constantTimeEqual(this.tag, 0, tagBuf, tagOffset, GCM_TAG_LENGTH);
  }

  wipe(): void {
    this.aes.wipe();
    this.ghash.wipe();
    this.iv.fill(0);
    this.j0.fill(0);
    this.tag.fill(0);
  }
}
