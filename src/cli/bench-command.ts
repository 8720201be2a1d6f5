import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveProfile } from '../srtp/protection-profile';
import type { ProfileName } from '../srtp/protection-profile';
import { BENCH_SUITES, IMPL_NAMES } from '../bench/bench-types';
import type { BenchOp, ImplName } from '../bench/bench-types';
import { defaultSrtpBenchOptions, runSrtpBench } from '../bench/srtp-bench';
import { fmtRatio } from '../bench/bench-results';
import type { SrtpBenchResults } from '../bench/bench-results';
import { renderReport } from '../bench/report-writer';
import { summarizeProfileFile } from '../bench/profile-summary';
import { registerRelayBenchCommand } from '../bench/relay/relay-bench-command';
import { registerMicroBenchCommand } from '../bench/micro/micro-bench-command';
import { registerControlBenchCommand } from '../bench/control/control-bench-command';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function suiteList(v: string): ProfileName[] {
  if (v.trim().toLowerCase() === 'all') return [...BENCH_SUITES];
  return v.split(',').map((s) => {
    try {
      const name = resolveProfile(s).name;
      if (!BENCH_SUITES.includes(name)) throw new Error('not benchmarked');
      return name;
    } catch {
      throw new InvalidArgumentError(`unknown suite "${s}"; one of ${BENCH_SUITES.join(', ')}`);
    }
  });
}

function sizeList(v: string): number[] {
  return v.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1 || n > 1400) throw new InvalidArgumentError(`bad payload size "${s}" (1..1400)`);
    return n;
  });
}

function implList(v: string): ImplName[] {
  return v.split(',').map((s) => {
    const name = s.trim() as ImplName;
    if (!IMPL_NAMES.includes(name)) throw new InvalidArgumentError(`unknown implementation "${s}"; one of ${IMPL_NAMES.join(', ')}`);
    return name;
  });
}

function opList(v: string): BenchOp[] {
  if (v === 'all') return ['protect', 'unprotect'];
  if (v === 'protect' || v === 'unprotect') return [v];
  throw new InvalidArgumentError('protect, unprotect or all');
}

/** `srtp-relay bench srtp`: the SRTP engine against native OpenSSL, libsrtp2, werift and a naive baseline. */
export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('benchmarks (never part of npm test)');
  registerRelayBenchCommand(bench);
  registerMicroBenchCommand(bench);
  registerControlBenchCommand(bench);
  bench
    .command('srtp')
    .description('SRTP protect/unprotect packets per second per suite and payload size; writes bench-results/<timestamp>/ and BENCHMARKS.md')
    .option('--runs <n>', 'runs per cell; the median is reported', positiveInt, 5)
    .option('--count <n>', 'packets timed per run for every implementation (default: per implementation)', positiveInt)
    .option('--suites <list>', `comma-separated suites or "all" (${BENCH_SUITES.join(', ')})`, suiteList)
    .option('--sizes <list>', 'comma-separated payload sizes in bytes', sizeList)
    .option('--impls <list>', `comma-separated implementations (${IMPL_NAMES.join(', ')})`, implList)
    .option('--op <op>', 'protect, unprotect or all', opList)
    .option('--out <dir>', 'directory the timestamped run directory goes in (default bench-results)')
    .option('--cpu <n>', 'core to pin each run to (default: the last core)', (v) => Number(v))
    .option('--no-pin', 'do not pin runs with taskset')
    .addOption(new Option('--profile <when>', 'profile srtp-relay: auto (where a target is missed), always, never').choices(['auto', 'always', 'never']).default('auto'))
    .option('--profile-count <n>', 'packets per profiled run', positiveInt)
    .option('--analysis <file>', 'markdown file with a written analysis to include in report.md')
    .option('--no-benchmarks-md', 'do not update BENCHMARKS.md')
    .option('--no-progress', 'no progress bar')
    .option('--inline', 'run in this process (quick smoke check; no isolation, no profiles)')
    .action(async (o: {
      runs: number; count?: number; suites?: ProfileName[]; sizes?: number[]; impls?: ImplName[]; op?: BenchOp[];
      out?: string; cpu?: number; pin: boolean; profile: 'auto' | 'always' | 'never'; profileCount?: number;
      analysis?: string; benchmarksMd: boolean; progress: boolean; inline?: boolean;
    }) => {
      const d = defaultSrtpBenchOptions();
      const { results, dir } = await runSrtpBench({
        ...d,
        runs: o.runs,
        count: o.count,
        suites: o.suites ?? d.suites,
        sizes: o.sizes ?? d.sizes,
        impls: o.impls ?? d.impls,
        ops: o.op ?? d.ops,
        outRoot: o.out !== undefined ? resolve(o.out) : d.outRoot,
        cpu: o.cpu,
        pin: o.pin,
        profile: o.profile,
        profileCount: o.profileCount,
        analysis: o.analysis !== undefined ? readFileSync(o.analysis, 'utf8') : undefined,
        benchmarksMd: o.benchmarksMd ? d.benchmarksMd : null,
        progress: o.progress,
        inline: o.inline === true,
      });
      console.log(`report: ${dir}/report.md`);
      for (const c of results.comparisons) {
        console.log(`${c.suite.padEnd(24)} ${String(c.payload).padStart(5)} ${c.op.padEnd(9)} ours/openssl ${fmtRatio(c.vsOpenssl.ours).padStart(5)}  ours/werift ${fmtRatio(c.oursVsWerift).padStart(5)}`);
      }
      console.log(results.targets.allMet ? 'all targets met' : `${results.targets.missed.length} target(s) missed`);
    });

  bench
    .command('srtp-report <dir>')
    .description('re-render report.md of a bench srtp run from its results.json, e.g. to add a written analysis')
    .option('--analysis <file>', 'markdown file with the analysis to include')
    .action((dir: string, o: { analysis?: string }) => {
      const parsed = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as SrtpBenchResults;
      // Re-summarize the recorded profiles so summary fixes apply to old runs too.
      const results: SrtpBenchResults = {
        ...parsed,
        profiles: parsed.profiles.map((p) => ({ ...p, summary: summarizeProfileFile(join(dir, p.file)) })),
      };
      writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
      const analysis = o.analysis !== undefined ? readFileSync(o.analysis, 'utf8') : undefined;
      writeFileSync(join(dir, 'report.md'), renderReport(results, analysis));
      console.log(`report: ${join(dir, 'report.md')}`);
    });
}
