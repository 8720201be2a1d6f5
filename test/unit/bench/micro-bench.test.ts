/**
 * `bench micro` in a tiny configuration: every case runs through Benchmark.js and reports
 * statistics of the right shape. It measures nothing; `npm run bench:micro` does.
 */
import { formatMicroResult, runMicroBench, selectMicroCases, type MicroResult } from '../../../src/bench/micro/micro-bench';
import { BENCHMARK_MISSING, loadBenchmark } from '../../../src/bench/micro/load-benchmark';
import { microCases } from '../../../src/bench/micro/micro-cases';

jest.setTimeout(120_000);

const TINY = { maxTime: 0.01, minSamples: 2, minTime: 0.001 };

describe('bench micro', () => {
  it('has the primitives and per-packet cases the benchmark promises', () => {
    const names = microCases().map((c) => c.name);
    for (const want of [/^SHA-1 compress/, /^HMAC-SHA1 \(160 B/, /^GHASH/, /^AES-CM keystream.*160 B/, /^AES-CM keystream.*1200 B/]) {
      expect(names.some((n) => want.test(n))).toBe(true);
    }
    for (const op of ['protect', 'unprotect']) {
      for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM']) {
        for (const size of [160, 1200]) expect(names).toContain(`${op} ${suite} ${size} B`);
      }
    }
    expect(new Set(names).size).toBe(names.length);
  });

  it('runs every case and reports ops/s, rme and samples', async () => {
    const seen: MicroResult[] = [];
    const report = await runMicroBench({ ...TINY, onResult: (r) => seen.push(r) });
    expect(report.results.map((r) => r.name)).toEqual(microCases().map((c) => c.name));
    expect(seen).toEqual(report.results);
    expect(report.node).toBe(process.versions.node);
    for (const r of report.results) {
      expect(r.hz).toBeGreaterThan(0);
      expect(Number.isFinite(r.rme)).toBe(true);
      expect(r.rme).toBeGreaterThanOrEqual(0);
      expect(r.samples).toBeGreaterThanOrEqual(TINY.minSamples);
      expect(r.meanNs).toBeCloseTo(1e9 / r.hz, 0);
      expect(formatMicroResult(r)).toMatch(/^\S.* +[\d,]+ ops\/s ± *\d+\.\d\d% +\d+ samples +\d+ ns\/op$/);
    }
  });

  it('an unprotect case keeps succeeding past a lap of packets (fresh receiver each lap)', () => {
    const spec = selectMicroCases('unprotect AEAD_AES_128_GCM 160')[0];
    const c = spec.setup();
    try {
      for (let i = 0; i < 8192 * 2 + 10; i++) c.fn();
    } finally {
      c.close();
    }
  });

  it('filters cases by name and refuses a filter that matches nothing', async () => {
    expect(selectMicroCases('gcm').every((c) => /GCM/.test(c.name))).toBe(true);
    expect(selectMicroCases('gcm')).toHaveLength(4);
    await expect(runMicroBench({ ...TINY, filter: 'no such case' })).rejects.toThrow(/no micro benchmark case/);
  });

  it('loads benchmark lazily, and says what to do when it is absent', async () => {
    await expect(loadBenchmark()).resolves.toEqual(expect.any(Function));
    jest.resetModules();
    jest.doMock('benchmark', () => {
      throw Object.assign(new Error("Cannot find module 'benchmark'"), { code: 'MODULE_NOT_FOUND' });
    });
    try {
      const isolated = await import('../../../src/bench/micro/load-benchmark');
      await expect(isolated.loadBenchmark()).rejects.toThrow(BENCHMARK_MISSING);
    } finally {
      jest.dontMock('benchmark');
    }
  });
});
