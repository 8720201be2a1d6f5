/**
 * Call model → relay: re-pair the relay legs from the model's media plan, open and close the
 * relay legs of media resources, and the RTP fallback legs policy `rtp` needs.
 *
 * Re-plumbing only re-pairs existing SRTP relay legs (and opens a leg's RTP relay leg when the
 * plan drops it to RTP, closing it again when the plan no longer does): SRTP contexts are never
 * recreated, so ROC and replay state survive every hold, transcoder, MTP and transfer.
 */
import type { Logger } from 'pino';
import { planMedia, type ClusterConfig, type MediaKind } from '../call';
import type { RemoteEndpoint } from '../relay';
import type { CallRecord, ResourceRecord, ResourceRole, StreamMedia } from './call-record';
import type { EventHub } from './event-hub';
import { openRtpRelayLeg } from './leg-setup';
import { closeRelayLeg, releaseResourceMedia } from './leg-teardown';
import { planPairs } from './media-plumbing';

export class CallPlumbing {
  constructor(
    private readonly cluster: ClusterConfig,
    private readonly events: EventHub,
    private readonly logger: Logger,
  ) {}

  async replumb(rec: CallRecord): Promise<void> {
    const state = rec.model.state;
    const plan = planMedia(state, this.cluster);
    const rtpSegments = new Set<string>();
    for (const stream of plan.streams) {
      for (const seg of stream.segments) if (seg.endpoint === 'leg' && seg.transport === 'rtp') rtpSegments.add(`${seg.id}/${stream.kind}`);
    }
    for (const leg of rec.legs.values()) {
      for (const media of leg.streams.values()) {
        const rtp = rtpSegments.has(`${leg.id}/${media.kind}`);
        // Open a leg's RTP relay leg the first time the plan drops it to RTP (policy `rtp`) ...
        if (rtp && media.rtpRelayLeg === null) await openRtpRelayLeg(rec, leg, media);
        // ... and close it when the fallback ends (an SRTP leg's RTP port is only a fallback).
        if (!rtp && media.rtpRelayLeg !== null && media.srtpRelayLeg !== null) {
          const id = media.rtpRelayLeg;
          media.rtpRelayLeg = null;
          await closeRelayLeg(rec, id, this.logger);
        }
      }
    }
    const plumbing = planPairs(state, plan, {
      legEnd: (legId, kind, transport) => {
        const m = rec.legs.get(legId)?.streams.get(kind);
        return m === undefined ? null : transport === 'srtp' ? m.srtpRelayLeg : m.rtpRelayLeg;
      },
      resource: (id) => rec.resources.get(id),
      bridgePort: (legId, kind) => rec.bridge?.ports.get(`${legId}/${kind}`)?.relayLegId ?? null,
    });
    const desired = new Map<string, string>();
    for (const [a, b] of plumbing.pairs) {
      desired.set(a, b);
      desired.set(b, a);
    }
    for (const [a, b] of plumbing.pairs) {
      if (rec.relay.leg(a)?.peerId !== b || rec.relay.leg(b)?.peerId !== a) await rec.relay.connect(a, b);
    }
    for (const id of rec.relayLegs.keys()) {
      const peer = rec.relay.leg(id)?.peerId ?? null;
      if (peer !== null && desired.get(id) !== peer) await rec.relay.disconnect(id);
    }
    rec.transports = plumbing.transports;
    for (const leg of rec.legs.values()) {
      for (const m of leg.streams.values()) {
        const key = `${leg.id}/${m.kind}`;
        const planned = plumbing.active.get(key);
        const next = planned !== undefined ? planned : m.active !== null && rec.relayLegs.has(m.active) ? m.active : null;
        if (next === m.active) continue;
        const moved = m.active !== null && next !== null;
        m.active = next;
        if (moved) {
          const transport = plumbing.transports.get(key) ?? 'rtp';
          this.events.publish('legmedia', { callId: rec.id, legId: leg.id, stream: m.kind, transport, local: next === null ? null : rec.locals.get(next) ?? null });
        }
      }
    }
  }

  /** Plain RTP relay legs for a media resource (seed 003: MOH, transcoders and MTPs are RTP). */
  async openResource(rec: CallRecord, id: string, kind: ResourceRecord['kind'], legId: string | null, stream: MediaKind, remotes: Partial<Record<ResourceRole, RemoteEndpoint>>): Promise<ResourceRecord> {
    const relayLegs: Partial<Record<ResourceRole, string>> = {};
    const r: ResourceRecord = { id, kind, legId, stream, relayLegs };
    try {
      for (const [role, remote] of Object.entries(remotes) as [ResourceRole, RemoteEndpoint][]) {
        const relayId = rec.nextId(`${id}.${role}`);
        // Only the signaled address is accepted from a media resource.
        const local = await rec.relay.addLeg({ id: relayId, remote, latching: 'strict' });
        rec.adopt(relayId, { type: 'resource', resourceId: id, role }, local);
        relayLegs[role] = relayId;
      }
    } catch (err) {
      await releaseResourceMedia(rec, r, this.logger);
      throw err;
    }
    rec.resources.set(id, r);
    this.events.publish('resourceadded', { callId: rec.id, resourceId: id, kind });
    return r;
  }

  /** The resource left the call: its relay legs are closed and their ports returned. */
  async dropResource(rec: CallRecord, id: string): Promise<void> {
    const r = rec.resources.get(id);
    if (r === undefined) return;
    rec.resources.delete(id);
    await releaseResourceMedia(rec, r, this.logger);
    this.events.publish('resourceremoved', { callId: rec.id, resourceId: id });
  }

  /** Resources the model no longer has (e.g. dropped with the holding leg). */
  async dropStaleResources(rec: CallRecord): Promise<void> {
    for (const id of [...rec.resources.keys()]) if (!rec.model.state.resources.some((r) => r.id === id)) await this.dropResource(rec, id);
  }

  resourceView(rec: CallRecord, r: ResourceRecord): object {
    return { id: r.id, kind: r.kind, leg: r.legId, stream: r.stream, local: Object.fromEntries(Object.entries(r.relayLegs).map(([role, id]) => [role, rec.locals.get(id) ?? null])) };
  }

  async setRemote(rec: CallRecord, media: StreamMedia, remote: RemoteEndpoint): Promise<void> {
    media.remote = remote;
    for (const id of [media.srtpRelayLeg, media.rtpRelayLeg]) if (id !== null) await rec.relay.setRemote(id, remote);
  }
}
