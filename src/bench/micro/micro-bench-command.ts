/**
 * `srtp-relay bench micro`: the CLI face of micro-bench.ts, registered by
 * src/cli/bench-command.ts on its `bench` command (`registerMicroBenchCommand(bench)`).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_MICRO_OPTIONS, formatMicroResult, runMicroBench } from './micro-bench';

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function registerMicroBenchCommand(bench: Command): void {
  bench
    .command('micro')
    .description('engine primitives (SHA-1, HMAC-SHA1, GHASH, AES-CM keystream) and per-packet protect/unprotect, timed with Benchmark.js: ops/s ±rme, samples')
    .option('--max-time <s>', 'seconds per case', positiveNumber, DEFAULT_MICRO_OPTIONS.maxTime)
    .option('--min-samples <n>', 'fewest timed cycles per case', positiveInt, DEFAULT_MICRO_OPTIONS.minSamples)
    .option('--filter <text>', 'only cases whose name contains this, e.g. GCM or "protect AES"')
    .option('--json', 'print one JSON document instead of lines')
    .action(async (o: { maxTime: number; minSamples: number; filter?: string; json?: boolean }) => {
      const json = o.json === true;
      if (!json) process.stdout.write(`node ${process.versions.node}, OpenSSL ${process.versions.openssl}\n`);
      const report = await runMicroBench({
        maxTime: o.maxTime,
        minSamples: o.minSamples,
        filter: o.filter,
        onResult: json ? undefined : (r) => { process.stdout.write(`${formatMicroResult(r)}\n`); },
      });
      if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    });
}
