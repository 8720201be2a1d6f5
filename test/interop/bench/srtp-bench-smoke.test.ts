/**
 * Smoke run of the SRTP benchmarks with tiny counts: every runner (including building and
 * running the native C programs, whose toolchain `npm run peers` installs through
 * scripts/install-bench-deps.sh) produces a well-formed sample, and the driver writes its
 * report, JSON and charts. It measures nothing; `npm run bench:srtp` does. Needs the build.
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

  it('a child process run (as the real bench does) prints a sample from dist/', () => {
    const script = join(__dirname, '../../../dist/bench/bench-child.js');
    if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first (npm test and test:interop do)`);
    const out = execFileSync(process.execPath, [script, '--impl', 'ours', '--suite', 'AES_CM_128_HMAC_SHA1_32', '--size', '1200', '--op', 'unprotect', '--count', '30'], { encoding: 'utf8' });
    const v: unknown = JSON.parse(out);
    assertBenchSample(v);
  });
});
