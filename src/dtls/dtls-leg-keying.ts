/**
 * The control plane's key identity for a WebRTC leg. Its keys come from the DTLS exporter inside
 * the media worker and never reach the control plane, so there is nothing to fingerprint; a
 * random stand-in per leg matches no other leg's keys, so every pair with a WebRTC leg re-protects
 * (recrypt, decrypt or encrypt) and the relay's key-reuse checks see no shared key (there is none:
 * each DTLS association exports fresh keys, RFC 5764 §4.2).
 */
import { randomBytes } from 'node:crypto';
import type { ContextFingerprint } from '../relay/key-fingerprint';
import type { LegKeying } from '../relay/pair-mode';

export const DTLS_KEYING_PROFILE = 'DTLS-SRTP';

function standIn(): ContextFingerprint {
  const id = `dtls:${randomBytes(16).toString('hex')}`;
  return { wire: id, params: DTLS_KEYING_PROFILE, masterKeys: [id], keyIds: [id], active: id, profile: DTLS_KEYING_PROFILE };
}

export function dtlsLegKeying(): LegKeying {
  return { inbound: standIn(), outbound: standIn() };
}
