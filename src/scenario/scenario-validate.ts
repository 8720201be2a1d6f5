/**
 * A parsed scenario document → `Scenario`. Top level: `name`, `source` (the seed section it
 * checks, required), `description`, `policy`, `cluster`, `media`, `devices`, `steps`.
 */
import { FieldReader } from './field-reader';
import { readDevice } from './device-validate';
import { readStep } from './step-validate';
import { DEFAULT_MEDIA, type ClusterSettings, type DeviceDef, type MediaSettings, type Scenario, type Step } from './scenario-types';

const TOP = ['name', 'source', 'description', 'policy', 'cluster', 'media', 'devices', 'steps'];

export function validateScenario(doc: unknown, file: string, fallbackName: string): Scenario {
  const r = new FieldReader({ file }, '');
  const obj = r.object(doc);
  r.onlyKeys(obj, TOP);
  const name = obj.name === undefined ? fallbackName : r.at('name').string(obj.name);
  if (obj.source === undefined) r.at('source').fail('required: the seed file and section this scenario checks, e.g. "seed 003, Table 4, row 1"');
  const source = r.at('source').string(obj.source);
  const description = obj.description === undefined ? null : r.at('description').string(obj.description);
  const policy = obj.policy === undefined ? 'bridge' : r.at('policy').oneOf(obj.policy, ['bridge', 'rtp']);
  const cluster = obj.cluster === undefined ? null : readCluster(obj.cluster, r.at('cluster'));
  const media = obj.media === undefined ? DEFAULT_MEDIA : readMedia(obj.media, r.at('media'));

  if (obj.devices === undefined) r.at('devices').fail('required');
  const dr = r.at('devices');
  const devices = new Map<string, DeviceDef>();
  for (const [key, value] of Object.entries(dr.object(obj.devices))) devices.set(key, readDevice(dr.at(key).id(key), value, dr.at(key)));
  if (devices.size === 0) dr.fail('at least one device');

  if (obj.steps === undefined) r.at('steps').fail('required');
  const sr = r.at('steps');
  const list = sr.array(obj.steps);
  if (list.length === 0) sr.fail('at least one step');
  const steps: Step[] = list.map((s, i) => readStep(s, i + 1, devices, sr.at(i)));
  checkSequence(steps, sr);
  return Object.freeze({ file, name, source, description, policy, cluster, media, devices, steps: Object.freeze(steps) });
}

function readCluster(value: unknown, r: FieldReader): ClusterSettings {
  const o = r.object(value);
  r.onlyKeys(o, ['securityMode', 'playSecureIndicationTone']);
  return Object.freeze({
    ...(o.securityMode !== undefined ? { securityMode: r.at('securityMode').oneOf(o.securityMode, ['mixed', 'nonsecure']) } : {}),
    ...(o.playSecureIndicationTone !== undefined ? { playSecureIndicationTone: r.at('playSecureIndicationTone').boolean(o.playSecureIndicationTone) } : {}),
  });
}

function readMedia(value: unknown, r: FieldReader): MediaSettings {
  const o = r.object(value);
  r.onlyKeys(o, ['packets', 'pacingMs', 'threshold', 'settleMs']);
  const m = {
    packets: o.packets === undefined ? DEFAULT_MEDIA.packets : r.at('packets').number(o.packets, 1, 1000),
    pacingMs: o.pacingMs === undefined ? DEFAULT_MEDIA.pacingMs : r.at('pacingMs').number(o.pacingMs, 1, 100),
    threshold: o.threshold === undefined ? DEFAULT_MEDIA.threshold : r.at('threshold').number(o.threshold, 0.01, 1, false),
    settleMs: o.settleMs === undefined ? DEFAULT_MEDIA.settleMs : r.at('settleMs').number(o.settleMs, 50, 5000),
  };
  return Object.freeze(m);
}

/** What can be checked without a relay: the call comes first, the answer after it, once each. */
function checkSequence(steps: readonly Step[], r: FieldReader): void {
  const first = steps[0] as Step;
  if (first.action !== 'call' && first.action !== 'meet-me') r.at(0).within({ step: 1, action: first.action }).fail('the first step must be "call" or "meet-me"');
  let answered = false;
  steps.forEach((s, i) => {
    const at = r.at(i).within({ step: s.index, action: s.action });
    if (i > 0 && s.action === 'call') at.fail('one call per scenario');
    // A refused meet-me creates nothing, so another may follow; never after a call.
    if (s.action === 'meet-me' && first.action === 'call') at.fail('a meet-me creates its own call; not after "call"');
    if (s.action === 'answer') {
      if (answered) at.fail('the call is already answered');
      answered = true;
    }
  });
}
