/**
 * Builders for the call tests. Named after the seed vocabulary so each table row reads like the
 * seed sentence it implements.
 */
import {
  CallState, ClusterConfig, computeSecurityStatus, createCallState, defineCluster, defineDevice, Device, DeviceSpec,
  FallbackPolicy, LegSpec, LegStream, MediaKind, SecurityReport,
} from '../../../src/call';

/** Seed 003 Table 1 "Mixed Mode": secure and nonsecure profiles, SRTP allowed. */
export const MIXED: ClusterConfig = defineCluster({ securityMode: 'mixed' });
export const MIXED_WITH_TONES: ClusterConfig = defineCluster({ securityMode: 'mixed', playSecureIndicationTone: true });
export const NONSECURE_CLUSTER: ClusterConfig = defineCluster({ securityMode: 'nonsecure', playSecureIndicationTone: true });

type Extra = Omit<DeviceSpec, 'id' | 'kind'>;

/** Trusted phone, encrypted profile, TLS signaling, SRTP-capable. */
export function encryptedPhone(id: string, extra: Extra = {}): Device {
  return defineDevice({ id, kind: 'ip_phone', trusted: true, securityMode: 'encrypted', signalingTls: true, srtpCapable: true, ...extra });
}

/** Trusted phone, authenticated profile (TLS integrity, no media encryption). */
export function authenticatedPhone(id: string, extra: Extra = {}): Device {
  return defineDevice({ id, kind: 'ip_phone', trusted: true, securityMode: 'authenticated', signalingTls: true, srtpCapable: true, ...extra });
}

/** Phone with a nonsecure profile: TCP/UDP signaling, RTP. */
export function nonsecurePhone(id: string, extra: Extra = {}): Device {
  return defineDevice({ id, kind: 'ip_phone', trusted: true, securityMode: 'nonsecure', signalingTls: false, srtpCapable: false, ...extra });
}

export function secureDevice(id: string, kind: DeviceSpec['kind'], extra: Extra = {}): Device {
  return defineDevice({ id, kind, trusted: true, securityMode: 'encrypted', signalingTls: true, srtpCapable: true, ...extra });
}

export function resource(id: string, kind: 'moh_server' | 'transcoder' | 'mtp' | 'conference_bridge', extra: Extra = {}): Device {
  return defineDevice({ id, kind, ...extra });
}

export function leg(id: string, device: Device, streams?: readonly (MediaKind | LegStream)[]): LegSpec {
  return streams === undefined ? { id, device } : { id, device, streams };
}

export function twoParty(a: Device, b: Device, streams?: readonly (MediaKind | LegStream)[], policy: FallbackPolicy = 'bridge'): CallState {
  return createCallState({ id: 'call-1', policy, legs: [leg('A', a, streams), leg('B', b, streams)] });
}

export function statusOf(state: CallState, cluster: ClusterConfig = MIXED): SecurityReport {
  return computeSecurityStatus(state, cluster);
}

/** Reasons as compact strings `code@leg/stream` or `code#resource/stream`, in report order. */
export function reasonList(report: SecurityReport): string[] {
  return report.reasons.map((r) => {
    let s: string = r.code;
    if (r.legId !== undefined) s += `@${r.legId}`;
    if (r.resourceId !== undefined) s += `#${r.resourceId}`;
    if (r.stream !== undefined) s += `/${r.stream}`;
    return s;
  });
}

/** Media as `kind: id=transport ...`, e.g. `audio: A=srtp B=rtp moh=rtp`. */
export function mediaList(report: { media: SecurityReport['media'] } | { streams: SecurityReport['media'] }): string[] {
  const streams = 'media' in report ? report.media : report.streams;
  return streams.map((st) => `${st.kind}: ${st.segments.map((s) => `${s.id}=${s.transport}`).join(' ')}`);
}

export function icons(report: SecurityReport): string[] {
  return report.devices.map((d) => `${d.leg}=${d.icon}`);
}

export function tones(report: SecurityReport): string[] {
  return report.devices.map((d) => `${d.leg}=${d.tone}`);
}
