/**
 * `srtp-relay bench relay`: the CLI face of run-relay-bench.ts, for src/cli/bench-command.ts to
 * register on its `bench` command (`registerRelayBenchCommand(bench)`).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { parsePortRange } from '../../api/config';
import { BENCH_MODES, isBenchMode, type BenchMode } from './bench-modes';
import type { RelayName } from './relay-under-test';
import { defaultSoakOptions, formatSoakSummary } from './run-soak-bench';
import { defaultRelayBenchOptions, formatSummary, runRelayBench, runRelaySoak } from './run-relay-bench';

function intList(v: string): number[] {
  return v.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`bad call count "${s}"`);
    return n;
  });
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function portRange(v: string): [number, number] {
  try {
    return parsePortRange(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function generatorSockets(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || (n !== 0 && (n < 2 || n > 64 || n % 2 !== 0))) throw new InvalidArgumentError('0 (a socket per stream) or an even count from 2 to 64');
  return n;
}

function modeList(v: string): BenchMode[] {
  if (v === 'all') return [...BENCH_MODES];
  return v.split(',').map((m) => {
    if (!isBenchMode(m)) throw new InvalidArgumentError(`unknown mode "${m}"; one of ${BENCH_MODES.join(', ')}`);
    return m;
  });
}

function relayList(v: string): RelayName[] {
  return v.split(',').map((r) => {
    if (r !== 'ours' && r !== 'rtpengine') throw new InvalidArgumentError(`unknown relay "${r}"; ours or rtpengine`);
    return r;
  });
}

export function registerRelayBenchCommand(bench: Command): void {
  const d = defaultRelayBenchOptions();
  bench
    .command('relay')
    .description('zero-loss packet rate, CPU, memory per call and latency of the relay against rtpengine per pair mode; writes bench-results/<timestamp>-relay/ and BENCHMARKS.md')
    .option('--steps <list>', 'concurrent calls per ramp step', intList, [...d.steps])
    .option('--measure-ms <n>', 'measured window per step', positiveInt, d.measureMs)
    .option('--warmup-ms <n>', 'warm-up before each window', positiveInt, d.warmupMs)
    .option('--drain-ms <n>', 'time late packets still count', positiveInt, d.drainMs)
    .option('--modes <list>', `comma-separated modes or "all" (${BENCH_MODES.join(', ')})`, modeList, [...d.modes])
    .option('--relays <list>', 'ours, rtpengine or both', relayList, [...d.relays])
    .option('--threads <n>', 'media threads for both relays', positiveInt, d.threads)
    .option('--port-range <low-high>', 'media UDP ports of both relays (keep clear of other programs on the machine)', portRange, [...d.portRange] as [number, number])
    .option('--webrtc-ms <n>', 'node-datachannel baseline duration (0 skips it)', positiveInt, d.webrtcMs)
    .addOption(new Option('--profile <when>', 'CPU-profile our relay: auto (where it trails rtpengine, else recrypt), always, never').choices(['auto', 'always', 'never']).default('auto'))
    .option('--out <dir>', 'directory the timestamped run directory goes in', d.outRoot)
    .option('--no-benchmarks-md', 'do not update BENCHMARKS.md')
    .option('--no-direct', 'skip the generator-to-generator latency baseline')
    .option('--no-retry', 'do not retry a lossy step')
    .option('--no-progress', 'no progress bar')
    .option('--payload <bytes>', 'RTP payload per packet: 160 (G.711) or up to 1400 (video, e.g. 1200); native generator', positiveInt, d.payload)
    .addOption(new Option('--io <backend>', 'our relay\'s packet I/O: auto (native when the addon is built), native, dgram').choices(['auto', 'native', 'dgram']).default('auto'))
    .option('--soak <minutes>', 'instead of the ramp: hold each relay at a fixed call count this long and report the RSS slope (modes default to srtp-srtp)', positiveNumber)
    .option('--soak-calls <n>', 'soak: calls to hold (default: --rate-fraction of the zero-loss calls of a ramp just before)', positiveInt)
    .option('--rate-fraction <f>', 'soak: share of the zero-loss calls', positiveNumber, defaultSoakOptions().rateFraction)
    .option('--soak-sample-s <s>', 'soak: RSS sampling interval', positiveNumber, defaultSoakOptions().sampleS)
    .option('--soak-warmup-s <s>', 'soak: seconds left out of the RSS slope (default a fifth of the run)', positiveNumber)
    .option('--soak-window-s <s>', 'soak: generator window (loss and CPU per window)', positiveNumber, defaultSoakOptions().windowS)
    .addOption(new Option('--generator <kind>', 'load generator: native (C, native-bench/relay_loadgen), node, or auto (native when it builds)').choices(['auto', 'native', 'node']).default('auto'))
    .option('--generator-sockets <k>', 'native generator: k shared sockets with batched sendmmsg/recvmmsg, or 0 for a connected socket per stream (send(2) per packet)', generatorSockets, d.generatorSockets)
    .option('--generator-threads <n>', 'native generator threads with shared sockets (at most half the sockets are used)', positiveInt, d.generatorThreads)
    .action(async (o: {
      steps: number[]; measureMs: number; warmupMs: number; drainMs: number; modes: BenchMode[]; relays: RelayName[]; threads: number; portRange: [number, number]; generatorSockets: number; generatorThreads: number;
      webrtcMs: number; profile: 'auto' | 'always' | 'never'; generator: 'auto' | 'native' | 'node'; io: 'auto' | 'native' | 'dgram'; payload: number; out: string; benchmarksMd: boolean; direct: boolean; retry: boolean; progress: boolean;
      soak?: number; soakCalls?: number; rateFraction: number; soakSampleS: number; soakWarmupS?: number; soakWindowS: number;
    }, cmd: Command) => {
      if (o.soak !== undefined) {
        const modesGiven = cmd.getOptionValueSource('modes') === 'cli';
        const { results, dir } = await runRelaySoak({
          steps: o.steps, measureMs: o.measureMs, warmupMs: o.warmupMs, drainMs: o.drainMs, relays: o.relays, threads: o.threads, portRange: o.portRange, generatorSockets: o.generatorSockets, generatorThreads: o.generatorThreads, outRoot: resolve(o.out),
          benchmarksMd: o.benchmarksMd ? d.benchmarksMd : null, retryLossyStep: o.retry, progress: o.progress, generator: o.generator, io: o.io, payload: o.payload,
          ...(modesGiven ? { modes: o.modes } : {}),
        }, { minutes: o.soak, calls: o.soakCalls ?? null, rateFraction: o.rateFraction, sampleS: o.soakSampleS, warmupS: o.soakWarmupS ?? null, windowS: o.soakWindowS });
        process.stdout.write(formatSoakSummary(results, dir));
        return;
      }
      const { results, dir } = await runRelayBench({
        steps: o.steps, measureMs: o.measureMs, warmupMs: o.warmupMs, drainMs: o.drainMs, modes: o.modes, relays: o.relays,
        threads: o.threads, portRange: o.portRange, generatorSockets: o.generatorSockets, generatorThreads: o.generatorThreads, webrtcMs: o.webrtcMs, profile: o.profile, outRoot: resolve(o.out),
        benchmarksMd: o.benchmarksMd ? d.benchmarksMd : null, directBaseline: o.direct, retryLossyStep: o.retry, progress: o.progress, generator: o.generator, io: o.io, payload: o.payload,
      });
      process.stdout.write(formatSummary(results, dir));
    });
}
