/**
 * Known-answer vectors that give session keys directly (RFC 7714 §16-17) need a context whose
 * session crypto is set by hand. This reaches into the context's key ring; test use only.
 */
import { SrtpContext } from '../../src/srtp';
import type { SrtpCipher } from '../../src/srtp/srtp-cipher';
import { createSrtpCipher } from '../../src/srtp/srtp-cipher-factory';
import type { ProtectionProfile } from '../../src/srtp/protection-profile';

export function contextWithSessionKeys(profileName: string, sessionKey: Uint8Array, sessionSalt: Uint8Array, srtcpIndex = 0, ssrc = 0): SrtpContext {
  const probe = new SrtpContext({ profile: profileName, keys: { key: new Uint8Array(sessionKey.length), salt: new Uint8Array(sessionSalt.length) } });
  const profile: ProtectionProfile = probe.profile;
  // Both ciphers are derived on first use (master-key.ts): usually not yet; set them first.
  const ring = (probe as unknown as { ring: { keys: { srtpCipherOnce: SrtpCipher | null; srtcp: SrtpCipher | null }[] } }).ring;
  const material = () => ({ encryptionKey: Uint8Array.from(sessionKey), authenticationKey: new Uint8Array(0), salt: Uint8Array.from(sessionSalt) });
  ring.keys[0].srtpCipherOnce?.wipe();
  ring.keys[0].srtcp?.wipe();
  ring.keys[0].srtpCipherOnce = createSrtpCipher(profile, material());
  ring.keys[0].srtcp = createSrtpCipher(profile, material());
  // The next SRTCP packet of `ssrc` uses `srtcpIndex` (RFC 3711 §3.4: the sender's index only grows).
  if (srtcpIndex > 0) probe.resumeAbove(ssrc, srtcpIndex - 1, 'outbound', true);
  return probe;
}
