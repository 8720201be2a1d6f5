/**
 * The `expect:` block of a step: call status, icon and tone per device, transport per leg,
 * reason and notice codes, media flows, or the error the operation must be refused with.
 * Names are checked against the scenario's devices, and reason codes against the call model's
 * catalog, so a typo is a bad file (exit 2) rather than a mysterious FAIL.
 */
import { NOTICES, REASONS } from '../call';
import type { FieldReader } from './field-reader';
import { readFlows } from './flow-notation';
import { ROLE_NAMES, type DeviceDef, type DeviceRole, type Expectation, type FlowExpectation, type Icon, type MediaKind, type Tone, type Transport } from './scenario-types';

const TRANSPORTS: readonly Transport[] = ['srtp', 'rtp', 'inactive'];

export function readExpectation(value: unknown, devices: ReadonlyMap<string, DeviceDef>, r: FieldReader): Expectation {
  if (value === undefined || value === null) return Object.freeze({});
  const obj = r.object(value);
  r.onlyKeys(obj, ['status', 'devices', 'legs', 'reasons', 'notices', 'media', 'error']);
  const out: { -readonly [K in keyof Expectation]: Expectation[K] } = {};
  const endpoint = (name: string, fr: FieldReader, roles: readonly DeviceRole[] = ['endpoint']): void => {
    const d = devices.get(name);
    if (d === undefined) fr.fail(`unknown device "${name}" (devices: ${[...devices.keys()].join(', ')})`);
    if (!roles.includes(d.role)) fr.fail(`"${name}" is ${ROLE_NAMES[d.role]}, expected ${roles.map((r) => ROLE_NAMES[r]).join(' or ')}`);
  };

  if (obj.status !== undefined) out.status = r.at('status').oneOf(obj.status, ['encrypted', 'authenticated', 'nonsecure', 'ended']);
  if (obj.error !== undefined) {
    const code = r.at('error').string(obj.error);
    if (!/^[A-Z]+_ERR_[A-Z0-9_]+$/.test(code)) r.at('error').fail(`"${code}" is not an error code (e.g. API_ERR_UNKNOWN_LEG, CALL_ERR_TRANSITION_PENDING)`);
    out.error = code;
  }
  if (obj.devices !== undefined) {
    const dr = r.at('devices');
    const map: Record<string, { icon?: Icon; tone?: Tone }> = {};
    for (const [name, v] of Object.entries(dr.object(obj.devices))) {
      const fr = dr.at(name);
      endpoint(name, fr);
      if (typeof v === 'string') {
        map[name] = { icon: fr.oneOf(v, ['lock', 'shield', 'none']) };
        continue;
      }
      const o = fr.object(v);
      fr.onlyKeys(o, ['icon', 'tone']);
      map[name] = {
        ...(o.icon !== undefined ? { icon: fr.at('icon').oneOf(o.icon, ['lock', 'shield', 'none']) } : {}),
        ...(o.tone !== undefined ? { tone: fr.at('tone').oneOf(o.tone, ['secure', 'nonsecure', 'none']) } : {}),
      };
    }
    out.devices = Object.freeze(map);
  }
  if (obj.legs !== undefined) {
    const lr = r.at('legs');
    const map: Record<string, Partial<Record<MediaKind, Transport>>> = {};
    for (const [name, v] of Object.entries(lr.object(obj.legs))) {
      const fr = lr.at(name);
      endpoint(name, fr);
      if (typeof v === 'string') {
        map[name] = { audio: fr.oneOf(v, TRANSPORTS) };
        continue;
      }
      const o = fr.object(v);
      fr.onlyKeys(o, ['audio', 'video']);
      map[name] = {
        ...(o.audio !== undefined ? { audio: fr.at('audio').oneOf(o.audio, TRANSPORTS) } : {}),
        ...(o.video !== undefined ? { video: fr.at('video').oneOf(o.video, TRANSPORTS) } : {}),
      };
    }
    out.legs = Object.freeze(map);
  }
  if (obj.reasons !== undefined) out.reasons = codes(obj.reasons, Object.keys(REASONS), r.at('reasons'));
  if (obj.notices !== undefined) out.notices = codes(obj.notices, Object.keys(NOTICES), r.at('notices'));
  if (obj.media !== undefined) {
    const mr = r.at('media');
    const flows: FlowExpectation[] = [];
    mr.array(obj.media).forEach((item, i) => {
      for (const f of readFlows(item, mr.at(i))) {
        endpoint(f.from, mr.at(i), ['endpoint', 'moh']);
        endpoint(f.to, mr.at(i));
        for (const v of f.via) endpoint(v, mr.at(i), ['transcoder', 'mtp', 'bridge']);
        const dup = flows.find((x) => x.from === f.from && x.to === f.to && x.stream === f.stream);
        if (dup !== undefined) mr.at(i).fail(`${f.from} -> ${f.to} (${f.stream}) is listed twice`);
        flows.push(f);
      }
    });
    out.media = Object.freeze(flows);
  }
  if (out.error !== undefined && (out.media !== undefined)) r.at('media').fail('a refused operation changes nothing to measure; drop media or error');
  return Object.freeze(out);
}

function codes(value: unknown, known: readonly string[], r: FieldReader): readonly string[] {
  const list = value === null ? [] : r.strings(value === undefined ? [] : value);
  list.forEach((c, i) => {
    if (!known.includes(c)) r.at(i).fail(`unknown code "${c}" (known: ${known.join(', ')})`);
  });
  return Object.freeze(list);
}
