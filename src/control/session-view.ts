/**
 * What a session looks like to a front end: ids, devices, ports, suites, pairing and counters.
 * Built from the session's objects and relay stats, which hold no key material; the only secret
 * output (SDES answers in `StreamView.crypto`, key delivery views) is added by the operations
 * that own it. These types are what the HTTP API returns (src/api/dto.ts re-exports them).
 */
import type { CallState, ConferenceKind, Device, MediaKind, SecurityLevel, SecurityReport, SegmentTransport } from '../call';
import type { Endpoint, LegCounterValues, LegLocal, RemoteEndpoint } from '../relay';
import type { KeyingScope } from '../keys';
import type { RelayLegOwner } from './relay-legs';
import type { SessionLeg } from './session-leg';
import type { SessionResource } from './session-resource';
import type { ConferenceBridge } from './conference-bridge';
import type { RelayLegs } from './relay-legs';
import type { Keying } from './session-stream';

export interface StreamView {
  readonly kind: MediaKind;
  readonly srtp: boolean;
  /** SRTP negotiated (or plain RTP, which needs none). */
  readonly negotiated: boolean;
  readonly transport: SegmentTransport | null;
  readonly suite: string | null;
  readonly local: LegLocal | null;
  readonly rtcpMux: boolean;
  readonly remote: Endpoint | RemoteEndpoint | null;
  /** Owner of the relay leg this stream is paired with: a leg id, `resource:<id>` or `resource:<bridge>:<leg>`. */
  readonly peer: string | null;
  readonly mode: string | null;
  readonly counters: LegCounterValues | null;
  /** sdes: the relay's a=crypto answer line (only in the response that created it; secret). */
  readonly crypto?: string;
}

export interface LegView {
  readonly id: string;
  readonly device: Device;
  readonly keying: Keying;
  readonly streams: readonly StreamView[];
  /** keying dtls: the relay's SDP answer for the WebRTC peer (only in the response that created the leg). */
  readonly webrtc?: { readonly answer: string };
}

export interface ResourceView {
  readonly id: string;
  readonly kind: string;
  readonly leg: string | null;
  readonly stream: MediaKind;
  readonly local: Readonly<Record<string, LegLocal | null>>;
}

export interface BridgePortView {
  readonly leg: string;
  readonly stream: MediaKind;
  readonly transport: 'srtp' | 'rtp';
  readonly suite: string | null;
  readonly local: LegLocal | null;
}

export interface BridgeView {
  readonly id: string;
  readonly kind: 'conference_bridge';
  readonly secure: boolean;
  readonly remote: RemoteEndpoint;
  readonly ports: readonly BridgePortView[];
}

export interface ConferenceView {
  readonly kind: ConferenceKind;
  readonly initiator: string;
  readonly bridge: string | null;
  readonly minimumLevel: SecurityLevel | null;
  readonly target: string | null;
  readonly bargeTone: boolean;
}

export interface CallView {
  readonly id: string;
  readonly createdAt: string;
  readonly policy: CallState['policy'];
  readonly status: SecurityLevel;
  readonly legs: readonly LegView[];
  readonly resources: readonly ResourceView[];
  readonly hold: CallState['hold'];
  readonly pending: CallState['pending'];
  readonly conference: ConferenceView | null;
  readonly bridge: BridgeView | null;
}

/** The answer of every call operation: the call, its security, and what the operation made. */
export interface OperationResult {
  readonly call: CallView;
  readonly security: SecurityReport;
  readonly resource?: ResourceView | BridgeView | null;
  readonly leg?: LegView;
}

/** Key delivery for a managed leg: per stream, the endpoint's send and receive sets as a=crypto lines (secret). */
export interface LegKeysView {
  readonly leg: string;
  readonly streams: readonly {
    readonly kind: string;
    readonly suite: string;
    /** `call`: the call's shared sets (seed 003); `leg`: the leg's own (the relay re-encrypts). */
    readonly keyingScope: KeyingScope;
    /** Call scope: the keys' generation (1, +1 per rekey). */
    readonly generation?: number;
    readonly send: string;
    readonly receive: string;
  }[];
}

/** Key delivery for a conference bridge: per participant port (secret). */
export interface BridgeKeysView {
  readonly bridge: string;
  readonly secure: boolean;
  readonly ports: readonly {
    readonly leg: string; readonly stream: MediaKind; readonly transport: 'srtp' | 'rtp'; readonly local: LegLocal | null;
    readonly suite?: string; readonly send?: string; readonly receive?: string;
  }[];
}

/** The SDP for the other leg after an offer or answer. */
export interface SdpResult {
  readonly type: 'offer' | 'answer';
  readonly for: string;
  readonly sdp: string;
}

/** What the views read from a session. */
export interface ViewSource {
  readonly id: string;
  readonly createdAt: string;
  readonly relayLegs: RelayLegs;
  readonly bridge: ConferenceBridge | null;
  legs(): SessionLeg[];
  resources(): SessionResource[];
}

function ownerName(owner: RelayLegOwner | undefined): string | null {
  if (owner === undefined) return null;
  if (owner.type === 'leg') return owner.legId;
  return owner.type === 'bridge' ? `resource:${owner.resourceId}:${owner.legId}` : `resource:${owner.resourceId}`;
}

export function legView(s: ViewSource, leg: SessionLeg, answers: ReadonlyMap<MediaKind, string> = new Map(), webrtcAnswer?: string): LegView {
  return {
    ...(webrtcAnswer !== undefined ? { webrtc: { answer: webrtcAnswer } } : {}),
    id: leg.id,
    device: leg.device,
    keying: leg.keying,
    streams: leg.streams().map((m): StreamView => {
      const stats = m.active === null ? undefined : s.relayLegs.call.leg(m.active)?.stats();
      const peer = stats?.peer ?? null;
      const answer = answers.get(m.kind);
      return {
        kind: m.kind,
        srtp: m.srtp,
        negotiated: !m.srtp || m.srtpRelayLeg !== null,
        transport: m.transport,
        suite: m.suite,
        local: m.active === null ? null : s.relayLegs.local(m.active) ?? null,
        rtcpMux: m.rtcpMux,
        remote: stats?.remote ?? m.remote,
        peer: peer === null ? null : ownerName(s.relayLegs.owner(peer)),
        mode: stats?.mode ?? null,
        counters: stats?.counters ?? null,
        ...(answer !== undefined ? { crypto: answer } : {}),
      };
    }),
  };
}

export function resourceView(r: SessionResource): ResourceView {
  return { id: r.id, kind: r.kind, leg: r.legId, stream: r.stream, local: r.locals() };
}

/** The bridge's ports per participant stream (never keys; those are at bridge key delivery). */
export function bridgeView(s: ViewSource): BridgeView | null {
  const b = s.bridge;
  if (b === null) return null;
  return {
    id: b.id, kind: 'conference_bridge', secure: b.secure, remote: b.remote,
    ports: b.ports().map((p) => ({ leg: p.legId, stream: p.stream, transport: p.keyLegId !== null ? 'srtp' : 'rtp', suite: p.suite, local: s.relayLegs.local(p.relayLegId) ?? null })),
  };
}

export function callView(s: ViewSource, state: CallState, report: SecurityReport): CallView {
  const legs = new Map(s.legs().map((l) => [l.id, l]));
  return {
    id: s.id,
    createdAt: s.createdAt,
    policy: state.policy,
    status: report.status,
    legs: state.legs.map((l) => legs.get(l.id)).filter((l): l is SessionLeg => l !== undefined).map((l) => legView(s, l)),
    resources: s.resources().map(resourceView),
    hold: state.hold,
    pending: state.pending,
    conference: state.conference === null ? null : {
      kind: state.conference.kind,
      initiator: state.conference.initiatorLegId,
      bridge: state.conference.bridgeResourceId,
      minimumLevel: state.conference.minimumLevel,
      target: state.conference.targetLegId,
      bargeTone: state.conference.bargeToneActive,
    },
    bridge: bridgeView(s),
  };
}
