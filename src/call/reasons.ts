import { MediaKind } from './media-stream';
import { SecurityLevel } from './security-level';

/**
 * Why a call is below encrypted. Each code caps the call status at a level; the status is the
 * minimum over the caps of the report's reasons (a test keeps that true). `scope` says where the
 * reason attaches: the whole call, a leg's device, or one media segment.
 */
export const REASONS = Object.freeze({
  cluster_nonsecure: { cap: 'nonsecure', scope: 'call', seed: '003 "Cluster and device security modes"' },
  device_not_trusted: { cap: 'nonsecure', scope: 'device', seed: '001 "Device Called Trust Determination Criteria"' },
  device_nonsecure: { cap: 'nonsecure', scope: 'device', seed: '000/001 "Understanding How Security Works for Phones": one nonsecure device makes the call nonsecure' },
  signaling_not_tls: { cap: 'nonsecure', scope: 'device', seed: '003 Table 1 "Nonsecure Device"' },
  signaling_not_encrypted: { cap: 'authenticated', scope: 'device', seed: '003 Table 1 "Secure Call"; "Security icons" (shield = authenticated signaling)' },
  device_not_srtp_capable: { cap: 'authenticated', scope: 'media', seed: '003 "Media encryption": at least one device without SRTP means RTP' },
  srtp_not_negotiated: { cap: 'authenticated', scope: 'media', seed: '003 "Digest authentication and encryption"; "Security icons" audio+video rule' },
  legacy_secure_conference: { cap: 'authenticated', scope: 'media', seed: '003 "Phone support and encryption"; "Barge and encryption"' },
  dtls_pending: { cap: 'nonsecure', scope: 'media', seed: '003 Table 1 "Secure Call": encrypted needs SRTP media; a DTLS-SRTP (WebRTC) stream has no keys before its handshake completes with a verified fingerprint (RFC 5763 §5)' },
  dtls_failed: { cap: 'nonsecure', scope: 'media', seed: '003 Table 1 "Secure Call": encrypted needs SRTP media; a DTLS-SRTP stream whose handshake failed has none (RFC 5763 §5)' },
  fallback_rtp: { cap: 'authenticated', scope: 'media', seed: '003 "Media encryption": the system uses an RTP connection' },
  moh_rtp: { cap: 'nonsecure', scope: 'media', seed: '003 "Media resources and encryption"; "Security icons and encryption"' },
  transcoder_rtp: { cap: 'nonsecure', scope: 'media', seed: '003 "Media resources and encryption"' },
  mtp_rtp: { cap: 'nonsecure', scope: 'media', seed: '003 "Media resources and encryption"' },
  conference_bridge_nonsecure: { cap: 'nonsecure', scope: 'media', seed: '004 Table 2 "Security Restrictions with Conference Calls"' },
  sip_trunk_no_srtp: { cap: 'nonsecure', scope: 'device', seed: '003 "Security icons and encryption": TLS without SRTP stays not-authenticated' },
  sip_trunk_hairpin: { cap: 'nonsecure', scope: 'call', seed: '003 "Security icons and encryption": transferred back over a SIP trunk is not encrypted' },
  trunk_no_shield: { cap: 'nonsecure', scope: 'call', seed: '003 "Security icons and encryption": no shield across H.323 and SIP trunks' },
  transition_pending: { cap: 'nonsecure', scope: 'call', seed: '002 "Interaction Between Cisco CallManager and the Cisco IP Phone"' },
  barge_tone_sip: { cap: 'nonsecure', scope: 'call', seed: '003 "Barge and encryption": SIP barge is nonsecure during the tone' },
  no_media: { cap: 'nonsecure', scope: 'call', seed: '003 Table 1 "Secure Call": encrypted needs SRTP media; a call carrying no media stream has none' },
} as const);

export type ReasonCode = keyof typeof REASONS;

export interface Reason {
  readonly code: ReasonCode;
  readonly legId?: string;
  readonly resourceId?: string;
  readonly stream?: MediaKind;
}

/** Informational facts that do not lower the status. */
export const NOTICES = Object.freeze({
  pstn_ip_portion_only: { seed: '003 "Security icons and encryption"; 004 "Phone Call Security"' },
} as const);

export type NoticeCode = keyof typeof NOTICES;

export interface Notice {
  readonly code: NoticeCode;
  readonly legId: string;
}

export function reasonCap(code: ReasonCode): SecurityLevel {
  return REASONS[code].cap;
}

export function reasonKey(r: Reason): string {
  return `${r.code}|${r.legId ?? ''}|${r.resourceId ?? ''}|${r.stream ?? ''}`;
}
