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
  return owner.type === 'leg' ? owner.legId : `resource:${owner.resourceId}`;
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
        srtp: leg.keying !== 'none',
        negotiated: leg.keying === 'none' || m.srtpRelayLeg !== null,
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
  };
}
