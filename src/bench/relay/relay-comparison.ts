/**
 * Ours against rtpengine per mode: the zero-loss rate ratio (and whether a relay's loss or the
 * load generator decided it), and the CPU cost per packet at the highest step both passed.
 */
import type { BenchMode } from './bench-modes';
import type { Comparison, ModeResult, StepResult } from './relay-results';

export function compare(results: readonly ModeResult[], modes: readonly BenchMode[]): Comparison[] {
  return modes.map((mode) => {
    const ours = results.find((r) => r.relay === 'ours' && r.mode === mode);
    const theirs = results.find((r) => r.relay === 'rtpengine' && r.mode === mode);
    const a = ours?.zeroLossPps ?? null;
    const b = theirs?.zeroLossPps ?? null;
    const oursCalls = ours?.zeroLossCalls ?? null;
    const theirCalls = theirs?.zeroLossCalls ?? null;
    const valid = (s: StepResult): boolean => s.stats.lost === 0 && s.stats.verifyFailures === 0 && s.stats.sent > 0 && !s.generatorSaturated;
    const common = (ours?.steps ?? []).filter(valid)
      .map((s) => ({ o: s, t: theirs?.steps.find((x) => x.calls === s.calls && valid(x)) }))
      .filter((p) => p.t !== undefined)
      .pop();
    const usPerPacket = (s: StepResult | undefined): number | null => (s === undefined || s.offeredPps <= 0 ? null : (s.relayCpu / s.offeredPps) * 1e6);
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
    };
  });
}
