/**
 * One measurement window: every active sender sends `packets` numbered packets `pacingMs`
 * apart, then the receivers get up to `settleMs` for stragglers (the window and the settle
 * time stay within a second of the step). The result lists every flow that was expected or
 * observed, with what was sent, received, decrypted or failed.
 */
import { performance } from 'node:perf_hooks';
import type { ReceptionLog } from './reception-log';
import type { FlowExpectation, MediaKind, MediaSettings } from './scenario-types';
import type { SimInlineResource } from './sim-inline-resource';
import type { SimStream } from './sim-stream';

/** Even when every expected packet is in, wait this long for packets that should not come. */
const MIN_SETTLE_MS = 40;

export interface FlowResult {
  readonly from: string;
  readonly to: string;
  readonly stream: MediaKind;
  readonly sent: number;
  /** Distinct packets that arrived and decoded (SRTP authenticated and decrypted, or plain RTP). */
  readonly received: number;
  readonly srtp: number;
  readonly rtp: number;
  readonly failed: number;
  readonly duplicates: number;
  /** received / sent (0 when nothing was sent). */
  readonly ratio: number;
  /** Resources whose mark is on at least half of the received packets. */
  readonly via: readonly string[];
}

export interface WindowResult {
  readonly window: number;
  readonly durationMs: number;
  readonly flows: readonly FlowResult[];
  /** SRTP failures from SSRCs of no simulated sender. */
  readonly unattributedFailures: number;
  readonly resources: readonly { readonly name: string; readonly forwarded: number; readonly notPlain: number }[];
}

export interface WindowInput {
  readonly window: number;
  readonly senders: readonly SimStream[];
  /** Every stream of the run by sender number (also silent ones), to name flows. */
  readonly streams: ReadonlyMap<number, SimStream>;
  readonly resources: readonly Pick<SimInlineResource, 'name' | 'bit' | 'counters' | 'resetCounters'>[];
  readonly log: ReceptionLog;
  readonly expected: readonly FlowExpectation[];
  readonly media: MediaSettings;
}

export async function measureWindow(input: WindowInput): Promise<WindowResult> {
  const { log, media, senders } = input;
  const started = performance.now();
  log.begin(input.window);
  for (const s of input.streams.values()) s.sent = 0;
  for (const r of input.resources) r.resetCounters();

  let next = 0;
  while (next < media.packets) {
    const due = Math.min(media.packets, Math.floor((performance.now() - started) / media.pacingMs) + 1);
    for (; next < due; next++) for (const s of senders) s.sendPacket(input.window, next);
    if (next < media.packets) await sleep(Math.max(1, started + next * media.pacingMs - performance.now()));
  }
  const sendDone = performance.now();
  const senderOf = (name: string, kind: MediaKind): SimStream | undefined =>
    [...input.streams.values()].find((s) => s.owner === name && s.kind === kind);
  const complete = (): boolean => input.expected.filter((f) => f.flows).every((f) => {
    const s = senderOf(f.from, f.stream);
    return s !== undefined && (log.get(f.to, f.stream, s.senderNo)?.received ?? 0) >= s.sent;
  });
  for (;;) {
    const waited = performance.now() - sendDone;
    if (waited >= media.settleMs || (waited >= MIN_SETTLE_MS && complete())) break;
    await sleep(5);
  }

  const flows = new Map<string, FlowResult>();
  const add = (sender: SimStream, to: string): void => {
    const key = `${sender.owner}|${to}|${sender.kind}`;
    if (flows.has(key)) return;
    const c = log.get(to, sender.kind, sender.senderNo);
    const received = c?.received ?? 0;
    const via = input.resources.filter((r) => received > 0 && (c?.viaBits[r.bit] ?? 0) * 2 >= received).map((r) => r.name);
    flows.set(key, Object.freeze({
      from: sender.owner, to, stream: sender.kind, sent: sender.sent, received,
      srtp: c?.srtp ?? 0, rtp: c?.rtp ?? 0, failed: c?.failed ?? 0, duplicates: c?.duplicates ?? 0,
      ratio: sender.sent === 0 ? 0 : received / sender.sent, via: Object.freeze(via),
    }));
  };
  for (const f of input.expected) {
    const s = senderOf(f.from, f.stream);
    if (s !== undefined) add(s, f.to);
  }
  for (const c of log.all()) {
    const s = input.streams.get(c.sender);
    if (s !== undefined) add(s, c.receiver);
  }
  return Object.freeze({
    window: input.window,
    durationMs: Math.round(performance.now() - started),
    flows: Object.freeze([...flows.values()]),
    unattributedFailures: log.unattributedFailures,
    resources: Object.freeze(input.resources.map((r) => Object.freeze({ name: r.name, forwarded: r.counters.forwarded, notPlain: r.counters.notPlain }))),
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
