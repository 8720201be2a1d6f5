/** The cipher of a profile's family for one set of session keys (RFC 3711 §4, RFC 7714). */
import type { SessionKeyMaterial } from './key-derivation';
import type { ProtectionProfile } from './protection-profile';
import type { SrtpCipher } from './srtp-cipher';
import { AeadAesGcmCipher } from './srtp-cipher-aead-aes-gcm';
import { AesCmHmacSha1Cipher } from './srtp-cipher-aes-cm-hmac-sha1';

/** Builds the cipher and wipes `material` (the cipher keeps its own copies). */
export function createSrtpCipher(profile: ProtectionProfile, material: SessionKeyMaterial): SrtpCipher {
  return profile.aead ? new AeadAesGcmCipher(material) : new AesCmHmacSha1Cipher(profile, material);
}
