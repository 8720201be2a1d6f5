/**
 * Words for what the API says in codes: status, icon, pair mode, transport, reasons. Pure (no
 * DOM), so the browser test and a unit test read the same table. Icon and status words are
 * always shown next to the icon: colour is never the only signal.
 */
import type { Reason, SecurityIcon, SecurityLevel, StreamView } from './api-types.js';

export const STATUS_LABELS: Readonly<Record<SecurityLevel, string>> = Object.freeze({
  encrypted: 'Encrypted',
  authenticated: 'Authenticated',
  nonsecure: 'Non-secure',
});

/** Seed 003 Table 4: what the phone shows. */
export const ICON_LABELS: Readonly<Record<SecurityIcon, string>> = Object.freeze({
  lock: 'Lock',
  shield: 'Shield',
  none: 'No icon',
});

/** docs/relay.md "Pair modes": what the relay does with packets leaving this leg for its peer. */
export const MODE_LABELS: Readonly<Record<string, string>> = Object.freeze({
  passthrough: 'verified passthrough',
  recrypt: 'recrypt',
  decrypt: 'decrypt (SRTP → RTP)',
  encrypt: 'encrypt (RTP → SRTP)',
  forward: 'forward (RTP)',
});

/** docs/security-status.md "Rules as implemented". */
export const REASON_LABELS: Readonly<Record<string, string>> = Object.freeze({
  cluster_nonsecure: 'cluster in nonsecure mode',
  device_not_trusted: 'device not trusted',
  device_nonsecure: 'device has a nonsecure profile',
  signaling_not_tls: 'signalling not over TLS',
  signaling_not_encrypted: 'signalling authenticated, not encrypted',
  device_not_srtp_capable: 'device cannot do SRTP',
  srtp_not_negotiated: 'stream negotiated without SRTP',
  legacy_secure_conference: 'old-firmware phone in a conference',
  dtls_pending: 'WebRTC leg: DTLS handshake not done yet',
  dtls_failed: 'WebRTC leg: DTLS handshake failed',
  fallback_rtp: 'segment dropped to RTP (policy rtp)',
  moh_rtp: 'music on hold is RTP',
  transcoder_rtp: 'transcoder in the path (RTP)',
  mtp_rtp: 'media termination point in the path (RTP)',
  conference_bridge_nonsecure: 'nonsecure conference bridge',
  sip_trunk_no_srtp: 'SIP trunk without SRTP',
  sip_trunk_hairpin: 'call hairpinned over a SIP trunk',
  trunk_no_shield: 'no shield across trunks',
  transition_pending: 'hold, resume or transfer in progress',
  barge_tone_sip: 'SIP barge tone playing',
  no_media: 'no media yet',
});

/** The counters shown per stream, in order (src/relay/leg-counters.ts has them all). */
export const SHOWN_COUNTERS: readonly (readonly [string, string])[] = Object.freeze([
  ['packetsIn', 'packets in'],
  ['packetsOut', 'packets out'],
  ['forwarded', 'forwarded'],
  ['authFailures', 'auth failures'],
  ['replays', 'replays'],
  ['tooOld', 'too old'],
  ['latchEvents', 'latch events'],
  ['droppedNoRoute', 'no route'],
]);

export function modeLabel(mode: string | null): string {
  return mode === null ? 'not paired' : MODE_LABELS[mode] ?? mode;
}

export function transportLabel(stream: StreamView): string {
  if (stream.transport === 'srtp') return stream.suite === null ? 'SRTP' : `SRTP ${stream.suite}`;
  if (stream.transport === 'rtp') return 'RTP';
  if (stream.transport === 'inactive') return 'inactive';
  return stream.srtp ? 'SRTP (not negotiated yet)' : 'none';
}

/** `moh_rtp — music on hold is RTP (resource moh1, audio)`. */
export function reasonLabel(reason: Reason): string {
  const where = [
    reason.legId !== undefined ? `leg ${reason.legId}` : null,
    reason.resourceId !== undefined ? `resource ${reason.resourceId}` : null,
    reason.stream ?? null,
  ].filter((x): x is string => x !== null);
  const words = REASON_LABELS[reason.code];
  return `${reason.code}${words !== undefined ? ` — ${words}` : ''}${where.length > 0 ? ` (${where.join(', ')})` : ''}`;
}

export function yesNo(value: boolean | undefined): string {
  return value === true ? 'yes' : 'no';
}

/** `12:03:04` in the viewer's time zone. */
export function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour12: false });
}
