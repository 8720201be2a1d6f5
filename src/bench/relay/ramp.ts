/**
 * One relay in one pair mode: start a fresh relay process, then ramp the number of concurrent
 * calls (adding calls to those already running) until a step loses packets, the generator
 * saturates, or the step list ends. A lossy step is retried once: on a shared machine one
 * scheduling hiccup should not end the ramp, two in a row should.
 */
import type { ModeSpec } from './bench-modes';
import { probeForgery, type ForgeryResult } from './forgery-probe';
import type { GeneratorHandle, GeneratorKind, MeasuredStep } from './generator-client';
import type { RunOptions } from './generator-messages';
import { rssKiB } from './proc-stats';
import type { ModeResult, RampLimit, StepResult } from './relay-results';
import type { RelayUnderTest } from './relay-under-test';

export interface RampOptions extends RunOptions {
  readonly steps: readonly number[];
  readonly retryLossyStep: boolean;
}

/**
 * The generator needed more than 110% of the window's time to send its packets: it could not
 * offer the nominal rate (its own CPU, or a machine too busy to schedule it).
 */
const WINDOW_STRETCH_LIMIT = 1.1;
/**
 * Node generator: above this it is the bottleneck, not the relay. The native one is judged on
 * evidence instead: it is saturated when its send schedule slips (window stretch or slot lag)
 * or the kernel dropped datagrams at its own sockets (their buffers overflowed: the relay had
 * delivered them); what arrived in its sockets by the end of the drain is counted however late
 * it read it, so its own CPU cannot turn into loss charged to the relay.
 */
const GENERATOR_CPU_LIMIT = 0.9;
/**
 * Median send-slot lateness above half a packet interval: the generator ran behind its schedule
 * most of the step. Late slots are still sent (the offered rate holds, in bursts), so this only
 * flags the step; on a shared machine it mostly means the generator was descheduled.
 */
export const SLOT_LAG_LIMIT_MS = 10;

function stepResult(calls: number, m: MeasuredStep, rss: number | null, kind: GeneratorKind): StepResult {
  const s = m.stats;
  const late = (s.slotLag.p50Ms ?? 0) > SLOT_LAG_LIMIT_MS;
  const stretched = s.windowMs > s.measuredMs * WINDOW_STRETCH_LIMIT;
  const dropped = (s.rcvDrops ?? 0) > 0;
  return {
    calls,
    offeredPps: s.sent / (Math.max(s.windowMs, s.measuredMs) / 1000),
    lossPct: s.sent > 0 ? (100 * s.lost) / s.sent : 100,
    relayCpu: m.relayCpu ?? 0,
    generatorCpu: m.generatorCpu,
    relayRssKiB: rss,
    generatorSaturated: kind === 'native' ? stretched || late || dropped : m.generatorCpu >= GENERATOR_CPU_LIMIT || stretched,
    generatorLate: late,
    stats: s,
  };
}

function clean(s: StepResult): boolean {
  return s.stats.sent > 0 && s.stats.lost === 0 && s.stats.verifyFailures === 0;
}

export async function rampMode(
  relay: RelayUnderTest,
  gen: GeneratorHandle,
  spec: ModeSpec,
  o: RampOptions,
  onStep: (label: string) => void,
): Promise<ModeResult> {
  const rss0 = rssKiB(relay.pid);
  let forgery: ForgeryResult | null = null;
  try {
    forgery = await probeForgery(relay, spec);
  } catch (err) {
    onStep(`${relay.name} ${spec.mode}: forgery probe failed: ${(err as Error).message}`);
  }
  const steps: StepResult[] = [];
  let calls = 0;
  let limit: RampLimit = 'max-calls';
  let limitDetail = `step list ends at ${o.steps[o.steps.length - 1]} calls`;
  try {
    for (const target of o.steps) {
      if (target > calls) {
        const opened = await gen.open(target - calls);
        const configs = await relay.addCalls(calls, opened, spec);
        await gen.configure(calls, configs);
        calls = target;
      }
      let step = stepResult(calls, await gen.run(o, relay.pid), rssKiB(relay.pid), gen.kind);
      if (!clean(step) && o.retryLossyStep && !step.generatorSaturated && step.stats.verifyFailures === 0) {
        onStep(`${relay.name} ${spec.mode} ${calls} calls: ${step.stats.lost} lost, retrying`);
        step = stepResult(calls, await gen.run(o, relay.pid), rssKiB(relay.pid), gen.kind);
      }
      steps.push(step);
      onStep(`${relay.name} ${spec.mode} ${calls} calls: ${Math.round(step.offeredPps)} pkt/s, loss ${step.lossPct.toFixed(3)}%, relay cpu ${step.relayCpu.toFixed(2)}`);
      if (step.stats.verifyFailures > 0) {
        limit = 'error';
        limitDetail = `${step.stats.verifyFailures} sampled packets failed verification at the receiver (${step.stats.verifyFailureKind ?? '?'}) at ${calls} calls${step.generatorSaturated ? ', a step where the generator was also saturated' : ''}`;
        break;
      }
      if (step.generatorSaturated) {
        limit = 'generator';
        const drops = step.stats.rcvDrops ?? 0;
        limitDetail = `load generator could not offer or take ${calls} calls' rate: ${Math.round(step.stats.windowMs)} ms to send a ${step.stats.measuredMs} ms window, send-slot lag p50 ${step.stats.slotLag.p50Ms?.toFixed(1) ?? 'n/a'} ms, cpu ${step.generatorCpu.toFixed(2)} cores${drops > 0 ? `, ${drops} datagrams dropped at its own full sockets` : ''}`;
        break;
      }
      if (!clean(step)) {
        limit = 'loss';
        limitDetail = `${step.stats.lost} of ${step.stats.sent} packets lost at ${calls} calls${o.retryLossyStep ? ' (twice)' : ''}`;
        break;
      }
    }
  } catch (err) {
    limit = 'error';
    limitDetail = (err as Error).message.split('\n')[0];
  }
  let counters: Record<string, number> | null = null;
  try {
    counters = await relay.counters();
  } catch {
    // the relay may be the thing that failed
  }
  await gen.reset();
  // A step where the generator could not keep its schedule is not a measurement of the relay:
  // its packets went out in bursts and sat unread in the generator's own sockets (latency).
  const best = [...steps].reverse().find((s) => clean(s) && !s.generatorSaturated) ?? null;
  const last = steps[steps.length - 1];
  const rssPerCall = last !== undefined && rss0 !== null && last.relayRssKiB !== null && last.calls > 0 ? (last.relayRssKiB - rss0) / last.calls : null;
  return {
    relay: relay.name,
    mode: spec.mode,
    description: relay.description,
    steps,
    best,
    zeroLossPps: best?.offeredPps ?? null,
    zeroLossCalls: best?.calls ?? null,
    rssPerCallKiB: rssPerCall,
    rssIdleKiB: rss0,
    limit,
    limitDetail,
    forgery,
    pairModes: relay.pairModes,
    counters,
  };
}
