/**
 * Known-answer vectors that give session keys directly (RFC 7714 §16-17) need a context whose
 * session crypto is set by hand. This reaches into the context's key ring; test use only.
 */
import { SrtpContext } from '../../src/srtp';
import type { SrtpCipher } from '../../src/srtp/srtp-cipher';
import { createSrtpCipher } from '../../src/srtp/srtp-cipher-factory';
import { SRTCP_AHEAD_BYTES } from '../../src/srtp/keystream-ahead';
import { StreamState } from '../../src/srtp/stream-state';
import type { ProtectionProfile } from '../../src/srtp/protection-profile';
import type { WordViews } from '../../src/srtp/word-xor';

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
  if (srtcpIndex > 0) {
    const rtcp = (probe as unknown as { rtcp: { outbound: Map<number, { srtcpIndex: number }> } }).rtcp;
    const views = (probe as unknown as { views: WordViews }).views;
    const st = new StreamState(ssrc, 0, 128, views, SRTCP_AHEAD_BYTES);
    st.srtcpIndex = srtcpIndex - 1;
    rtcp.outbound.set(ssrc, st);
  }
  return probe;
}
