/**
 * Ours against rtpengine per mode: the zero-loss rate ratio (and whether a relay's loss or the
 * load generator decided it), and the CPU cost per packet at the highest step both passed and
 * at each clean step with enough load to price a packet.
 */
import type { BenchMode } from './bench-modes';
import type { Comparison, ModeResult, StepCpuRatio, StepResult } from './relay-results';

/**
 * Below this offered rate a relay's fixed costs (timers, idle wake-ups, the main thread) weigh
 * more than its packets, so CPU per packet says little of the packet path.
 */
export const MIN_PPS_FOR_COST = 20_000;

function usPerPacket(s: StepResult | undefined): number | null {
  return s === undefined || s.offeredPps <= 0 ? null : (s.relayCpu / s.offeredPps) * 1e6;
}

export function compare(results: readonly ModeResult[], modes: readonly BenchMode[]): Comparison[] {
  return modes.map((mode) => {
    const ours = results.find((r) => r.relay === 'ours' && r.mode === mode);
    const theirs = results.find((r) => r.relay === 'rtpengine' && r.mode === mode);
    const a = ours?.zeroLossPps ?? null;
    const b = theirs?.zeroLossPps ?? null;
    const oursCalls = ours?.zeroLossCalls ?? null;
    const theirCalls = theirs?.zeroLossCalls ?? null;
    const valid = (s: StepResult): boolean => s.stats.lost === 0 && s.stats.verifyFailures === 0 && s.stats.sent > 0 && !s.generatorSaturated;
    const pairs = (ours?.steps ?? []).filter(valid)
      .map((s) => ({ o: s, t: theirs?.steps.find((x) => x.calls === s.calls && valid(x)) }))
      .filter((p): p is { o: StepResult; t: StepResult } => p.t !== undefined);
    const common = pairs[pairs.length - 1];
    const cpuRatioByStep: StepCpuRatio[] = [];
    for (const p of pairs) {
      const a = usPerPacket(p.o);
      const b = usPerPacket(p.t);
      if (p.o.offeredPps < MIN_PPS_FOR_COST || a === null || b === null || b <= 0) continue;
      cpuRatioByStep.push({ calls: p.o.calls, ratio: a / b });
    }
    const oursLoss = ours?.limit === 'loss';
    const theirLoss = theirs?.limit === 'loss';
    return {
      mode,
      ours: a,
      rtpengine: b,
      // The ramp's resolution is its step: two relays clean at the same step offered the same
      // rate, and the packets each run happened to count (a few dozen apart in 120k, timer
      // jitter) must not turn that tie into a miss. So the ratio is of the zero-loss steps' call
      // counts (the offered rates), and falls back to measured pkt/s only without them.
      ratio: oursCalls !== null && theirCalls !== null && theirCalls > 0
        ? oursCalls / theirCalls
        : a !== null && b !== null && b > 0 ? a / b : null,
      generatorBound: !oursLoss || !theirLoss,
      ratioKind: oursLoss && theirLoss ? 'measured' : oursLoss ? 'at-most' : theirLoss ? 'at-least' : 'unknown',
      commonCalls: common?.o.calls ?? null,
      oursCpuUsPerPacket: usPerPacket(common?.o),
      rtpengineCpuUsPerPacket: usPerPacket(common?.t),
      cpuRatioByStep,
    };
  });
}
