/**
 * One relay in one pair mode: start a fresh relay process, then ramp the number of concurrent
 * calls (adding calls to those already running) until a step loses packets, the generator
 * saturates, or the step list ends. A lossy step is retried once: on a shared machine one
 * scheduling hiccup should not end the ramp, two in a row should.
 */
import type { ModeSpec } from './bench-modes';
import type { GeneratorClient } from './generator-client';
import type { RunOptions } from './generator-messages';
import { rssKiB } from './proc-stats';
import type { ModeResult, RampLimit, StepResult } from './relay-results';
import type { RelayUnderTest } from './relay-under-test';

export interface RampOptions extends RunOptions {
  readonly steps: readonly number[];
  readonly retryLossyStep: boolean;
}

/** Above this the generator is the bottleneck, not the relay. */
const GENERATOR_CPU_LIMIT = 0.9;
/**
 * Median send-slot lateness above half a packet interval: the generator is behind its schedule
 * most of the time, not just descheduled now and then (which a shared machine does; late slots
 * are still sent, so the offered rate holds).
 */
const SLOT_LAG_LIMIT_MS = 10;

function stepResult(calls: number, m: Awaited<ReturnType<GeneratorClient['run']>>, rss: number | null): StepResult {
  const s = m.stats;
  return {
    calls,
    offeredPps: s.sent / (s.measuredMs / 1000),
    lossPct: s.sent > 0 ? (100 * s.lost) / s.sent : 100,
    relayCpu: m.relayCpu ?? 0,
    generatorCpu: m.generatorCpu,
    relayRssKiB: rss,
    generatorSaturated: m.generatorCpu >= GENERATOR_CPU_LIMIT || (s.slotLag.p50Ms ?? 0) > SLOT_LAG_LIMIT_MS,
    stats: s,
  };
}

function clean(s: StepResult): boolean {
  return s.stats.sent > 0 && s.stats.lost === 0 && s.stats.verifyFailures === 0;
}

export async function rampMode(
  relay: RelayUnderTest,
  gen: GeneratorClient,
  spec: ModeSpec,
  o: RampOptions,
  onStep: (label: string) => void,
): Promise<ModeResult> {
  const rss0 = rssKiB(relay.pid);
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
      let step = stepResult(calls, await gen.run(o, relay.pid), rssKiB(relay.pid));
      if (!clean(step) && o.retryLossyStep && !step.generatorSaturated && step.stats.verifyFailures === 0) {
        onStep(`${relay.name} ${spec.mode} ${calls} calls: ${step.stats.lost} lost, retrying`);
        step = stepResult(calls, await gen.run(o, relay.pid), rssKiB(relay.pid));
      }
      steps.push(step);
      onStep(`${relay.name} ${spec.mode} ${calls} calls: ${Math.round(step.offeredPps)} pkt/s, loss ${step.lossPct.toFixed(3)}%, relay cpu ${step.relayCpu.toFixed(2)}`);
      if (step.stats.verifyFailures > 0) {
        limit = 'error';
        limitDetail = `${step.stats.verifyFailures} sampled packets failed verification at the receiver (${step.stats.verifyFailureKind ?? '?'})`;
        break;
      }
      if (step.generatorSaturated) {
        limit = 'generator';
        limitDetail = `load generator saturated at ${calls} calls (cpu ${step.generatorCpu.toFixed(2)} cores, send-slot lag p50 ${(step.stats.slotLag.p50Ms ?? 0).toFixed(1)} ms)`;
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
  const best = [...steps].reverse().find(clean) ?? null;
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
    counters,
  };
}
