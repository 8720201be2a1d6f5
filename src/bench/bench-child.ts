/**
 * One measurement in a fresh process: `node bench-child.js --impl ours --suite S --size N
 * --op protect|unprotect --count N [--profile FILE]`. Prints one BenchSample as JSON on stdout.
 * The driver starts it (pinned with taskset where available) once per run.
 */
import { BENCH_SUITES, IMPL_NAMES } from './bench-types';
import type { BenchOp, ImplName } from './bench-types';
import type { ProfileName } from '../srtp/protection-profile';
import { CpuProfiler } from './cpu-profiler';
import { loadRunner } from './runners';

function arg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

export async function childMain(argv: readonly string[]): Promise<void> {
  const impl = arg(argv, '--impl') as ImplName | undefined;
  const suite = arg(argv, '--suite') as ProfileName | undefined;
  const payload = Number(arg(argv, '--size'));
  const op = arg(argv, '--op') as BenchOp | undefined;
  const count = Number(arg(argv, '--count'));
  const profileFile = arg(argv, '--profile');
  if (impl === undefined || !IMPL_NAMES.includes(impl)) throw new Error(`--impl must be one of ${IMPL_NAMES.join(', ')}`);
  if (suite === undefined || !BENCH_SUITES.includes(suite)) throw new Error(`--suite must be one of ${BENCH_SUITES.join(', ')}`);
  if (op !== 'protect' && op !== 'unprotect') throw new Error('--op must be protect or unprotect');
  if (!Number.isInteger(payload) || payload < 1 || !Number.isInteger(count) || count < 1) throw new Error('--size and --count must be positive integers');
  const runner = await loadRunner(impl);
  if (!runner.supports(suite)) throw new Error(`${impl} does not support ${suite}`);
  let profiler: CpuProfiler | undefined;
  if (profileFile !== undefined) {
    profiler = new CpuProfiler();
    await profiler.open();
  }
  const result = await runner.run({ suite, payload, op, count }, profiler);
  if (profiler !== undefined && profileFile !== undefined) await profiler.save(profileFile);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  childMain(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`bench-child: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
