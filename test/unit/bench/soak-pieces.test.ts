/**
 * Pieces of the relay soak (src/bench/relay/soak.ts, soak-report.ts) that need no relay: the RSS
 * slope after the warm-up, and the BENCHMARKS.md section writer keeping the other sections.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rssTrend, slope, type SoakResult, type SoakSample } from '../../../src/bench/relay/soak';
import { SOAK_END, SOAK_START, updateSoakSection, type SoakBenchResults } from '../../../src/bench/relay/soak-report';

describe('bench relay soak: pieces', () => {
  it('slope: least squares, per unit of x; null without two distinct x', () => {
    expect(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toBeCloseTo(2, 10);
    expect(slope([{ x: 0, y: 4 }, { x: 1, y: 6 }, { x: 2, y: 4 }, { x: 3, y: 6 }])).toBeCloseTo(0.4, 10);
    expect(slope([{ x: 1, y: 1 }])).toBeNull();
    expect(slope([{ x: 1, y: 1 }, { x: 1, y: 2 }])).toBeNull();
  });

  it('rssTrend leaves the warm-up out: a heap that grows, then stays, is flat', () => {
    // 0..60 s: +100 KiB/s (warm-up); then flat at 10000 KiB with ±8 KiB of noise.
    const samples: SoakSample[] = [];
    for (let t = 0; t <= 300; t += 5) samples.push({ t, rssKiB: t < 60 ? 4000 + 100 * t : 10000 + (t % 10 === 0 ? 8 : -8) });
    const warm = rssTrend(samples, 60);
    expect(Math.abs(warm.slopeKiBPerMin as number)).toBeLessThan(5);
    expect(warm.rangeKiB).toBe(16);
    expect(warm.start).toBe(10008);
    const all = rssTrend(samples, 0);
    expect(all.slopeKiBPerMin as number).toBeGreaterThan(500);
  });

  it('rssTrend finds a leak: 1 KiB a second is 60 KiB/min', () => {
    const samples: SoakSample[] = Array.from({ length: 50 }, (_, i) => ({ t: i * 4, rssKiB: 20000 + i * 4 }));
    expect(rssTrend(samples, 20).slopeKiBPerMin).toBeCloseTo(60, 6);
    expect(rssTrend([], 0).slopeKiBPerMin).toBeNull();
  });

  it('updateSoakSection replaces its own section and keeps the others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'soak-md-'));
    try {
      const file = join(dir, 'BENCHMARKS.md');
      writeFileSync(file, '# Benchmarks\n\n<!-- bench:relay:start -->\nRELAY TABLE\n<!-- bench:relay:end -->\n');
      const result = {
        relay: 'ours', mode: 'srtp-srtp', description: 'x', calls: 640, callsFrom: '80 % of 800', durationS: 600, warmupS: 120, offeredPps: 64000,
        sent: 100, lost: 0, lossPct: 0, verifyFailures: 0, windowsGeneratorSaturated: 0, relayCpu: 0.9, rssIdleKiB: 1, rssStartKiB: 2, rssEndKiB: 3,
        slopeKiBPerMin: 1.25, rangeAfterWarmupKiB: 4, samples: [], windows: [],
      } satisfies SoakResult;
      const r = (runs: number): SoakBenchResults => ({
        kind: 'relay-soak', startedAt: 'now', machine: { cores: 2, cryptoFlags: [] } as unknown as SoakBenchResults['machine'], loadAverage: [0], generator: 'native',
        options: { minutes: 10, rateFraction: 0.8, threads: 2, sampleS: 5, warmupS: 120, windowS: 20 }, results: Array(runs).fill(result) as SoakResult[], errors: [],
      });
      updateSoakSection(file, r(1), 'bench-results/x');
      updateSoakSection(file, r(2), 'bench-results/y');
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('RELAY TABLE');
      expect(text.split(SOAK_START)).toHaveLength(2);
      expect(text.split(SOAK_END)).toHaveLength(2);
      expect(text).toContain('bench-results/y');
      expect(text).not.toContain('bench-results/x');
      expect(text.split('**1.3**')).toHaveLength(3); // the slope, once per row
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
