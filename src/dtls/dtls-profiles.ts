/**
 * The SRTP protection profiles a WebRTC leg offers in DTLS `use_srtp` (RFC 5764 §4.1.1), in our
 * order of preference, and the key material each needs from the exporter (RFC 5764 §4.2).
 * The profile table itself (names, key and salt lengths, DTLS ids) is `src/srtp/protection-profile.ts`.
 */
import { profileByDtlsId, resolveProfile, type ProfileName, type ProtectionProfile } from '../srtp/protection-profile';

/** AEAD first (RFC 7714: no separate HMAC, shorter tags for the same strength), then AES-CM. */
export const DTLS_PROFILE_PREFERENCE: readonly ProfileName[] = Object.freeze([
  'AEAD_AES_128_GCM',
  'AEAD_AES_256_GCM',
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
]);

/** Canonical names → DTLS ids, keeping the caller's order; names we cannot do over DTLS are refused. */
export function dtlsProfileIds(names: readonly string[]): number[] {
  return names.map((n) => {
    const p = resolveProfile(n);
    if (!DTLS_PROFILE_PREFERENCE.includes(p.name)) throw new Error(`${p.name} is not offered over DTLS-SRTP`);
    return p.dtlsId;
  });
}

/** The profile the handshake negotiated, as our table knows it. */
export function negotiatedProfile(dtlsId: number): ProtectionProfile | undefined {
  const p = profileByDtlsId(dtlsId);
  return p !== undefined && DTLS_PROFILE_PREFERENCE.includes(p.name) ? p : undefined;
}

/**
 * Bytes to export for a profile: client key, server key, client salt, server salt
 * (RFC 5764 §4.2; RFC 7714 §12 for GCM's 12-byte salt).
 */
export function exporterLength(p: ProtectionProfile): number {
  return 2 * (p.masterKeyLength + p.masterSaltLength);
}
