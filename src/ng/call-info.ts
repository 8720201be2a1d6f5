/**
 * A call of the control core as ng's `query` sees it (NgCallInfo): per tag its medias and
 * streams with local port, endpoint, suite and the relay's shared counters, totals, and this
 * relay's `security` dictionary (status, per-tag icon and tone, reasons). Reads views only:
 * no key material reaches this file.
 */
import type { SecurityReport } from '../call';
import type { CallView, LegView, StreamView } from '../control';
import type { LegCounterValues } from '../relay';
import type { NgDict } from './bencode';
import type { NgCallInfo, NgEndpoint, NgMediaInfo, NgPacketStats, NgTagInfo } from './call-control';

/** What the ng front end knows about a call beyond the control core's view. */
export interface NgCallFacts {
  /** UNIX seconds. */
  readonly created: number;
  readonly lastSignal: number;
  /** Leg id → the SIP tag it stands for (legs without a known tag are listed by leg id). */
  readonly tagOf: (legId: string) => string | undefined;
  /** Leg ids whose side the proxy sent no security flags for. */
  readonly untold: readonly string[];
}

const ERROR_COUNTERS = ['authFailures', 'replays', 'tooOld', 'malformed', 'unknownMki', 'keyExpired', 'droppedBySource', 'protectErrors', 'sendErrors'] as const;

function endpoint(remote: StreamView['remote']): NgEndpoint | undefined {
  if (remote === null) return undefined;
  return { family: remote.address.includes(':') ? 'IPv6' : 'IPv4', address: remote.address, port: remote.port };
}

function rtpStats(c: LegCounterValues | null): NgPacketStats {
  if (c === null) return { packets: 0, bytes: 0, errors: 0 };
  // packetsIn counts RTP and RTCP datagrams; bytesIn both too (the relay does not split bytes).
  return { packets: c.packetsIn - c.rtcpPacketsIn, bytes: c.bytesIn, errors: ERROR_COUNTERS.reduce((n, k) => n + c[k], 0) };
}

function media(s: StreamView, index: number): NgMediaInfo {
  const flags = ['initialized'];
  if (s.rtcpMux) flags.push('rtcp-mux');
  if (s.srtp) flags.push('SDES');
  if (s.mode === 'passthrough') flags.push('passthrough');
  const rtp = rtpStats(s.counters);
  const streams = [{
    ...(s.local !== null ? { localPort: s.local.rtpPort } : {}),
    ...(endpoint(s.remote) !== undefined ? { endpoint: endpoint(s.remote) } : {}),
    ...(s.suite !== null && s.srtp ? { cryptoSuite: s.suite } : {}),
    flags: s.rtcpMux ? ['RTP', 'RTCP'] : ['RTP'],
    stats: rtp,
  }];
  if (!s.rtcpMux && s.local !== null) {
    streams.push({ localPort: s.local.rtcpPort, flags: ['RTCP'], stats: { packets: s.counters?.rtcpPacketsIn ?? 0, bytes: 0, errors: 0 } });
  }
  return { index, type: s.kind, protocol: s.srtp ? 'RTP/SAVP' : 'RTP/AVP', flags, streams };
}

function tag(leg: LegView, facts: NgCallFacts, created: number, other: LegView | undefined): NgTagInfo {
  const otherTag = other === undefined ? undefined : facts.tagOf(other.id) ?? other.id;
  return {
    tag: facts.tagOf(leg.id) ?? leg.id,
    created,
    label: leg.id,
    ...(otherTag !== undefined ? { inDialogueWith: otherTag } : {}),
    medias: leg.streams.map((s, i) => media(s, i + 1)),
  };
}

function security(report: SecurityReport, call: CallView, facts: NgCallFacts): NgDict {
  const tags: NgDict = {};
  for (const d of report.devices) tags[facts.tagOf(d.leg) ?? d.leg] = { icon: d.icon, tone: d.tone, told: facts.untold.includes(d.leg) ? 'no' : 'yes' };
  const reasons = report.reasons.map((r) => (r.legId !== undefined ? `${r.code} (${facts.tagOf(r.legId) ?? r.legId})` : r.code));
  for (const legId of facts.untold) {
    if (call.legs.some((l) => l.id === legId)) {
      reasons.push(`controller_did_not_tell (${facts.tagOf(legId) ?? legId}): no security flags from the proxy, treated as an untrusted nonsecure device`);
    }
  }
  return { status: report.status, tags, reasons };
}

export function callInfo(call: CallView, report: SecurityReport, facts: NgCallFacts): NgCallInfo {
  const tags = call.legs.map((leg) => tag(leg, facts, facts.created, call.legs.find((l) => l.id !== leg.id)));
  const totals = { rtp: { packets: 0, bytes: 0, errors: 0 }, rtcp: { packets: 0, bytes: 0, errors: 0 } };
  for (const leg of call.legs) {
    for (const s of leg.streams) {
      const rtp = rtpStats(s.counters);
      totals.rtp.packets += rtp.packets;
      totals.rtp.bytes += rtp.bytes;
      totals.rtp.errors += rtp.errors;
      totals.rtcp.packets += s.counters?.rtcpPacketsIn ?? 0;
    }
  }
  return { created: facts.created, lastSignal: facts.lastSignal, tags, totals, extensions: { security: security(report, call, facts) } };
}
