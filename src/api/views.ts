/**
 * JSON views of calls and legs for list/get responses: ids, devices, ports, suites, pairing and
 * counters. Built from records and relay stats, which hold no key material; the only secret
 * output (SDES answers, key delivery) is added by the handlers that own it.
 */
import type { SecurityReport } from '../call';
import type { LegLocal } from '../relay';
import type { CallRecord, LegRecord, RelayLegOwner } from './call-record';

function ownerName(owner: RelayLegOwner | undefined): string | null {
  if (owner === undefined) return null;
  if (owner.type === 'leg') return owner.legId;
  return owner.type === 'bridge' ? `resource:${owner.resourceId}:${owner.legId}` : `resource:${owner.resourceId}`;
}

export function legView(call: CallRecord, leg: LegRecord, transports: ReadonlyMap<string, string>): object {
  return {
    id: leg.id,
    device: leg.device,
    keying: leg.keying,
    streams: [...leg.streams.values()].map((m) => {
      const stats = m.active === null ? undefined : call.relay.leg(m.active)?.stats();
      const peer = stats?.peer ?? null;
      const local: LegLocal | null = m.active === null ? null : call.locals.get(m.active) ?? null;
      return {
        kind: m.kind,
        srtp: m.srtp,
        negotiated: !m.srtp || m.srtpRelayLeg !== null,
        transport: transports.get(`${leg.id}/${m.kind}`) ?? null,
        suite: m.suite,
        local,
        rtcpMux: m.rtcpMux,
        remote: stats?.remote ?? m.remote,
        peer: peer === null ? null : ownerName(call.relayLegs.get(peer)),
        mode: stats?.mode ?? null,
        counters: stats?.counters ?? null,
      };
    }),
  };
}

export function callView(call: CallRecord, report: SecurityReport, transports: ReadonlyMap<string, string>): object {
  const state = call.model.state;
  return {
    id: call.id,
    createdAt: call.createdAt,
    policy: state.policy,
    status: report.status,
    legs: state.legs.map((l) => call.legs.get(l.id)).filter((l): l is LegRecord => l !== undefined).map((l) => legView(call, l, transports)),
    resources: [...call.resources.values()].map((r) => ({
      id: r.id,
      kind: r.kind,
      leg: r.legId,
      stream: r.stream,
      local: Object.fromEntries(Object.entries(r.relayLegs).map(([role, id]) => [role, call.locals.get(id) ?? null])),
    })),
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
    bridge: call.bridge === null ? null : bridgeView(call),
  };
}

/** The bridge's ports per participant stream (never keys; those are at GET .../conference/keys). */
export function bridgeView(call: CallRecord): object | null {
  const b = call.bridge;
  if (b === null) return null;
  return {
    id: b.id, kind: 'conference_bridge', secure: b.secure, remote: b.remote,
    ports: [...b.ports.values()].map((p) => ({ leg: p.legId, stream: p.stream, transport: p.keyLegId !== null ? 'srtp' : 'rtp', suite: p.suite, local: call.locals.get(p.relayLegId) ?? null })),
  };
}
