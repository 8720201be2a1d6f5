/**
 * One entry of `steps:`: exactly one action key (`call`, `hold`, ...) with its arguments, plus
 * an optional `name`, `note` and `expect`. References to devices are checked against their
 * roles (a hold's `moh` must be a moh_server, a transcoder step's id a transcoder, ...).
 */
import type { FieldReader, Plain } from './field-reader';
import { readExpectation } from './expect-validate';
import { ROLE_NAMES, type ActionName, type DeviceDef, type DeviceRole, type MediaKind, type Step, type StepAction } from './scenario-types';
import { UNSUPPORTED_STEPS } from './unsupported-steps';

const ACTIONS: readonly ActionName[] = [
  'call', 'answer', 'hold', 'resume', 'transition', 'transfer', 'insert-transcoder', 'insert-mtp',
  'remove-transcoder', 'remove-mtp', 'set-policy', 'ssrc-change', 'hangup', 'end',
  'conference', 'conference-add', 'conference-remove', 'meet-me', 'barge', 'barge-tone-end', 'video-on', 'video-off', 'rekey',
];
const COMMON = ['name', 'note', 'expect'];

export function readStep(value: unknown, index: number, devices: ReadonlyMap<string, DeviceDef>, base: FieldReader): Step {
  const obj = base.object(value);
  const actionKeys = Object.keys(obj).filter((k) => !COMMON.includes(k));
  for (const k of actionKeys) {
    if (UNSUPPORTED_STEPS[k] !== undefined) {
      base.within({ step: index, action: k }).at(k).fail(`"${k}" cannot run yet: ${UNSUPPORTED_STEPS[k]} (docs/scenarios.md, "Not yet covered")`, 'SCENARIO_ERR_UNSUPPORTED_STEP');
    }
  }
  if (actionKeys.length !== 1) {
    base.within({ step: index }).fail(actionKeys.length === 0
      ? `no action; expected one of ${ACTIONS.join(', ')}`
      : `one action per step, found ${actionKeys.join(', ')}`);
  }
  const name = actionKeys[0] as string;
  const r = base.within({ step: index, action: name });
  if (!(ACTIONS as readonly string[]).includes(name)) r.at(name).fail(`unknown action; expected one of ${ACTIONS.join(', ')}`);
  const action = readAction(name as ActionName, obj[name], devices, r.at(name));
  const expect = readExpectation(obj.expect, devices, r.at('expect'));
  if (obj.note !== undefined) r.at('note').string(obj.note);
  const title = obj.name === undefined ? defaultName(action) : r.at('name').string(obj.name);
  return Object.freeze({ ...action, index, name: title, expect });
}

function readAction(action: ActionName, value: unknown, devices: ReadonlyMap<string, DeviceDef>, r: FieldReader): StepAction {
  const ref = (v: unknown, fr: FieldReader, role: DeviceRole): string => {
    const name = fr.id(v);
    const d = devices.get(name);
    if (d === undefined) fr.fail(`unknown device "${name}" (devices: ${[...devices.keys()].join(', ')})`);
    if (d.role !== role) fr.fail(`"${name}" is ${ROLE_NAMES[d.role]}, expected ${ROLE_NAMES[role]}`);
    return name;
  };
  /** Arguments as a mapping; a scalar is taken as the value of `shorthand`. */
  const args = (allowed: readonly string[], shorthand: string | null): Plain => {
    if (value === null || value === undefined) return {};
    if (typeof value !== 'object' && shorthand !== null) return { [shorthand]: value };
    const obj = r.object(value);
    r.onlyKeys(obj, allowed);
    return obj;
  };
  const stream = (o: Plain): MediaKind => (o.stream === undefined ? 'audio' : r.at('stream').oneOf(o.stream, ['audio', 'video']));
  const required = (o: Plain, key: string): unknown => (o[key] === undefined ? r.at(key).fail('required') : o[key]);

  switch (action) {
    case 'call': {
      const o = args(['from', 'to'], null);
      const from = ref(required(o, 'from'), r.at('from'), 'endpoint');
      const to = ref(required(o, 'to'), r.at('to'), 'endpoint');
      if (from === to) r.at('to').fail('a device cannot call itself');
      return { action, from, to };
    }
    case 'answer':
    case 'resume':
    case 'barge-tone-end':
    case 'end':
      args([], null);
      return { action };
    case 'hold': {
      const o = args(['leg', 'moh'], 'leg');
      return { action, leg: ref(required(o, 'leg'), r.at('leg'), 'endpoint'), moh: o.moh === undefined ? null : ref(o.moh, r.at('moh'), 'moh') };
    }
    case 'transition': {
      const o = args(['kind'], 'kind');
      return { action, kind: r.at('kind').oneOf(required(o, 'kind'), ['hold', 'resume', 'forward', 'transfer']) };
    }
    case 'transfer': {
      const o = args(['from', 'to', 'kind'], null);
      return {
        action,
        from: ref(required(o, 'from'), r.at('from'), 'endpoint'),
        to: ref(required(o, 'to'), r.at('to'), 'endpoint'),
        kind: o.kind === undefined ? 'transfer' : r.at('kind').oneOf(o.kind, ['transfer', 'forward']),
      };
    }
    case 'insert-transcoder':
    case 'insert-mtp': {
      const o = args(['id', 'leg', 'stream'], null);
      const role: DeviceRole = action === 'insert-transcoder' ? 'transcoder' : 'mtp';
      return { action, resource: ref(required(o, 'id'), r.at('id'), role), leg: ref(required(o, 'leg'), r.at('leg'), 'endpoint'), stream: stream(o) };
    }
    case 'remove-transcoder':
    case 'remove-mtp': {
      const o = args(['id'], 'id');
      return { action, resource: ref(required(o, 'id'), r.at('id'), action === 'remove-transcoder' ? 'transcoder' : 'mtp') };
    }
    case 'set-policy': {
      const o = args(['policy'], 'policy');
      return { action, policy: r.at('policy').oneOf(required(o, 'policy'), ['bridge', 'rtp']) };
    }
    case 'ssrc-change': {
      const o = args(['device', 'stream'], 'device');
      return { action, device: ref(required(o, 'device'), r.at('device'), 'endpoint'), stream: stream(o) };
    }
    case 'hangup':
    case 'conference-add':
    case 'conference-remove': {
      const o = args(['leg'], 'leg');
      return { action, leg: ref(required(o, 'leg'), r.at('leg'), 'endpoint') };
    }
    case 'video-on':
    case 'video-off': {
      const o = args(['device'], 'device');
      const device = ref(required(o, 'device'), r.at('device'), 'endpoint');
      if (!(devices.get(device)?.streams.includes('video') ?? false)) r.at('device').fail(`"${device}" has no video stream (add video to its streams, and leave it out of startStreams)`);
      return { action, device };
    }
    case 'rekey': {
      const o = args(['device', 'stream'], 'device');
      const device = ref(required(o, 'device'), r.at('device'), 'endpoint');
      if (devices.get(device)?.keying !== 'managed') r.at('device').fail(`"${device}" is not keyed by the relay (keying managed); only managed legs are rekeyed`);
      return { action, device, stream: o.stream === undefined ? null : stream(o) };
    }
    case 'barge': {
      const o = args(['initiator', 'target', 'bridge'], null);
      const initiator = ref(required(o, 'initiator'), r.at('initiator'), 'endpoint');
      const target = ref(required(o, 'target'), r.at('target'), 'endpoint');
      if (initiator === target) r.at('target').fail('a device cannot barge itself');
      return { action, initiator, target, bridge: o.bridge === undefined ? null : ref(o.bridge, r.at('bridge'), 'bridge') };
    }
    case 'conference': {
      const o = args(['initiator', 'bridges'], null);
      return { action, initiator: ref(required(o, 'initiator'), r.at('initiator'), 'endpoint'), bridges: bridgeList(required(o, 'bridges'), r.at('bridges')) };
    }
    case 'meet-me': {
      const o = args(['initiator', 'minimumLevel', 'bridges'], null);
      return {
        action,
        initiator: ref(required(o, 'initiator'), r.at('initiator'), 'endpoint'),
        minimumLevel: r.at('minimumLevel').oneOf(required(o, 'minimumLevel'), ['nonsecure', 'authenticated', 'encrypted']),
        bridges: bridgeList(required(o, 'bridges'), r.at('bridges')),
      };
    }
  }

  function bridgeList(v: unknown, fr: FieldReader): string[] {
    const list = fr.array(v);
    if (list.length === 0) fr.fail('at least one bridge');
    return list.map((b, i) => ref(b, fr.at(i), 'bridge'));
  }
}

function defaultName(a: StepAction): string {
  switch (a.action) {
    case 'call': return `${a.from} calls ${a.to}`;
    case 'answer': return 'answer';
    case 'hold': return `${a.leg} holds${a.moh !== null ? ` (MOH ${a.moh})` : ''}`;
    case 'resume': return 'resume';
    case 'transition': return `${a.kind} started`;
    case 'transfer': return `${a.kind} ${a.from} to ${a.to}`;
    case 'insert-transcoder': return `transcoder ${a.resource} on ${a.leg}'s side (${a.stream})`;
    case 'insert-mtp': return `MTP ${a.resource} on ${a.leg}'s side (${a.stream})`;
    case 'remove-transcoder': return `transcoder ${a.resource} removed`;
    case 'remove-mtp': return `MTP ${a.resource} removed`;
    case 'set-policy': return `fallback policy ${a.policy}`;
    case 'ssrc-change': return `${a.device} changes SSRC (${a.stream})`;
    case 'hangup': return `${a.leg} hangs up`;
    case 'end': return 'call ends';
    case 'conference': return `${a.initiator} starts a conference (${a.bridges.join(', ')} offered)`;
    case 'meet-me': return `${a.initiator} opens a meet-me (minimum ${a.minimumLevel})`;
    case 'barge': return `${a.initiator} barges into ${a.target}'s call`;
    case 'barge-tone-end': return 'barge tone ends';
    case 'rekey': return `${a.device} is rekeyed${a.stream !== null ? ` (${a.stream})` : ''}`;
    case 'video-on': return `${a.device} turns video on`;
    case 'video-off': return `${a.device} turns video off`;
    case 'conference-add': return `${a.leg} joins the conference`;
    case 'conference-remove': return `${a.leg} leaves the conference`;
  }
}
