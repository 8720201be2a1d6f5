/**
 * Decode an SDES inline key (RFC 4568 §6.1: base64 of master key || master salt) for a profile.
 * Accepts base64 with or without padding; errors name lengths, never bytes.
 */
import { SrtpError, SrtpErrorCode, type ProtectionProfile } from '../srtp';

export function decodeInlineKey(profile: ProtectionProfile, base64: string): { key: Uint8Array; salt: Uint8Array } {
  const text = base64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    throw new SrtpError(SrtpErrorCode.BadKeyLength, 'the key is not base64 (RFC 4568 §6.1 inline key||salt)');
  }
  const bytes = Buffer.from(text, 'base64');
  const want = profile.masterKeyLength + profile.masterSaltLength;
  if (bytes.length !== want) {
    bytes.fill(0);
    throw new SrtpError(SrtpErrorCode.BadKeyLength, `${profile.name} needs ${want} bytes of key||salt (${profile.masterKeyLength}+${profile.masterSaltLength}), the base64 decodes to ${bytes.length}`);
  }
  const key = Uint8Array.from(bytes.subarray(0, profile.masterKeyLength));
  const salt = Uint8Array.from(bytes.subarray(profile.masterKeyLength));
  bytes.fill(0);
  return { key, salt };
}
