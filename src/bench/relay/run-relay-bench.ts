/**
 * `npm run bench:relay`: our relay against rtpengine on the same workload, per pair mode.
 *
 *   orchestrator (this process) ── stdin/stdout ── load generator (native-bench/relay_loadgen, C;
 *        │                                          or dist/bench/relay/load-generator.js over IPC)
 *        │  ng over UDP (+ IPC for ours)              │  RTP/SRTP on 127.0.0.1
 *        └── relay under test: relay-server.js (ours: worker threads, src/control + src/ng) or
 *            rtpengine (userspace); both get the same ng offer/answer per call (ng-call-setup.ts)
 *
 * Per mode and relay: a fresh relay process, calls added step by step (50, 100, 200, ...),
 * each step warm-up + measured window + drain; CPU and RSS from /proc. Then a node-datachannel
 * WebRTC baseline, CPU profiles of our relay where it trails rtpengine, and the report:
 * bench-results/<timestamp>-relay/{report.md, results.json, *.svg} and BENCHMARKS.md "## Relay".
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { parsePortRange } from '../../api/config';
import type { IoBackendChoice } from '../../relay/io/packet-io';
import { isIoBackendChoice } from '../../relay/io/packet-io';
import { machineInfo } from '../machine-info';
import { ProgressBar } from '../progress-bar';
import { repoRoot } from '../repo-root';
import { BENCH_MODES, isBenchMode, MODE_SPECS, type BenchMode } from './bench-modes';
import { forkEntry, stopProcess } from './child-process';
import { GeneratorClient, type GeneratorHandle, type GeneratorKind } from './generator-client';
import type { StepStats } from './generator-messages';
import { IpcClient } from './ipc-channel';
import { DEFAULT_GENERATOR_SOCKETS, DEFAULT_GENERATOR_THREADS, nativeGeneratorDescription, NativeGeneratorClient } from './native-generator-client';
import { OursRelay } from './ours-relay';
import { rampMode } from './ramp';
import { summarizeRelayProfiles } from './relay-profile';
import { compare } from './relay-comparison';
import type { GeneratorInfo, ModeResult, RelayBenchResults, RelayProfile } from './relay-results';
import { renderRelayReport, updateRelaySection, verdictOf, writeCharts } from './relay-report';
import type { RelayName, RelayUnderTest } from './relay-under-test';
import { findRtpengine } from './rtpengine-process';
import { RtpengineRelay } from './rtpengine-relay';
import type { WebrtcBaseline, WebrtcRequest } from './webrtc-baseline';
import { defaultSoakOptions, formatSoakSummary, runSoakBench, type SoakBenchOptions } from './run-soak-bench';

export interface RelayBenchOptions {
  /** Concurrent calls per ramp step (each call: 2 streams × 50 packets/s). */
  readonly steps: readonly number[];
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly drainMs: number;
  readonly modes: readonly BenchMode[];
  readonly relays: readonly RelayName[];
  /** Media threads for both relays (our worker threads, rtpengine --num-threads). */
  readonly threads: number;
  /** Both relays' media port range (`--port-range LOW-HIGH`): keep it clear of other programs' ports. */
  readonly portRange: readonly [number, number];
  readonly retryLossyStep: boolean;
  /** Generator-to-generator run without a relay, for the latency the relay adds. */
  readonly directBaseline: boolean;
  /** node-datachannel baseline duration; 0 skips it. */
  readonly webrtcMs: number;
  /** CPU profiles of our relay: where it trails rtpengine (auto), every mode, or none. */
  readonly profile: 'auto' | 'always' | 'never';
  /** Directory the timestamped run directory goes in. */
  readonly outRoot: string;
  /** BENCHMARKS.md to update, or null. */
  readonly benchmarksMd: string | null;
  readonly progress: boolean;
  /**
   * Load generator: native (C, native-bench/relay_loadgen; fails when it does not build), node
   * (load-generator.ts), or auto: native when it builds, else node (the report says so).
   */
  readonly generator: GeneratorKind | 'auto';
  /**
   * Native generator's sockets: this many shared unconnected sockets (sendmmsg/recvmmsg in
   * batches), or 0 for a connected socket per stream (send(2) per packet: the older generator).
   */
  readonly generatorSockets: number;
  /** Native generator's threads with shared sockets (1..generatorSockets/2). */
  readonly generatorThreads: number;
  /** Our relay's packet I/O: native, dgram, or auto (native when built); the report says which ran. */
  readonly io: IoBackendChoice;
  /** RTP payload bytes per packet: 160 (G.711, 20 ms) or e.g. 1200 (video); native generator only. */
  readonly payload: number;
}

export function defaultRelayBenchOptions(): RelayBenchOptions {
  const root = repoRoot();
  return {
    // 1000 and 1200 between 800 and 1600: on two cores the load generator and a relay share the
    // machine near 80k packets/s, and a doubling step there cannot tell the two relays apart.
    steps: [50, 100, 200, 400, 800, 1000, 1200, 1600, 3200],
    warmupMs: 500,
    measureMs: 3000,
    drainMs: 300,
    modes: [...BENCH_MODES],
    relays: ['ours', 'rtpengine'],
    threads: os.availableParallelism(),
    portRange: [16000, 31999],
    retryLossyStep: true,
    directBaseline: true,
    webrtcMs: 3000,
    profile: 'auto',
    outRoot: join(root, 'bench-results'),
    benchmarksMd: join(root, 'BENCHMARKS.md'),
    progress: true,
    generator: 'auto',
    generatorSockets: DEFAULT_GENERATOR_SOCKETS,
    generatorThreads: DEFAULT_GENERATOR_THREADS,
    io: 'auto',
    payload: 160,
  };
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

async function startRelay(name: RelayName, o: RelayBenchOptions, rtpengineBin: string | null, execArgv: readonly string[] = []): Promise<RelayUnderTest> {
  if (name === 'ours') {
    const ours = await OursRelay.start({ threads: o.threads, portRange: o.portRange, execArgv, io: o.io });
    oursIo ??= ours.io;
    return ours;
  }
  if (rtpengineBin === null) throw new Error('rtpengine is not installed');
  return RtpengineRelay.start(rtpengineBin, { threads: o.threads, portRange: o.portRange });
}

/** The packet I/O backend our relay ran on in this run (from its first start). */
let oursIo: string | null = null;

const NODE_GENERATOR_DESCRIPTION = 'dist/bench/relay/load-generator.js (Node): one process, dgram sockets, 1 ms interval timer, SRTP in TypeScript (src/srtp)';

function startGenerator(kind: GeneratorKind | 'auto', payload: number, sockets: number, threadsAsked: number): { gen: GeneratorHandle; info: GeneratorInfo } {
  const threads = sockets === 0 ? 1 : Math.max(1, Math.min(threadsAsked, sockets / 2));
  if (payload !== 160 && kind === 'node') throw new Error('--payload other than 160 needs the native load generator');
  if (kind !== 'node') {
    try {
      const gen = NativeGeneratorClient.start(payload, { sockets, threads });
      const nice = gen.nice === null ? 'default scheduling priority (could not raise it)' : `nice ${gen.nice} (relays at 0)`;
      return { gen, info: { kind: 'native', description: `${nativeGeneratorDescription({ sockets, threads })}; ${nice}`, fallback: null, sockets, threads } };
    } catch (err) {
      if (kind === 'native' || payload !== 160) throw err;
      const fallback = `native generator unavailable, fell back to the Node one: ${(err as Error).message}`;
      return { gen: GeneratorClient.start(), info: { kind: 'node', description: NODE_GENERATOR_DESCRIPTION, fallback } };
    }
  }
  return { gen: GeneratorClient.start(), info: { kind: 'node', description: NODE_GENERATOR_DESCRIPTION, fallback: null } };
}

async function directLatency(gen: GeneratorHandle, o: RelayBenchOptions): Promise<StepStats> {
  const calls = o.steps[0];
  const opened = await gen.open(calls);
  await gen.configure(0, opened.map((e) => ({
    a: { relayAddress: '127.0.0.1', relayPort: e.b, send: null, recv: null },
    b: { relayAddress: '127.0.0.1', relayPort: e.a, send: null, recv: null },
  })));
  const m = await gen.run({ warmupMs: o.warmupMs, measureMs: o.measureMs, drainMs: o.drainMs }, null);
  await gen.reset();
  return m.stats;
}

async function webrtcBaseline(durationMs: number): Promise<WebrtcBaseline> {
  const child = forkEntry('webrtc-baseline');
  const ipc = new IpcClient<WebrtcRequest>(child, 'webrtc-baseline');
  try {
    return await ipc.request<WebrtcBaseline>({ op: 'run', durationMs }, durationMs + 30_000);
  } catch (err) {
    return { ok: false, error: (err as Error).message, library: 'node-datachannel', durationMs: 0, sent: 0, received: 0, pps: 0, lossPct: 0, cpu: 0 };
  } finally {
    await stopProcess(child);
  }
}

/** Profile our relay at its best zero-loss step (or the first step) in one mode. */
async function profileMode(mode: BenchMode, calls: number, gen: GeneratorHandle, o: RelayBenchOptions, dir: string): Promise<RelayProfile> {
  const profDir = join(dir, 'profiles', mode);
  mkdirSync(profDir, { recursive: true });
  const relay = await startRelay('ours', o, null, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=200']);
  try {
    const opened = await gen.open(calls);
    await gen.configure(0, await relay.addCalls(0, opened, MODE_SPECS[mode]));
    await gen.run({ warmupMs: o.warmupMs, measureMs: o.measureMs, drainMs: o.drainMs }, relay.pid);
    await gen.reset();
  } finally {
    await relay.stop();
  }
  const s = summarizeRelayProfiles(profDir);
  const root = repoRoot();
  return { mode, calls, threads: o.threads, samples: s.samples, categories: s.categories, top: s.top, files: s.files.map((f) => relative(root, f)) };
}

export async function runRelayBench(options: Partial<RelayBenchOptions> = {}): Promise<{ results: RelayBenchResults; dir: string }> {
  const o: RelayBenchOptions = { ...defaultRelayBenchOptions(), ...options };
  oursIo = null;
  const started = new Date();
  const t0 = Date.now();
  const dir = join(o.outRoot, `${timestamp(started)}-relay`);
  mkdirSync(dir, { recursive: true });
  const errors: string[] = [];
  const rtpengineBin = o.relays.includes('rtpengine') ? findRtpengine() : null;

  const total = o.modes.length * o.relays.length + (o.directBaseline ? 1 : 0) + (o.webrtcMs > 0 ? 1 : 0);
  const bar = new ProgressBar(total, process.stderr, o.progress);
  const { gen, info: generator } = startGenerator(o.generator, o.payload, o.generatorSockets, o.generatorThreads);
  if (generator.fallback !== null) {
    errors.push(generator.fallback);
    bar.note(`  ${generator.fallback}`);
  }
  const results: ModeResult[] = [];
  let direct: StepStats | null = null;
  const profiles: RelayProfile[] = [];
  let webrtc: WebrtcBaseline | null = null;
  try {
    if (o.directBaseline) {
      direct = await directLatency(gen, o);
      bar.tick('direct loopback latency');
    }
    for (const mode of o.modes) {
      for (const name of o.relays) {
        let relay: RelayUnderTest | null = null;
        try {
          relay = await startRelay(name, o, rtpengineBin);
          results.push(await rampMode(relay, gen, MODE_SPECS[mode], { ...o }, (line) => bar.note(`  ${line}`)));
        } catch (err) {
          const msg = `${name} ${mode}: ${(err as Error).message}`;
          errors.push(msg);
          bar.note(`  ERROR ${msg}`);
          await gen.reset().catch(() => undefined);
        } finally {
          await relay?.stop();
        }
        bar.tick(`${name} ${mode}`);
      }
    }
    const comparisons = compare(results, o.modes);
    if (o.profile !== 'never' && o.relays.includes('ours')) {
      // auto: where ours trails rtpengine, else the heaviest mode (recrypt) so the report
      // always says where the time goes.
      const trailing = comparisons.filter((c) => verdictOf(c) === '**MISSED**').map((c) => c.mode);
      const auto = trailing.length > 0 ? trailing : o.modes.includes('srtp-srtp') ? ['srtp-srtp'] : o.modes.slice(0, 1);
      for (const c of comparisons) {
        if (o.profile === 'auto' && !auto.includes(c.mode)) continue;
        const ours = results.find((r) => r.relay === 'ours' && r.mode === c.mode);
        const calls = ours?.best?.calls ?? o.steps[0];
        try {
          profiles.push(await profileMode(c.mode, calls, gen, o, dir));
          bar.note(`  profiled ours ${c.mode} at ${calls} calls`);
        } catch (err) {
          errors.push(`profile ${c.mode}: ${(err as Error).message}`);
        }
      }
    }
    if (o.webrtcMs > 0) {
      webrtc = await webrtcBaseline(o.webrtcMs);
      bar.tick('node-datachannel WebRTC baseline');
    }
  } finally {
    await gen.stop();
  }

  const results2: RelayBenchResults = {
    kind: 'relay-bench',
    startedAt: started.toISOString(),
    durationS: Math.round((Date.now() - t0) / 1000),
    machine: machineInfo(null),
    options: {
      steps: o.steps, warmupMs: o.warmupMs, measureMs: o.measureMs, drainMs: o.drainMs, threads: o.threads, modes: o.modes, relays: o.relays, io: o.io, payload: o.payload,
    },
    oursIo,
    loadAverage: os.loadavg(),
    generator,
    directLatency: direct,
    results,
    comparisons: compare(results, o.modes),
    profiles,
    webrtc,
    errors,
  };
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results2, null, 2)}\n`);
  writeCharts(dir, results2);
  writeFileSync(join(dir, 'report.md'), renderRelayReport(results2));
  if (o.benchmarksMd !== null) updateRelaySection(o.benchmarksMd, results2, relative(repoRoot(), dir));
  return { results: results2, dir };
}

/**
 * The soak instead of the ramp (run-soak-bench.ts): `modes` default to recrypt only (a soak per
 * mode takes its minutes twice), the rest as for the ramp.
 */
export function runRelaySoak(options: Partial<RelayBenchOptions>, soak: SoakBenchOptions): ReturnType<typeof runSoakBench> {
  const o: RelayBenchOptions = { ...defaultRelayBenchOptions(), modes: ['srtp-srtp'], ...options };
  oursIo = null;
  const rtpengineBin = o.relays.includes('rtpengine') ? findRtpengine() : null;
  return runSoakBench({
    modes: o.modes, relays: o.relays, threads: o.threads, drainMs: o.drainMs, outRoot: o.outRoot, benchmarksMd: o.benchmarksMd, progress: o.progress,
    ramp: { steps: o.steps, warmupMs: o.warmupMs, measureMs: o.measureMs, drainMs: o.drainMs, retryLossyStep: o.retryLossyStep },
    startRelay: (name) => startRelay(name, o, rtpengineBin),
    startGenerator: () => startGenerator(o.generator, o.payload, o.generatorSockets, o.generatorThreads),
  }, soak);
}

function number(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`${flag}: a number of at least ${min}`);
  return n;
}

function parseArgs(argv: readonly string[], soak: { -readonly [K in keyof SoakBenchOptions]: SoakBenchOptions[K] } & { on: boolean } = { ...defaultSoakOptions(), on: false }): Partial<RelayBenchOptions> {
  const o: { -readonly [K in keyof RelayBenchOptions]?: RelayBenchOptions[K] } = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = (): string => inline ?? argv[++i] ?? '';
    switch (flag) {
      case '--soak': soak.on = true; soak.minutes = number(flag, value(), 0.1); break;
      case '--soak-calls': soak.calls = number(flag, value(), 1); break;
      case '--rate-fraction': soak.rateFraction = number(flag, value(), 0.01); break;
      case '--soak-sample-s': soak.sampleS = number(flag, value(), 0.5); break;
      case '--soak-warmup-s': soak.warmupS = number(flag, value(), 0); break;
      case '--soak-window-s': soak.windowS = number(flag, value(), 1); break;
      case '--steps': o.steps = value().split(',').map(Number); break;
      case '--measure-ms': o.measureMs = Number(value()); break;
      case '--warmup-ms': o.warmupMs = Number(value()); break;
      case '--drain-ms': o.drainMs = Number(value()); break;
      case '--threads': o.threads = Number(value()); break;
      case '--modes': o.modes = value().split(',').filter(isBenchMode); break;
      case '--relays': o.relays = value().split(',').filter((r): r is RelayName => r === 'ours' || r === 'rtpengine'); break;
      case '--webrtc-ms': o.webrtcMs = Number(value()); break;
      case '--profile': {
        const p = value();
        if (p !== 'auto' && p !== 'always' && p !== 'never') throw new Error('--profile: auto, always or never');
        o.profile = p;
        break;
      }
      case '--out': o.outRoot = value(); break;
      case '--no-benchmarks-md': o.benchmarksMd = null; break;
      case '--no-progress': o.progress = false; break;
      case '--no-direct': o.directBaseline = false; break;
      case '--no-retry': o.retryLossyStep = false; break;
      case '--payload': o.payload = Number(value()); break;
      case '--port-range': o.portRange = parsePortRange(value()); break;
      case '--generator-sockets': {
        const k = Number(value());
        if (!Number.isInteger(k) || (k !== 0 && (k < 2 || k > 64 || k % 2 !== 0))) throw new Error('--generator-sockets: 0 (a socket per stream) or an even count from 2 to 64');
        o.generatorSockets = k;
        break;
      }
      case '--generator-threads': {
        const t = Number(value());
        if (!Number.isInteger(t) || t < 1 || t > 32) throw new Error('--generator-threads: 1 to 32 (at most half the shared sockets are used)');
        o.generatorThreads = t;
        break;
      }
      case '--io': {
        const v = value();
        if (!isIoBackendChoice(v)) throw new Error('--io: auto, native or dgram');
        o.io = v;
        break;
      }
      case '--generator': {
        const g = value();
        if (g !== 'native' && g !== 'node' && g !== 'auto') throw new Error('--generator: native, node or auto');
        o.generator = g;
        break;
      }
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return o;
}

/** The few lines printed at the end of a run. */
export function formatSummary(results: RelayBenchResults, dir: string): string {
  const lines = [`report: ${dir}/report.md`, `load generator: ${results.generator.kind}${results.generator.fallback === null ? '' : ` (${results.generator.fallback})`}`, `our packet I/O: ${results.oursIo ?? 'not run'} (asked: ${results.options.io}), RTP payload ${results.options.payload ?? 160} B`];
  for (const c of results.comparisons) {
    lines.push(`${c.mode.padEnd(12)} ours ${String(Math.round(c.ours ?? 0)).padStart(7)} pkt/s  rtpengine ${String(Math.round(c.rtpengine ?? 0)).padStart(7)} pkt/s  ratio ${c.ratio === null ? 'n/a' : c.ratio.toFixed(2)} (${c.ratioKind})  cpu µs/pkt at ${c.commonCalls ?? '-'} calls: ours ${c.oursCpuUsPerPacket?.toFixed(1) ?? 'n/a'}, rtpengine ${c.rtpengineCpuUsPerPacket?.toFixed(1) ?? 'n/a'}`);
  }
  for (const e of results.errors) lines.push(`error: ${e}`);
  return `${lines.join('\n')}\n`;
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const soak = { ...defaultSoakOptions(), on: false };
  const options = parseArgs(argv, soak);
  if (soak.on) {
    const { results, dir } = await runRelaySoak(options, soak);
    process.stdout.write(formatSoakSummary(results, dir));
    return;
  }
  const { results, dir } = await runRelayBench(options);
  process.stdout.write(formatSummary(results, dir));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench:relay failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  });
}

