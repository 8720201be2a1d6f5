/**
 * The `devices:` section: each entry is a device as the control API describes it (kind and
 * security flags, docs/security-status.md) plus how the simulated endpoint keys and carries its
 * media (keying, suites, streams, rtcp-mux). The scenario name of a device is its leg id (or
 * resource id); `deviceId` overrides the id the API sees (two legs on one SIP trunk).
 */
import { resolveProfile } from '../srtp';
import type { FieldReader } from './field-reader';
import type { DeviceDef, DeviceRole, Keying, MediaKind } from './scenario-types';

const ROLE_BY_KIND: Readonly<Record<string, DeviceRole>> = {
  ip_phone: 'endpoint', gateway: 'endpoint', sip_trunk: 'endpoint', h323_trunk: 'endpoint', pstn_gateway: 'endpoint',
  moh_server: 'moh', transcoder: 'transcoder', mtp: 'mtp', conference_bridge: 'bridge',
};

const BOOLEAN_FLAGS = ['trusted', 'signalingTls', 'srtpCapable', 'protectedDevice', 'acceptsEncryptedBarge', 'secureConferenceCapable'] as const;
const FIELDS = ['kind', 'deviceId', 'securityMode', 'iconCapability', 'protocol', ...BOOLEAN_FLAGS, 'keying', 'suites', 'streams', 'startStreams', 'rtcpMux'];

export function readDevice(name: string, value: unknown, r: FieldReader): DeviceDef {
  const obj = r.object(value);
  r.onlyKeys(obj, FIELDS);
  const kind = r.at('kind').string(obj.kind);
  const role = ROLE_BY_KIND[kind] ?? r.at('kind').fail(`expected one of ${Object.keys(ROLE_BY_KIND).join(', ')}, got "${kind}"`);
  const device: Record<string, unknown> = { id: obj.deviceId === undefined ? name : r.at('deviceId').id(obj.deviceId), kind };
  if (obj.securityMode !== undefined) device.securityMode = r.at('securityMode').oneOf(obj.securityMode, ['nonsecure', 'authenticated', 'encrypted']);
  if (obj.iconCapability !== undefined) device.iconCapability = r.at('iconCapability').oneOf(obj.iconCapability, ['shield_and_lock', 'lock_only']);
  if (obj.protocol !== undefined) device.protocol = r.at('protocol').oneOf(obj.protocol, ['sccp', 'sip', 'h323', 'mgcp']);
  for (const flag of BOOLEAN_FLAGS) if (obj[flag] !== undefined) device[flag] = r.at(flag).boolean(obj[flag]);

  if (role !== 'endpoint') {
    for (const f of ['keying', 'suites', 'streams', 'startStreams', 'rtcpMux']) {
      if (obj[f] !== undefined) r.at(f).fail(`only for endpoints (${Object.keys(ROLE_BY_KIND).filter((k) => ROLE_BY_KIND[k] === 'endpoint').join(', ')}); media resources are plain RTP`);
    }
    return Object.freeze({ name, role, device: Object.freeze(device), keying: 'none', suites: null, streams: Object.freeze(['audio'] as MediaKind[]), rtpStreams: Object.freeze([]), startStreams: Object.freeze(['audio'] as MediaKind[]), rtcpMux: false });
  }
  const keying: Keying = obj.keying === undefined ? 'managed' : r.at('keying').oneOf(obj.keying, ['managed', 'sdes', 'none']);
  let suites: string[] | null = null;
  if (obj.suites !== undefined) {
    if (keying === 'none') r.at('suites').fail('suites need keying managed or sdes');
    suites = r.at('suites').strings(obj.suites).map((s, i) => canonicalSuite(s, r.at('suites').at(i)));
  }
  const { streams, rtpStreams } = readStreams(obj.streams, keying, r.at('streams'));
  if (new Set(streams).size !== streams.length) r.at('streams').fail('a stream kind is listed twice');
  let startStreams = streams;
  if (obj.startStreams !== undefined) {
    startStreams = r.at('startStreams').strings(obj.startStreams).map((s, i) => r.at('startStreams').at(i).oneOf(s, streams));
    if (startStreams.length === 0) r.at('startStreams').fail('a device joins with at least one stream');
  }
  const rtcpMux = obj.rtcpMux === undefined ? false : r.at('rtcpMux').boolean(obj.rtcpMux);
  return Object.freeze({ name, role, device: Object.freeze(device), keying, suites: suites === null ? null : Object.freeze(suites), streams: Object.freeze(streams), rtpStreams: Object.freeze(rtpStreams), startStreams: Object.freeze(startStreams), rtcpMux });
}

/** `streams: [audio, video]`, or an entry `{ kind: video, srtp: false }` for RTP video on a keyed leg. */
function readStreams(value: unknown, keying: Keying, r: FieldReader): { streams: MediaKind[]; rtpStreams: MediaKind[] } {
  if (value === undefined) return { streams: ['audio'], rtpStreams: [] };
  if (!Array.isArray(value) || value.length === 0) return r.fail('expected a non-empty list of stream kinds');
  const streams: MediaKind[] = [];
  const rtpStreams: MediaKind[] = [];
  value.forEach((entry: unknown, i) => {
    const er = r.at(i);
    if (typeof entry === 'string') {
      streams.push(er.oneOf(entry, ['audio', 'video']));
      return;
    }
    const o = er.object(entry);
    er.onlyKeys(o, ['kind', 'srtp']);
    const kind: MediaKind = er.at('kind').oneOf(o.kind, ['audio', 'video']);
    streams.push(kind);
    if (o.srtp !== undefined && !er.at('srtp').boolean(o.srtp)) {
      if (keying === 'none') er.at('srtp').fail('keying none is plain RTP already');
      rtpStreams.push(kind);
    }
  });
  return { streams, rtpStreams };
}

function canonicalSuite(name: string, r: FieldReader): string {
  try {
    return resolveProfile(name).name;
  } catch (err) {
    return r.fail((err as Error).message);
  }
}
