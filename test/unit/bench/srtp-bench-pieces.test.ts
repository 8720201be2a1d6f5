/**
 * Pure helpers of the SRTP benchmark (statistics, charts, profile summaries) and the lazy loading
 * of its optional npm peers. The smoke run is test/interop/bench/srtp-bench-smoke.test.ts.
 */
import { BenchError } from '../../../src/bench/bench-errors';
import { loadOptionalPeer } from '../../../src/bench/optional-peer';
import { summarizeProfiles } from '../../../src/bench/profile-summary';
import { median } from '../../../src/bench/stats';
import { renderBarChart } from '../../../src/bench/svg-chart';

describe('bench helpers', () => {
  it('median takes the middle value, or the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });

  it('bar charts mark n/a bars and scale to the largest value', () => {
    const svg = renderBarChart({ title: 't', yLabel: 'y', groups: ['a', 'b'], series: [{ name: 's', color: '#000' }], values: [[100], [null]] });
    expect(svg).toContain('n/a');
    expect(svg.match(/<rect /g)?.length).toBe(1 + 1 + 1); // background, one bar, one legend swatch
  });

  it('profile summaries attribute self time by sample', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0, columnNumber: 0 });
    const s = summarizeProfiles([{
      startTime: 0, endTime: 1, samples: [2, 2, 2, 3],
      nodes: [{ id: 1, callFrame: frame('(root)', '') }, { id: 2, callFrame: frame('protectRtp', 'file:///x/src/srtp/srtp-context.ts') }, { id: 3, callFrame: frame('(garbage collector)', '') }],
    }]);
    expect(s.samples).toBe(4);
    expect(s.top[0]).toMatchObject({ fn: 'protectRtp', category: 'engine (src/srtp)', selfPct: 75 });
  });

  it('optional peers load lazily, and a missing one says how to install it', () => {
    expect(typeof loadOptionalPeer<typeof import('werift-rtp')>('werift-rtp', 'test').SrtpSession).toBe('function');
    let caught: unknown = null;
    try {
      loadOptionalPeer('srtp-relay-no-such-peer', 'a test');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BenchError);
    expect(caught).toMatchObject({ code: 'BENCH_ERR_PEER_MISSING', statusCode: 503 });
    expect((caught as Error).message).toMatch(/srtp-relay-no-such-peer is not installed \(a test\).*npm install/);
  });
});
