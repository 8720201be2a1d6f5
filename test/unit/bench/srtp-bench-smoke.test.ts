/**
 * Smoke run of the SRTP benchmarks with tiny counts: every runner (including building and
 * running the native C programs) produces a well-formed sample, and the driver writes its
 * report, JSON and charts. It measures nothing; `npm run bench:srtp` does.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBenchSample, BENCH_SUITES, IMPL_NAMES } from '../../../src/bench/bench-types';
import type { BenchOp, ImplName } from '../../../src/bench/bench-types';
import { buildNative, nativeProgram, nativeSelftest, parseNativeOutput } from '../../../src/bench/runner-native';
import { loadRunner } from '../../../src/bench/runners';
import { runSrtpBench, defaultSrtpBenchOptions } from '../../../src/bench/srtp-bench';
import { execFileSync } from 'node:child_process';
import type { SrtpBenchResults } from '../../../src/bench/bench-results';
import { median } from '../../../src/bench/stats';
import { renderBarChart } from '../../../src/bench/svg-chart';
import { summarizeProfiles } from '../../../src/bench/profile-summary';

jest.setTimeout(180_000);

describe('bench srtp smoke', () => {
  beforeAll(() => {
    buildNative(true);
  });

  it('native programs pass their known-answer self-tests', async () => {
    await expect(nativeSelftest('openssl')).resolves.toMatch(/selftest passed/);
    await expect(nativeSelftest('libsrtp')).resolves.toMatch(/selftest passed/);
  });

  it('native programs print one JSON line per suite, size and op', () => {
    for (const impl of ['openssl', 'libsrtp'] as const) {
      const out = execFileSync(nativeProgram(impl), ['--suite', 'all', '--size', '160,1200', '--count', '50', '--op', 'all'], { encoding: 'utf8' });
      const samples = parseNativeOutput(out);
      expect(samples).toHaveLength(BENCH_SUITES.length * 2 * 2);
      for (const s of samples) {
        expect(s.impl).toBe(impl);
        expect(s.packets).toBe(50);
        expect(s.pps).toBeGreaterThan(0);
      }
    }
  });

  it.each(IMPL_NAMES.map((i) => [i]))('%s runner measures every suite it supports with a tiny count', async (impl: ImplName) => {
    const runner = await loadRunner(impl);
    let ran = 0;
    for (const suite of BENCH_SUITES) {
      if (!runner.supports(suite)) continue;
      for (const op of ['protect', 'unprotect'] as BenchOp[]) {
        const s = await runner.run({ suite, payload: 160, op, count: 40 });
        assertBenchSample(s);
        expect(s).toMatchObject({ impl, suite, payload: 160, op, packets: 40 });
        ran++;
      }
    }
    expect(ran).toBeGreaterThanOrEqual(impl === 'werift' ? 4 : BENCH_SUITES.length * 2);
  });

  it('werift reports the suites it lacks as unsupported', async () => {
    const w = await loadRunner('werift');
    expect(BENCH_SUITES.filter((s) => w.supports(s))).toEqual(['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM']);
  });

  it('the driver writes report.md, results.json and one chart per op and size', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
    try {
      const { dir } = await runSrtpBench({
        ...defaultSrtpBenchOptions(),
        runs: 1, count: 30, suites: ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_256_GCM'], sizes: [160, 1200],
        outRoot: out, progress: false, inline: true, benchmarksMd: join(out, 'BENCHMARKS.md'), profile: 'never',
      });
      expect(readdirSync(dir).sort()).toEqual(['protect-1200.svg', 'protect-160.svg', 'report.md', 'results.json', 'unprotect-1200.svg', 'unprotect-160.svg']);
      const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as SrtpBenchResults;
      expect(json.kind).toBe('srtp');
      expect(json.samples.length).toBe(2 * 2 * 2 * 4 + 2 * 2); // 4 impls x every case, werift only for the AES-CM suite
      json.samples.forEach((s) => assertBenchSample(s));
      expect(json.comparisons).toHaveLength(8);
      const gcm = json.comparisons.find((c) => c.suite === 'AEAD_AES_256_GCM');
      expect(gcm?.pps.werift).toBeNull();
      expect(gcm?.meetsWeriftTarget).toBeNull();
      expect(typeof json.machine.cpuModel).toBe('string');
      expect(json.selftests.openssl).toMatch(/^passed/);
      const report = readFileSync(join(dir, 'report.md'), 'utf8');
      expect(report).toContain('## Targets');
      expect(report).toContain('AEAD_AES_256_GCM');
      expect(readFileSync(join(dir, 'protect-160.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
      expect(readFileSync(join(out, 'BENCHMARKS.md'), 'utf8')).toContain('<!-- bench:srtp:start -->');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('a child process run (as the real bench does) prints a sample, when dist/ is built', () => {
    const script = join(__dirname, '../../../dist/bench/bench-child.js');
    if (!existsSync(script)) return; // `npm test` builds first; a bare jest run may not have dist/
    const out = execFileSync(process.execPath, [script, '--impl', 'ours', '--suite', 'AES_CM_128_HMAC_SHA1_32', '--size', '1200', '--op', 'unprotect', '--count', '30'], { encoding: 'utf8' });
    const v: unknown = JSON.parse(out);
    assertBenchSample(v);
  });
});

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
});
