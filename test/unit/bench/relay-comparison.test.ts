/** The relay bench's ours-against-rtpengine comparison: a tie at the same ramp step is a tie. */
import { compare } from '../../../src/bench/relay/relay-comparison';
import type { ModeResult, StepResult } from '../../../src/bench/relay/relay-results';
import type { LatencySummary } from '../../../src/bench/relay/latency-histogram';
import { stepRatiosText } from '../../../src/bench/relay/relay-report';

function mode(relay: 'ours' | 'rtpengine', zeroLossCalls: number | null, zeroLossPps: number | null): ModeResult {
  return {
    relay, mode: 'srtp-rtp', description: '', steps: [], best: null, zeroLossPps, zeroLossCalls,
    rssPerCallKiB: null, rssIdleKiB: null, limit: 'loss', limitDetail: '', forgery: null, pairModes: null, counters: null,
  };
}

const NO_LATENCY: LatencySummary = { count: 0, p50Ms: null, p99Ms: null, maxMs: null };

/** A ramp step at `calls` (100 pkt/s each) where the relay used `cores`. */
function step(calls: number, cores: number, extra: { lost?: number; saturated?: boolean } = {}): StepResult {
  const sent = calls * 300;
  const lost = extra.lost ?? 0;
  return {
    calls, offeredPps: calls * 100, lossPct: (100 * lost) / sent, relayCpu: cores, generatorCpu: 0.5, relayRssKiB: null,
    generatorSaturated: extra.saturated ?? false, generatorLate: false,
    stats: {
      calls, streams: calls * 2, sent, received: sent - lost, lost, unmatched: 0, verified: calls, verifyFailures: 0, verifyFailureKind: null,
      sendErrors: 0, latency: NO_LATENCY, slotLag: NO_LATENCY, measuredMs: 3000, windowMs: 3000,
    },
  };
}

function withSteps(m: ModeResult, steps: StepResult[]): ModeResult {
  return { ...m, steps };
}

describe('relay comparison', () => {
  it('calls two relays clean at the same step a tie, whatever packets each run happened to count', () => {
    const [c] = compare([mode('ours', 1200, 119_792), mode('rtpengine', 1200, 119_799)], ['srtp-rtp']);
    expect(c.ratio).toBe(1);
    expect(c.ratioKind).toBe('measured');
  });

  it('compares the zero-loss steps when they differ', () => {
    const [c] = compare([mode('ours', 1000, 99_900), mode('rtpengine', 1600, 159_700)], ['srtp-rtp']);
    expect(c.ratio).toBeCloseTo(1000 / 1600, 6);
  });

  it('falls back to measured packets per second without step counts', () => {
    const [c] = compare([mode('ours', null, 50_000), mode('rtpengine', null, 100_000)], ['srtp-rtp']);
    expect(c.ratio).toBe(0.5);
  });

  it('prices a packet at every step both relays passed cleanly, not only the top one', () => {
    // 100 calls (10k pkt/s) is below the load that prices a packet; at 1600 rtpengine lost
    // packets and at 3200 ours had a saturated generator: neither step compares.
    const ours = withSteps(mode('ours', 1200, 120_000), [step(100, 0.2), step(400, 0.6), step(800, 1.0), step(1200, 1.2), step(1600, 1.4), step(3200, 1.9, { saturated: true })]);
    const theirs = withSteps(mode('rtpengine', 1200, 120_000), [step(100, 0.1), step(400, 0.4), step(800, 0.8), step(1200, 1.2), step(1600, 1.5, { lost: 10 })]);
    const [c] = compare([ours, theirs], ['srtp-rtp']);
    expect(c.commonCalls).toBe(1200);
    expect(c.oursCpuUsPerPacket! / c.rtpengineCpuUsPerPacket!).toBeCloseTo(1, 6);
    expect(c.cpuRatioByStep?.map((s) => s.calls)).toEqual([400, 800, 1200]);
    expect(c.cpuRatioByStep?.map((s) => Number(s.ratio.toFixed(3)))).toEqual([1.5, 1.25, 1]);
    expect(stepRatiosText(c.cpuRatioByStep)).toBe('400: 1.50, 800: 1.25, 1200: 1.00 (max 1.50)');
  });

  it('has no per-step ratios without a second relay, and says so', () => {
    const [c] = compare([withSteps(mode('ours', 800, 80_000), [step(800, 1)])], ['srtp-rtp']);
    expect(c.cpuRatioByStep).toEqual([]);
    expect(stepRatiosText(c.cpuRatioByStep)).toBe('n/a');
    expect(stepRatiosText(undefined)).toBe('n/a');
  });
});
