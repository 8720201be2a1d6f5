/**
 * `srtp-relay bench control`: the control plane and memory per call, srtp-relay (the built
 * `serve`, ng over UDP and the REST API) against Debian's rtpengine (userspace, installed by
 * scripts/install-rtpengine.sh) in one run:
 *
 * - call setup over ng (offer + answer + delete, SDES both sides; ng-setup-rate.ts), the same
 *   client against both relays, runs interleaved (ours, rtpengine, ours, ...) so both see the
 *   same background load; over REST for ours (rest-setup-rate.ts);
 * - resident memory per bridged SRTP call (memory-per-call.ts), each relay in a fresh process.
 *
 * Prints a table, writes bench-results/<time>-control/results.json and the "Control plane and
 * memory" section of BENCHMARKS.md (`--no-write` to skip). Never part of npm test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { machineInfo } from '../machine-info';
import { repoRoot } from '../repo-root';
import { findRtpengine, rtpengineVersion, RtpengineProcess } from '../relay/rtpengine-process';
import { controlSection, runRatio, summarize, updateControlSection, type ControlBenchResults } from './control-report';
import { measureMemoryPerCall, type MemoryResult } from './memory-per-call';
import { measureSetupRate } from './ng-setup-rate';
import { OurServe } from './our-serve';
import { RestClient } from './rest-client';
import { measureRestSetupRate } from './rest-setup-rate';
import type { SetupRateResult } from './setup-loop';

/**
 * Media ports above the kernel's ephemeral range (32768-60999 by default), where neither the
 * benchmark's own sockets nor the test suites' relay ranges (10000 up, test/helpers/port-ranges.ts)
 * nor bench:relay's land: an ng offer binds the ports it announces, so a port another process
 * holds would fail a call.
 */
const SETUP_PORT_BASE = 61000;
/** Media ports per relay in the set-up runs: ours from the base, rtpengine's the next block. */
const SETUP_PORTS_PER_RELAY = 2000;
const MEMORY_PORTS: [number, number] = [61000, 64799];

interface Options {
  readonly calls: number;
  readonly warmupCalls: number;
  readonly concurrency: number;
  readonly restConcurrency: number;
  readonly runs: number;
  readonly workers: number;
  readonly memoryCalls: number;
  readonly memorySettleS: number;
  readonly rtpengine: boolean;
  readonly rest: boolean;
  readonly restPerLeg: boolean;
  readonly memory: boolean;
  readonly write: boolean;
  readonly serve?: string;
  readonly logLevel: string;
  readonly profile?: string;
  readonly portBase: number;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
  return n;
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a non-negative integer');
  return n;
}

function line(name: string, r: SetupRateResult): string {
  return `  ${name.padEnd(26)} ${r.callsPerSecond.toFixed(0).padStart(6)} calls/s   cpu ${r.cpuMsPerCall === null ? 'n/a' : `${r.cpuMsPerCall.toFixed(2)} ms/call`}   p50 ${r.p50Ms.toFixed(2)} ms   p99 ${r.p99Ms.toFixed(2)} ms\n`;
}

async function setupRates(o: Options, rtpBin: string | null): Promise<Pick<ControlBenchResults, 'ngOurs' | 'ngRtpengine' | 'restOurs' | 'restPerLegOurs' | 'packetIo'>> {
  const ours = await OurServe.start({ workers: o.workers, portRange: [o.portBase, o.portBase + SETUP_PORTS_PER_RELAY - 1], logLevel: o.logLevel, ...(o.serve !== undefined ? { entry: resolve(o.serve) } : {}),
    ...(o.profile !== undefined ? { profileDir: resolve(o.profile) } : {}) });
  const rtp = rtpBin === null ? null : await RtpengineProcess.start(rtpBin, { threads: 2, portRange: [o.portBase + SETUP_PORTS_PER_RELAY, o.portBase + 2 * SETUP_PORTS_PER_RELAY - 1] }).catch(async (err: unknown) => {
    await ours.stop();
    throw err;
  });
  const api = new RestClient(ours.apiUrl, ours.token, o.restConcurrency);
  process.stdout.write(`srtp-relay packet I/O: ${ours.packetIo}\n`);
  const ngOurs: SetupRateResult[] = [];
  const ngRtpengine: SetupRateResult[] = [];
  const restOurs: SetupRateResult[] = [];
  const restPerLegOurs: SetupRateResult[] = [];
  try {
    // Steady state, not start-up: a relay runs for months, and the first few thousand calls of a
    // fresh Node process run in the interpreter and baseline JIT tiers while TurboFan catches up
    // (2000-call runs right after start read 540 calls/s where a warm process does 1000+). Each
    // flow runs untimed at its own concurrency first, rtpengine too, so both are measured warm.
    if (o.warmupCalls > 0) {
      process.stdout.write(`warm-up: ${o.warmupCalls} untimed calls per flow and relay\n`);
      await measureSetupRate(ours.ng, { calls: o.warmupCalls, concurrency: o.concurrency }, 'warmours');
      if (rtp !== null) await measureSetupRate(rtp.ng, { calls: o.warmupCalls, concurrency: o.concurrency }, 'warmrtpengine');
      if (o.rest && o.restPerLeg) await measureRestSetupRate(api, { calls: o.warmupCalls, concurrency: o.restConcurrency, flow: 'per-leg' }, 'warmrestlegs');
      if (o.rest) await measureRestSetupRate(api, { calls: o.warmupCalls, concurrency: o.restConcurrency, flow: 'one-request' }, 'warmrest');
    }
    for (let run = 1; run <= o.runs; run++) {
      process.stdout.write(`run ${run} of ${o.runs} (load ${os.loadavg()[0].toFixed(2)}):\n`);
      const a = await measureSetupRate(ours.ng, { calls: o.calls, concurrency: o.concurrency, pid: ours.pid }, `ours${run}`);
      ngOurs.push(a);
      process.stdout.write(line('ng srtp-relay', a));
      if (rtp !== null) {
        const b = await measureSetupRate(rtp.ng, { calls: o.calls, concurrency: o.concurrency, pid: rtp.pid }, `rtpengine${run}`);
        ngRtpengine.push(b);
        process.stdout.write(line('ng rtpengine', b));
      }
      if (o.rest) {
        // The 4-request flow first: it warms the code both flows share (JIT), so the goal's
        // figure, the call created with its legs, is not the one that pays for it in run 1.
        if (o.restPerLeg) {
          const d = await measureRestSetupRate(api, { calls: o.calls, concurrency: o.restConcurrency, pid: ours.pid, flow: 'per-leg' }, `restlegs${run}`);
          restPerLegOurs.push(d);
          process.stdout.write(line('REST per leg srtp-relay', d));
        }
        const c = await measureRestSetupRate(api, { calls: o.calls, concurrency: o.restConcurrency, pid: ours.pid, flow: 'one-request' }, `rest${run}`);
        restOurs.push(c);
        process.stdout.write(line('REST srtp-relay', c));
      }
    }
  } finally {
    api.close();
    await ours.stop();
    await rtp?.stop();
  }
  return { ngOurs, ngRtpengine, restOurs, restPerLegOurs, packetIo: ours.packetIo };
}

async function memory(o: Options, rtpBin: string | null): Promise<Pick<ControlBenchResults, 'memoryOurs' | 'memoryRtpengine'>> {
  const options = { calls: o.memoryCalls, packets: 5, settleMs: o.memorySettleS * 1000 };
  const ours = await OurServe.start({ workers: o.workers, portRange: MEMORY_PORTS, ...(o.serve !== undefined ? { entry: resolve(o.serve) } : {}) });
  let memoryOurs: MemoryResult;
  try {
    memoryOurs = await measureMemoryPerCall(ours.ng, ours.pid, { ...options, flags: ['recrypt'] });
  } finally {
    await ours.stop();
  }
  process.stdout.write(`  memory srtp-relay: ${memoryOurs.perCallKiB.toFixed(1)} KiB per bridged SRTP call (${memoryOurs.verifiedPhones} of ${memoryOurs.phones} phones got authentic media)\n`);
  let memoryRtpengine: MemoryResult | null = null;
  if (rtpBin !== null) {
    const rtp = await RtpengineProcess.start(rtpBin, { threads: 2, portRange: MEMORY_PORTS });
    try {
      memoryRtpengine = await measureMemoryPerCall(rtp.ng, rtp.pid, { ...options, flags: [] });
    } finally {
      await rtp.stop();
    }
    process.stdout.write(`  memory rtpengine: ${memoryRtpengine.perCallKiB.toFixed(1)} KiB per bridged SRTP call (${memoryRtpengine.verifiedPhones} of ${memoryRtpengine.phones} phones got authentic media)\n`);
  }
  return { memoryOurs, memoryRtpengine };
}

export function registerControlBenchCommand(bench: Command): void {
  bench
    .command('control')
    .description('call-setup rate over ng and REST, CPU per call, and RSS per bridged SRTP call: srtp-relay and rtpengine')
    .option('--calls <n>', 'calls timed per run and relay', positiveInt, 4000)
    .option('--warmup-calls <n>', 'untimed calls per flow and relay before the first run, at the timed concurrency (JIT warm-up; 0: none)', nonNegativeInt, 4000)
    .option('--concurrency <n>', 'ng calls in flight at once', positiveInt, 8)
    .option('--rest-concurrency <n>', 'REST calls in flight at once (one keep-alive connection each)', positiveInt, 32)
    .option('--runs <n>', 'runs per figure (median)', positiveInt, 3)
    .option('--workers <n>', 'media worker threads of our relay', positiveInt, 1)
    .option('--memory-calls <n>', 'calls per batch in the memory measurement (two batches)', positiveInt, 400)
    .option('--memory-settle-s <s>', 'each RSS reading of the memory measurement is the lowest over this many seconds (V8 returns set-up garbage some 10-25 s after it)', positiveInt, 40)
    .option('--no-rtpengine', 'measure srtp-relay only')
    .option('--no-rest', 'skip the REST flows')
    .option('--no-rest-per-leg', 'skip the 4-request REST flow (call, leg, leg, delete); the 2-request one (call with its legs, delete) still runs')
    .option('--no-memory', 'skip the memory measurement')
    .option('--serve <main.js>', 'the srtp-relay CLI entry to measure (another build, for before/after comparisons; default this checkout\'s dist/cli/main.js)')
    .option('--log-level <level>', 'our relay\'s log level (serve\'s default is info)', 'warn')
    .option('--profile <dir>', 'write V8 CPU profiles of our serve process (main thread and each media worker, warm-up included) into <dir> at its exit')
    .option('--port-base <port>', `first media port of the set-up runs (ours, then rtpengine, ${SETUP_PORTS_PER_RELAY} each); move it when another run holds the default range`, positiveInt, SETUP_PORT_BASE)
    .option('--no-write', 'do not write bench-results/ and BENCHMARKS.md')
    .action(async (o: Options) => {
      if (o.memoryCalls * 2 * 4 + 400 > MEMORY_PORTS[1] - MEMORY_PORTS[0] + 1) throw new InvalidArgumentError(`--memory-calls: at most ${Math.floor((MEMORY_PORTS[1] - MEMORY_PORTS[0] - 399) / 8)} (media ports ${MEMORY_PORTS.join('-')})`);
      const startedAt = new Date().toISOString();
      const loadBefore = os.loadavg()[0];
      const rtpBin = o.rtpengine ? findRtpengine() : null;
      process.stdout.write(`call setup: ${o.calls} calls per run, ng ${o.concurrency} in flight, REST ${o.restConcurrency} in flight, ${o.runs} runs\n`);
      const rates = await setupRates(o, rtpBin);
      const mem = o.memory ? await memory(o, rtpBin) : { memoryOurs: null, memoryRtpengine: null };
      const results: ControlBenchResults = {
        startedAt, machine: machineInfo(null), rtpengine: rtpBin === null ? null : `rtpengine ${rtpengineVersion()}`,
        loadBefore, loadAfter: os.loadavg()[0],
        options: { calls: o.calls, warmupCalls: o.warmupCalls, ngConcurrency: o.concurrency, restConcurrency: o.restConcurrency, runs: o.runs, workers: o.workers, memoryCalls: o.memoryCalls, logLevel: o.logLevel },
        ...rates, ...mem,
      };
      const ngOurs = summarize(results.ngOurs);
      const ngRtp = summarize(results.ngRtpengine);
      const rest = summarize(results.restOurs);
      const restPerLeg = summarize(results.restPerLegOurs ?? []);
      process.stdout.write('medians:\n');
      if (ngOurs !== null) process.stdout.write(`  ng srtp-relay ${ngOurs.rate.toFixed(0)} calls/s, ${ngOurs.cpuMs?.toFixed(2) ?? 'n/a'} ms CPU/call\n`);
      if (ngRtp !== null) process.stdout.write(`  ng rtpengine  ${ngRtp.rate.toFixed(0)} calls/s, ${ngRtp.cpuMs?.toFixed(2) ?? 'n/a'} ms CPU/call\n`);
      if (ngOurs !== null && ngRtp !== null) process.stdout.write(`  ng ours/rtpengine ${runRatio(ngOurs, ngRtp).toFixed(2)} (median of per-run ratios)\n`);
      if (rest !== null) process.stdout.write(`  REST srtp-relay ${rest.rate.toFixed(0)} calls/s, ${rest.cpuMs?.toFixed(2) ?? 'n/a'} ms CPU/call\n`);
      if (restPerLeg !== null) process.stdout.write(`  REST per leg srtp-relay ${restPerLeg.rate.toFixed(0)} calls/s, ${restPerLeg.cpuMs?.toFixed(2) ?? 'n/a'} ms CPU/call\n`);
      if (!o.write) return;
      const root = repoRoot();
      const dir = join(root, 'bench-results', `${startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}-control`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
      updateControlSection(join(root, 'BENCHMARKS.md'), controlSection(results, relative(root, dir)));
      process.stdout.write(`wrote ${relative(root, dir)}/results.json and BENCHMARKS.md (Control plane and memory)\n`);
    });
}
