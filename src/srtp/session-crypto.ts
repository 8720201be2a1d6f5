/**
 * The cipher and authentication objects of one session key set (SRTP or SRTCP of one master
 * key), built once and reused for every packet.
 */
import { AesCounterModeKeystream } from './aes-cm-keystream';
import { AesGcmAead } from './aes-gcm-aead';
import { HmacSha1 } from './hmac-sha1';
import type { SessionKeyMaterial } from './key-derivation';
import type { ProtectionProfile } from './protection-profile';

export class SessionCrypto {
  /** AES-CM keystream; null for the NULL cipher and for GCM. */
  readonly keystream: AesCounterModeKeystream | null;
  /** AES-GCM; null for non-AEAD profiles. */
  readonly gcm: AesGcmAead | null;
  /** HMAC-SHA1 with precomputed states; null for AEAD profiles. */
  readonly hmac: HmacSha1 | null;
  /** Session salt (14 or 12 bytes). */
  readonly salt: Uint8Array;

  constructor(profile: ProtectionProfile, material: SessionKeyMaterial) {
    this.keystream = profile.cipher === 'aes-cm' ? new AesCounterModeKeystream(material.encryptionKey) : null;
    this.gcm = profile.cipher === 'aes-gcm' ? new AesGcmAead(material.encryptionKey) : null;
    this.hmac = profile.authKeyLength > 0 ? new HmacSha1(material.authenticationKey) : null;
    this.salt = Uint8Array.from(material.salt);
    material.encryptionKey.fill(0);
    material.authenticationKey.fill(0);
    material.salt.fill(0);
  }

  wipe(): void {
    this.keystream?.wipe();
    this.gcm?.wipe();
    this.hmac?.wipe();
    this.salt.fill(0);
  }
}
