/** The relay bench's ours-against-rtpengine comparison: a tie at the same ramp step is a tie. */
import { compare } from '../../../src/bench/relay/relay-comparison';
import type { ModeResult } from '../../../src/bench/relay/relay-results';

function mode(relay: 'ours' | 'rtpengine', zeroLossCalls: number | null, zeroLossPps: number | null): ModeResult {
  return {
    relay, mode: 'srtp-rtp', description: '', steps: [], best: null, zeroLossPps, zeroLossCalls,
    rssPerCallKiB: null, rssIdleKiB: null, limit: 'loss', limitDetail: '', forgery: null, pairModes: null, counters: null,
  };
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
});
