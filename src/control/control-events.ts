/**
 * What call control tells its front ends, typed (one map, as mediasoup does). Events carry ids,
 * addresses, statuses and reasons: never keys. Every `CallSession` emits them for its call and
 * the `CallController` re-emits them for all calls; front ends (the HTTP API's WebSocket, later
 * ng) forward them as they are.
 */
import type { Reason, SecurityLevel, SecurityReport, SegmentTransport } from '../call';
import type { LegLocal } from '../relay';

interface Base { readonly callId: string }

/** From the relay's `keylimit` event (key-limit-watch.ts): indexes and counts, never key bytes. */
export type KeyLimitPayload = Base & {
  readonly legId: string;
  /** Media stream of the leg (`audio`, `video`). */
  readonly stream: string;
  /** `inbound`: the key the endpoint sends with; `outbound`: the key the relay sends to it with. */
  readonly direction: 'inbound' | 'outbound';
  readonly keyIndex: number;
  readonly mki: string | null;
  /** Which packets reached the limit: SRTP or SRTCP. */
  readonly protocol: 'srtp' | 'srtcp';
  readonly used: number;
  readonly lifetime: number;
};

export type CallCloseReason = 'deleted' | 'shutdown' | 'worker_died';

export interface ControlEventMap {
  callcreated: Base & { readonly policy: string };
  callclosed: Base & { readonly reason: CallCloseReason };
  securitychange: Base & { readonly previousStatus: SecurityLevel; readonly status: SecurityLevel; readonly reasons: readonly Reason[]; readonly report: SecurityReport };
  legadded: Base & { readonly legId: string; readonly keying: string };
  legupdated: Base & { readonly legId: string };
  legremoved: Base & { readonly legId: string };
  /** The relay port an endpoint must send to changed (RTP fallback under policy `rtp`, or back): re-INVITE it. */
  legmedia: Base & { readonly legId: string; readonly stream: string; readonly transport: SegmentTransport; readonly local: LegLocal | null };
  latch: Base & { readonly legId?: string; readonly resourceId?: string; readonly stream?: string; readonly rtcp: boolean; readonly address: string; readonly port: number };
  /** A master key of a leg reached its soft limit (`keyexpiring`) or its lifetime (`keyexpired`): rekey. */
  keyexpiring: KeyLimitPayload;
  keyexpired: KeyLimitPayload;
  /** A dtls (WebRTC) leg's handshake: `connected` (keys in place, profile, the relay's role), `failed` (reason) or `closed` by the peer. */
  dtls: Base & { readonly legId: string; readonly stream: string; readonly state: 'connected' | 'failed' | 'closed'; readonly role: 'client' | 'server'; readonly profile: string | null; readonly reason: string | null; readonly connectMs: number | null };
  /** A dtls (WebRTC) leg learned its peer's address from an authenticated ICE check (the selected pair's remote end). */
  ice: Base & { readonly legId: string; readonly stream: string; readonly address: string; readonly port: number; readonly nominated: boolean };
  resourceadded: Base & { readonly resourceId: string; readonly kind: string };
  resourceremoved: Base & { readonly resourceId: string };
}

export type ControlEventType = keyof ControlEventMap;

export const CONTROL_EVENT_TYPES: readonly ControlEventType[] = Object.freeze([
  'callcreated', 'callclosed', 'securitychange', 'legadded', 'legupdated', 'legremoved', 'legmedia', 'latch', 'keyexpiring', 'keyexpired', 'dtls', 'ice', 'resourceadded', 'resourceremoved',
]);

/** The same map as emitter arguments (`on('legadded', (e) => ...)`). */
export type ControlEmitterMap = { [K in ControlEventType]: [ControlEventMap[K]] };
