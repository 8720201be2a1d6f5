import { CallState } from './call-state';
import { ClusterConfig } from './cluster';
import { deviceSecurity } from './device-security';
import { FallbackPolicy } from './fallback-policy';
import { legHasStream } from './leg';
import { ResourceKind } from './media-resource';
import { LegStream, MEDIA_KINDS, MediaKind } from './media-stream';
import { ReasonCode } from './reasons';

/** How the relay carries one segment: protected, plain, or not at all (the holding leg). */
export type SegmentTransport = 'srtp' | 'rtp' | 'inactive';

/**
 * One segment of a stream's path: between the relay and a leg's device, or between the relay
 * and a media resource. `towardLegId` names the leg a transcoder or MTP serves; null for legs
 * and for resources that feed every active leg (MOH, conference bridge).
 */
export interface MediaSegment {
  readonly endpoint: 'leg' | ResourceKind;
  readonly id: string;
  readonly towardLegId: string | null;
  readonly transport: SegmentTransport;
  /**
   * Why the segment is RTP; null when it is SRTP or inactive. An SRTP segment of a DTLS-SRTP
   * stream whose handshake has not completed (or failed) carries `dtls_pending` / `dtls_failed`:
   * the relay plumbs it as SRTP (it never sends that leg anything in the clear) but no keys
   * protect it yet.
   */
  readonly reason: ReasonCode | null;
}

export interface StreamPlan {
  readonly kind: MediaKind;
  readonly segments: readonly MediaSegment[];
  /** Every active segment is SRTP: the stream is SRTP end to end through the relay. */
  readonly srtpEndToEnd: boolean;
}

/** What the relay layer re-plumbs from: per stream, which segments are SRTP and which RTP. */
export interface MediaPlan {
  readonly policy: FallbackPolicy;
  readonly streams: readonly StreamPlan[];
}

const RESOURCE_RTP_REASON: Readonly<Record<Exclude<ResourceKind, 'conference_bridge'>, ReasonCode>> = {
  // Seed 003 "Media resources and encryption": no media encryption for calls that involve
  // transcoders, media termination points or music on hold.
  moh_server: 'moh_rtp',
  transcoder: 'transcoder_rtp',
  mtp: 'mtp_rtp',
};

/**
 * Derive the media plan from the call state. Pure: same state, cluster and policy give the same
 * plan. `policy` defaults to the call's own; pass the other to see what it would do.
 */
export function planMedia(state: CallState, cluster: ClusterConfig, policy: FallbackPolicy = state.policy): MediaPlan {
  const inConference = state.conference !== null;
  const streams: StreamPlan[] = [];
  for (const kind of MEDIA_KINDS) {
    const segments: MediaSegment[] = [];
    for (const leg of state.legs) {
      const stream = leg.streams.find((s) => s.kind === kind);
      if (stream === undefined) continue;
      if (state.hold !== null && state.hold.holdingLegId === leg.id) {
        segments.push(seg('leg', leg.id, null, 'inactive', null));
        continue;
      }
      const block = deviceSecurity(leg.device, cluster).mediaBlock;
      if (block !== null) segments.push(seg('leg', leg.id, null, 'rtp', block));
      else if (inConference && !leg.device.secureConferenceCapable) {
        segments.push(seg('leg', leg.id, null, 'rtp', 'legacy_secure_conference'));
      } else if (!stream.srtp) segments.push(seg('leg', leg.id, null, 'rtp', 'srtp_not_negotiated'));
      else segments.push(seg('leg', leg.id, null, 'srtp', dtlsReason(stream)));
    }
    for (const r of state.resources) {
      if (!r.streams.includes(kind)) continue;
      const rk = r.device.kind as ResourceKind;
      if (cluster.securityMode === 'nonsecure') {
        segments.push(seg(rk, r.id, r.legId, 'rtp', 'cluster_nonsecure'));
      } else if (rk === 'conference_bridge') {
        // Seed 003 "Media resources and encryption": secure conference bridges are the media
        // resource that keeps encryption; seed 004 Table 2: a nonsecure bridge gives a
        // nonsecure conference.
        const ds = deviceSecurity(r.device, cluster);
        const secure = ds.level === 'encrypted' && ds.mediaBlock === null;
        segments.push(seg(rk, r.id, null, secure ? 'srtp' : 'rtp', secure ? null : 'conference_bridge_nonsecure'));
      } else {
        segments.push(seg(rk, r.id, r.legId, 'rtp', RESOURCE_RTP_REASON[rk]));
      }
    }
    if (segments.length === 0) continue;
    const anyRtp = segments.some((s) => s.transport === 'rtp');
    const final = policy === 'rtp' && anyRtp
      ? segments.map((s) => (s.transport === 'srtp' ? seg(s.endpoint, s.id, s.towardLegId, 'rtp', 'fallback_rtp') : s))
      : segments;
    streams.push(Object.freeze({
      kind,
      segments: Object.freeze(final),
      srtpEndToEnd: !anyRtp && !final.some((s) => s.reason === 'dtls_pending' || s.reason === 'dtls_failed'),
    }));
  }
  return Object.freeze({ policy, streams: Object.freeze(streams) });
}

/** An SRTP stream keyed by DTLS counts as SRTP only once its handshake completed (RFC 5763 §5). */
function dtlsReason(stream: LegStream): ReasonCode | null {
  if (stream.dtls === 'pending') return 'dtls_pending';
  if (stream.dtls === 'failed') return 'dtls_failed';
  return null;
}

function seg(endpoint: MediaSegment['endpoint'], id: string, towardLegId: string | null,
  transport: SegmentTransport, reason: ReasonCode | null): MediaSegment {
  return Object.freeze({ endpoint, id, towardLegId, transport, reason });
}

/** Media kinds any leg of the call carries. */
export function callMediaKinds(state: CallState): MediaKind[] {
  return MEDIA_KINDS.filter((k) => state.legs.some((l) => legHasStream(l, k)));
}
