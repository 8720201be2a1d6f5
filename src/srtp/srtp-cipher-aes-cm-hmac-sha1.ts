/**
 * AES-CM (128, 192, 256) or the NULL cipher, with HMAC-SHA1 authentication (RFC 3711 §4.1.1,
 * §4.1.3, §4.2.1; RFC 6188): encrypt, then authenticate header and ciphertext (plus the ROC
 * for SRTP, plus E||index for SRTCP), truncated to the context's tag length. The MKI is not
 * authenticated (RFC 3711 §3.1). A receiver checks the tag before it decrypts.
 */
import { AesCounterModeKeystream } from './aes-cm-keystream';
import { constantTimeEqual, HmacSha1 } from './hmac-sha1';
import type { SessionKeyMaterial } from './key-derivation';
import type { KeystreamAhead } from './keystream-ahead';
import type { PacketFrame } from './packet-frame';
import type { ProtectionProfile } from './protection-profile';
import type { SrtpCipher } from './srtp-cipher';

export class AesCmHmacSha1Cipher implements SrtpCipher {
  readonly leadingBlocks = 0;
  /** Null for the NULL cipher (RFC 3711 §4.1.3): the context never asks it to encrypt. */
  readonly aes: AesCounterModeKeystream | null;
  private readonly hmac: HmacSha1;
  /** 14-byte session salt (RFC 3711 §4.1.1). */
  private readonly salt: Uint8Array;

  constructor(profile: ProtectionProfile, material: SessionKeyMaterial) {
    this.aes = profile.cipher === 'aes-cm' ? new AesCounterModeKeystream(material.encryptionKey) : null;
    this.hmac = new HmacSha1(material.authenticationKey);
    this.salt = Uint8Array.from(material.salt);
    material.encryptionKey.fill(0);
    material.authenticationKey.fill(0);
    material.salt.fill(0);
  }

  /** RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), block counter 0. */
  firstCounterBlock(block: Uint8Array, ssrc: number, index: number): void {
    const salt = this.salt;
    for (let i = 0; i < 14; i++) block[i] = salt[i];
    block[14] = 0;
    block[15] = 0;
    block[4] ^= ssrc >>> 24;
    block[5] ^= (ssrc >>> 16) & 0xff;
    block[6] ^= (ssrc >>> 8) & 0xff;
    block[7] ^= ssrc & 0xff;
    const hi = Math.floor(index / 0x100000000);
    const lo = index >>> 0;
    block[8] ^= (hi >>> 8) & 0xff;
    block[9] ^= hi & 0xff;
    block[10] ^= lo >>> 24;
    block[11] ^= (lo >>> 16) & 0xff;
    block[12] ^= (lo >>> 8) & 0xff;
    block[13] ^= lo & 0xff;
  }

  protect(buf: Uint8Array, f: PacketFrame, ks: KeystreamAhead): void {
    if (f.encrypt) {
      const n = f.bodyEnd - f.bodyStart;
      ks.locate(this, f.ssrc, f.index, n);
      ks.xorPayload(buf, f.bodyStart, n);
    }
    const tagLength = f.tagLength;
    if (tagLength === 0) return; // UNAUTHENTICATED_SRTP (RFC 4568 §6.3.3)
    const words = ks.wordsOf(buf);
    const digest = this.hmac.compute(buf, 0, f.authenticatedEnd, f.roc >= 0, f.roc, words, ks.wordsByteOffset);
    const at = f.tagOffset;
    for (let i = 0; i < tagLength; i++) buf[at + i] = digest[i];
  }

  unprotect(input: Uint8Array, dst: Uint8Array | null, f: PacketFrame, ks: KeystreamAhead): boolean {
    if (f.tagLength > 0) {
      // `dst` holds a copy of `input` up to the body's end, and is usually a buffer the context has
      // seen before (the caller's output), so when that covers the authenticated bytes (SRTP) the
      // HMAC reads it a word at a time; a receive buffer may be new each packet (read as bytes).
      const end = f.authenticatedEnd;
      const src = dst !== null && end <= f.bodyEnd ? dst : input;
      const words = ks.wordsOf(src);
      const digest = this.hmac.compute(src, 0, end, f.roc >= 0, f.roc, words, ks.wordsByteOffset);
      if (!constantTimeEqual(digest, 0, input, f.tagOffset, f.tagLength)) return false;
    }
    if (dst !== null && f.encrypt) {
      const n = f.bodyEnd - f.bodyStart;
      ks.locate(this, f.ssrc, f.index, n);
      ks.xorPayload(dst, f.bodyStart, n);
    }
    return true;
  }

  wipe(): void {
    this.aes?.wipe();
    this.hmac.wipe();
    this.salt.fill(0);
  }
}
