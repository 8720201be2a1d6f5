/**
 * Expected against observed, one check per expected item: the verdict of a step is the AND of
 * its checks. Media is strict when expected: every listed flow must reach the threshold, every
 * "-/->" flow must stay silent, and any other packet between two devices is a mismatch.
 */
import type { FlowResult } from './media-window';
import type { Observation } from './observation';
import type { Expectation, FlowExpectation, MediaKind, MediaSettings } from './scenario-types';

export type CheckKind = 'operation' | 'error' | 'status' | 'icon' | 'tone' | 'leg' | 'reasons' | 'notices' | 'flow' | 'unexpected';

export interface Check {
  readonly kind: CheckKind;
  readonly subject: string;
  readonly expected: string;
  readonly actual: string;
  readonly ok: boolean;
}

export function checkExpectation(expect: Expectation, obs: Observation, media: MediaSettings): Check[] {
  const checks: Check[] = [];
  const add = (kind: CheckKind, subject: string, expected: string, actual: string, ok = expected === actual): void => {
    checks.push(Object.freeze({ kind, subject, expected, actual, ok }));
  };

  if (expect.error !== undefined) add('error', 'refused with', expect.error, obs.error?.code ?? 'accepted');
  else if (obs.error !== null) add('operation', 'operation', 'accepted', `${obs.error.code}: ${obs.error.message}`, false);

  if (expect.status !== undefined) add('status', 'status', expect.status, obs.ended ? 'ended' : obs.security?.status ?? 'unknown');

  for (const [name, want] of Object.entries(expect.devices ?? {})) {
    const got = obs.security?.devices.find((d) => d.leg === name);
    if (want.icon !== undefined) add('icon', `icon ${name}`, want.icon, got?.icon ?? 'not in call');
    if (want.tone !== undefined) add('tone', `tone ${name}`, want.tone, got?.tone ?? 'not in call');
  }

  for (const [name, kinds] of Object.entries(expect.legs ?? {})) {
    for (const [kind, want] of Object.entries(kinds) as [MediaKind, string][]) {
      const leg = obs.call?.legs.find((l) => l.id === name);
      const api = leg === undefined ? 'not in call' : leg.streams.find((s) => s.kind === kind)?.transport ?? 'no stream';
      const wire = wireTransport(obs.window?.flows ?? [], name, kind);
      const ok = api === want && (want === 'inactive' ? wire === null : wire === null || wire === want);
      add('leg', `leg ${name} ${kind}`, want, wire === null ? `${api} (nothing received)` : `${api} (wire ${wire})`, ok);
    }
  }

  const codes = (list: readonly { code: string }[] | undefined): string[] => (list ?? []).map((r) => r.code);
  if (expect.reasons !== undefined) listCheck('reasons', expect.reasons, codes(obs.security?.reasons), add);
  if (expect.notices !== undefined) listCheck('notices', expect.notices, codes(obs.security?.notices), add);

  if (expect.media !== undefined) {
    const flows = obs.window?.flows ?? [];
    for (const f of expect.media) {
      const got = flows.find((x) => x.from === f.from && x.to === f.to && x.stream === f.stream);
      add('flow', flowName(f), describeExpected(f, media), got === undefined ? 'nothing sent' : describeFlow(got), flowOk(f, got, media));
    }
    for (const got of flows) {
      const listed = expect.media.some((f) => f.from === got.from && f.to === got.to && f.stream === got.stream);
      if (!listed && got.received + got.failed > 0) {
        add('unexpected', `unexpected ${flowName(got)}`, 'nothing', describeFlow(got), false);
      }
    }
  }
  return checks;
}

function listCheck(kind: 'reasons' | 'notices', want: readonly string[], got: string[], add: (k: CheckKind, s: string, e: string, a: string, ok?: boolean) => void): void {
  const actual = got.length === 0 ? '(none)' : [...new Set(got)].join(', ');
  if (want.length === 0) add(kind, kind, '(none)', actual, got.length === 0);
  else add(kind, kind, `includes ${want.join(', ')}`, actual, want.every((c) => got.includes(c)));
}

function wireTransport(flows: readonly FlowResult[], to: string, kind: MediaKind): 'srtp' | 'rtp' | 'mixed' | null {
  let srtp = 0;
  let rtp = 0;
  for (const f of flows) {
    if (f.to !== to || f.stream !== kind) continue;
    srtp += f.srtp;
    rtp += f.rtp;
  }
  if (srtp === 0 && rtp === 0) return null;
  return srtp > 0 && rtp > 0 ? 'mixed' : srtp > 0 ? 'srtp' : 'rtp';
}

function flowOk(f: FlowExpectation, got: FlowResult | undefined, media: MediaSettings): boolean {
  if (!f.flows) return got === undefined || got.received + got.failed === 0;
  if (got === undefined || got.sent === 0) return false;
  return got.ratio >= media.threshold && f.via.every((v) => got.via.includes(v));
}

export function flowName(f: { from: string; to: string; stream: MediaKind }): string {
  return `${f.from} -> ${f.to} ${f.stream}`;
}

function describeExpected(f: FlowExpectation, media: MediaSettings): string {
  if (!f.flows) return 'silent';
  return `>= ${Math.round(media.threshold * 100)}%${f.via.length > 0 ? ` via ${f.via.join(',')}` : ''}`;
}

export function describeFlow(f: FlowResult): string {
  const how = f.srtp > 0 && f.rtp > 0 ? 'srtp+rtp' : f.srtp > 0 ? 'srtp' : f.rtp > 0 ? 'rtp' : '-';
  const extra = [
    f.failed > 0 ? `${f.failed} failed` : '',
    f.duplicates > 0 ? `${f.duplicates} dup` : '',
    f.via.length > 0 ? `via ${f.via.join(',')}` : '',
  ].filter((s) => s !== '').join(', ');
  return `${f.received}/${f.sent} ${Math.round(f.ratio * 100)}% ${how}${extra !== '' ? ` (${extra})` : ''}`;
}
