/**
 * `bench srtp` driver: runs every (implementation, suite, payload, op) cell `runs` times, each
 * run in a fresh child process pinned to one core (taskset) where possible, takes medians,
 * profiles srtp-relay where it misses a target, and writes the report.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { ProfileName } from '../srtp/protection-profile';
import { aggregateCells, caseLabel, compare, missedTargets, TARGET_VS_OPENSSL, TARGET_VS_WERIFT } from './bench-results';
import type { CaseProfile, SrtpBenchResults } from './bench-results';
import { assertBenchSample, BENCH_OPS, BENCH_SIZES, BENCH_SUITES, IMPL_NAMES } from './bench-types';
import type { BenchCase, BenchOp, BenchSample, ImplName } from './bench-types';
import { machineInfo } from './machine-info';
import { summarizeProfileFile } from './profile-summary';
import { ProgressBar } from './progress-bar';
import { renderBenchmarksSection, renderReport, updateBenchmarksMd, writeCharts } from './report-writer';
import { repoRoot } from './repo-root';
import { loadRunner } from './runners';

const execFileAsync = promisify(execFile);

/**
 * Packets timed per run, chosen so one run takes roughly 0.1-0.5 s on a 2020s x86 core and the
 * whole default bench stays near ten minutes on two cores.
 */
export const DEFAULT_COUNTS: Readonly<Record<ImplName, number>> = Object.freeze({
  ours: 100000,
  openssl: 300000,
  libsrtp: 50000,
  werift: 30000,
  naive: 20000,
});

export interface SrtpBenchOptions {
  runs: number;
  /** Packets per run for every implementation (overrides counts). */
  count?: number;
  counts?: Partial<Record<ImplName, number>>;
  suites: readonly ProfileName[];
  sizes: readonly number[];
  ops: readonly BenchOp[];
  impls: readonly ImplName[];
  /** Directory the timestamped run directory is created in. */
  outRoot: string;
  /** Core to pin children to; default the last core. */
  cpu?: number;
  pin: boolean;
  /** auto: profile srtp-relay on the cases that miss a target. */
  profile: 'auto' | 'always' | 'never';
  /** Packets per profiled run. */
  profileCount?: number;
  progress: boolean;
  /** Run in this process instead of child processes (smoke tests; no pinning, no profiles). */
  inline: boolean;
  /** BENCHMARKS.md to update, or null. */
  benchmarksMd: string | null;
  /** Markdown written by an engineer after reading the profiles, added to report.md. */
  analysis?: string;
}

export function defaultSrtpBenchOptions(): SrtpBenchOptions {
  const root = repoRoot();
  return {
    runs: 5,
    suites: BENCH_SUITES,
    sizes: BENCH_SIZES,
    ops: BENCH_OPS,
    impls: IMPL_NAMES,
    outRoot: join(root, 'bench-results'),
    pin: true,
    profile: 'auto',
    progress: true,
    inline: false,
    benchmarksMd: join(root, 'BENCHMARKS.md'),
  };
}

export interface SrtpBenchOutcome {
  readonly results: SrtpBenchResults;
  readonly dir: string;
}

/** Timestamp usable as a directory name on every file system (ISO 8601 with ':' as '-'). */
export function runStamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

function tasksetWorks(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Compiled child entry: next to this file under dist/, or the repository's dist/ from ts-jest. */
export function childScript(): string {
  const here = join(__dirname, 'bench-child.js');
  if (existsSync(here)) return here;
  const built = join(repoRoot(), 'dist', 'bench', 'bench-child.js');
  if (existsSync(built)) return built;
  throw new Error('dist/bench/bench-child.js not found: run `npm run build` first (or use inline mode)');
}

interface Isolation {
  readonly pinCpu: number | null;
  readonly inline: boolean;
}

async function runChild(impl: ImplName, c: BenchCase, iso: Isolation, profileFile?: string): Promise<BenchSample> {
  if (iso.inline) return (await loadRunner(impl)).run(c);
  const args = [childScript(), '--impl', impl, '--suite', c.suite, '--size', String(c.payload), '--op', c.op, '--count', String(c.count)];
  if (profileFile !== undefined) args.push('--profile', profileFile);
  const [cmd, argv] = iso.pinCpu !== null
    ? ['taskset', ['-c', String(iso.pinCpu), process.execPath, ...args]]
    : [process.execPath, args];
  try {
    const { stdout } = await execFileAsync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 20 });
    const v: unknown = JSON.parse(stdout.trim().split('\n').pop() ?? '');
    assertBenchSample(v);
    return v;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${impl} ${caseLabel(c)} failed: ${e.stderr?.trim() || e.message}`);
  }
}

async function nativeSelftests(impls: readonly ImplName[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const native = impls.filter((i): i is 'openssl' | 'libsrtp' => i === 'openssl' || i === 'libsrtp');
  if (native.length === 0) return out;
  const { buildNative, nativeSelftest } = await import('./runner-native');
  buildNative(true);
  for (const impl of native) {
    const report = await nativeSelftest(impl); // throws when a vector fails
    const checks = report.split('\n').filter((l) => /^(ok|WARN)/.test(l));
    const warns = checks.filter((l) => l.startsWith('WARN')).map((l) => l.replace(/^WARN\s+/, ''));
    out[impl] = `passed (${checks.length - warns.length} checks${warns.length > 0 ? `; warnings: ${warns.join('; ')}` : ''})`;
  }
  return out;
}

export async function runSrtpBench(opts: SrtpBenchOptions): Promise<SrtpBenchOutcome> {
  const started = new Date();
  const counts = {} as Record<ImplName, number>;
  for (const impl of IMPL_NAMES) counts[impl] = opts.count ?? opts.counts?.[impl] ?? DEFAULT_COUNTS[impl];
  const pinCpu = !opts.inline && opts.pin && tasksetWorks() ? opts.cpu ?? Math.max(os.cpus().length - 1, 0) : null;
  const iso: Isolation = { pinCpu, inline: opts.inline };
  const isolation = opts.inline
    ? 'in-process (smoke mode)'
    : `a fresh child process per run${pinCpu !== null ? `, pinned to CPU ${pinCpu} with taskset` : ' (not pinned: taskset unavailable or disabled)'}`;
  const dir = join(opts.outRoot, runStamp(started));
  mkdirSync(dir, { recursive: true });

  const selftests = await nativeSelftests(opts.impls);
  const runners = new Map<ImplName, Awaited<ReturnType<typeof loadRunner>>>();
  for (const impl of opts.impls) runners.set(impl, await loadRunner(impl));

  // Runs are the outer loop so slow drift (thermal, neighbours) spreads over every cell alike.
  const jobs: { impl: ImplName; c: BenchCase }[] = [];
  for (let run = 0; run < opts.runs; run++) {
    for (const suite of opts.suites) {
      for (const payload of opts.sizes) {
        for (const op of opts.ops) {
          for (const impl of opts.impls) {
            if (runners.get(impl)?.supports(suite) === true) jobs.push({ impl, c: { suite, payload, op, count: counts[impl] } });
          }
        }
      }
    }
  }
  const bar = new ProgressBar(jobs.length, process.stderr, opts.progress);
  const samples: BenchSample[] = [];
  for (const job of jobs) {
    samples.push(await runChild(job.impl, job.c, iso));
    bar.tick(`${job.impl} ${caseLabel(job.c)}`);
  }

  const cells = aggregateCells(samples);
  const comparisons = compare(cells, opts.suites, opts.sizes, opts.ops, opts.impls);
  const missed = missedTargets(comparisons);

  const profiles: CaseProfile[] = [];
  const wantProfile = !opts.inline && opts.impls.includes('ours') && (opts.profile === 'always' || (opts.profile === 'auto' && missed.length > 0));
  if (wantProfile) {
    const toProfile = comparisons.filter((c) => opts.profile === 'always' || c.meetsOpensslTarget === false || c.meetsWeriftTarget === false);
    const pdir = join(dir, 'profiles');
    mkdirSync(pdir, { recursive: true });
    const pbar = new ProgressBar(toProfile.length, process.stderr, opts.progress);
    pbar.note(`bench: profiling srtp-relay on ${toProfile.length} case(s)`);
    for (const c of toProfile) {
      const file = join(pdir, `${c.suite}-${c.payload}-${c.op}.cpuprofiles.json`);
      const count = opts.profileCount ?? Math.min(counts.ours, 100000);
      const s = await runChild('ours', { suite: c.suite, payload: c.payload, op: c.op, count }, iso, file);
      profiles.push({ suite: c.suite, payload: c.payload, op: c.op, file: relative(dir, file), packets: s.packets, pps: s.pps, summary: summarizeProfileFile(file) });
      pbar.tick(`profile ${caseLabel(c)}`);
    }
  }

  const finished = new Date();
  const results: SrtpBenchResults = {
    kind: 'srtp',
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: (finished.getTime() - started.getTime()) / 1000,
    options: { runs: opts.runs, counts, suites: opts.suites, sizes: opts.sizes, ops: opts.ops, impls: opts.impls, isolation },
    machine: machineInfo(pinCpu),
    selftests,
    samples,
    cells,
    comparisons,
    targets: { vsOpenssl: TARGET_VS_OPENSSL, vsWerift: TARGET_VS_WERIFT, allMet: missed.length === 0, missed },
    profiles,
  };
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeCharts(results, dir);
  writeFileSync(join(dir, 'report.md'), renderReport(results, opts.analysis));
  if (opts.benchmarksMd !== null) {
    const root = repoRoot();
    updateBenchmarksMd(opts.benchmarksMd, renderBenchmarksSection(results, relative(root, dir) || dir));
  }
  return { results, dir };
}
