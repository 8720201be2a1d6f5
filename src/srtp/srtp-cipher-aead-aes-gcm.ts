/**
 * AEAD_AES_128_GCM and AEAD_AES_256_GCM for SRTP and SRTCP (RFC 7714).
 *
 * IV (§8.1, §9.1) = salt XOR (00 00 || SSRC || ROC || SEQ) for SRTP and
 * salt XOR (00 00 || SSRC || 00 00 || 0 || SRTCP index) for SRTCP: both are the packet index
 * in the low 48 bits, so one first-counter-block rule serves both. Associated data: the RTP
 * header (§8.2); the SRTCP header and E||index word, or the whole packet and E||index when
 * E = 0 (§9.2, §17). The tag is checked before anything is decrypted (§8.3, §10.2).
 */
import { AesGcmAead } from './aes-gcm-aead';
import type { AesCounterModeKeystream } from './aes-cm-keystream';
import type { SessionKeyMaterial } from './key-derivation';
import type { KeystreamAhead } from './keystream-ahead';
import type { PacketFrame } from './packet-frame';
import type { SrtpCipher } from './srtp-cipher';

const SEQ_MOD = 0x10000;

export class AeadAesGcmCipher implements SrtpCipher {
  /** E(K, J0), which masks the tag, comes before the payload's keystream. */
  readonly leadingBlocks = 1;
  readonly aes: AesCounterModeKeystream;
  private readonly gcm: AesGcmAead;
  /** 12-byte session salt (RFC 7714 §8.1). */
  private readonly salt: Uint8Array;

  constructor(material: SessionKeyMaterial) {
    this.gcm = new AesGcmAead(material.encryptionKey);
    this.aes = this.gcm.aes;
    this.salt = Uint8Array.from(material.salt);
    material.encryptionKey.fill(0);
    material.authenticationKey.fill(0);
    material.salt.fill(0);
  }

  /** J0 = (salt XOR (00 00 || SSRC || index as 48 bits)) || 00 00 00 01. */
  firstCounterBlock(block: Uint8Array, ssrc: number, index: number): void {
    const salt = this.salt;
    const high = Math.floor(index / SEQ_MOD);
    const low16 = index - high * SEQ_MOD;
    block[0] = salt[0];
    block[1] = salt[1];
    block[2] = salt[2] ^ (ssrc >>> 24);
    block[3] = salt[3] ^ ((ssrc >>> 16) & 0xff);
    block[4] = salt[4] ^ ((ssrc >>> 8) & 0xff);
    block[5] = salt[5] ^ (ssrc & 0xff);
    block[6] = salt[6] ^ (high >>> 24);
    block[7] = salt[7] ^ ((high >>> 16) & 0xff);
    block[8] = salt[8] ^ ((high >>> 8) & 0xff);
    block[9] = salt[9] ^ (high & 0xff);
    block[10] = salt[10] ^ (low16 >>> 8);
    block[11] = salt[11] ^ (low16 & 0xff);
    block[12] = 0;
    block[13] = 0;
    block[14] = 0;
    block[15] = 1;
  }

  protect(buf: Uint8Array, f: PacketFrame, ks: KeystreamAhead): void {
    // Unencrypted SRTCP (E = 0, RFC 7714 §17): everything is associated data, no ciphertext.
    const ctStart = f.encrypt ? f.bodyStart : f.bodyEnd;
    const n = f.bodyEnd - ctStart;
    ks.locate(this, f.ssrc, f.index, n);
    ks.xorPayload(buf, ctStart, n);
    const t = f.trailerStart;
    const words = ks.wordsOf(buf);
    this.gcm.computeTag(buf, 0, ctStart, buf, t < 0 ? 0 : t, t < 0 ? 0 : t + 4, buf, ctStart, f.bodyEnd, ks.buffer, ks.offset, buf, f.bodyEnd, words, ks.wordsByteOffset);
  }

  unprotect(input: Uint8Array, dst: Uint8Array | null, f: PacketFrame, ks: KeystreamAhead): boolean {
    const ctStart = f.encrypt ? f.bodyStart : f.bodyEnd;
    const n = f.bodyEnd - ctStart;
    ks.locate(this, f.ssrc, f.index, n);
    const t = f.trailerStart;
    // SRTP: everything GHASH reads lies before the body's end, which `dst` holds a copy of, and
    // `dst` is usually a buffer the context has seen before (read as words); the tag stays in `input`.
    const src = dst !== null && t < 0 ? dst : input;
    const words = ks.wordsOf(src);
    if (!this.gcm.verifyTag(src, 0, ctStart, src, t < 0 ? 0 : t, t < 0 ? 0 : t + 4, src, ctStart, f.bodyEnd, ks.buffer, ks.offset, input, f.bodyEnd, words, ks.wordsByteOffset)) {
      return false;
    }
    if (dst !== null) ks.xorPayload(dst, ctStart, n);
    return true;
  }

  wipe(): void {
    this.gcm.wipe();
    this.salt.fill(0);
  }
}
