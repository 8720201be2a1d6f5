/**
 * The "Control plane and memory" section of BENCHMARKS.md (between its own markers, so the
 * other sections survive), from one `srtp-relay bench control` run: call-setup rates over ng
 * (ours and rtpengine, same client) and over REST (ours; rtpengine has none), CPU per call,
 * and resident memory per bridged SRTP call, each with ours/rtpengine and the issue-13 goals.
 */
import { replaceMarkedSection } from '../benchmarks-md';
import { machineMarkdown, type MachineInfo } from '../machine-info';
import type { MemoryResult } from './memory-per-call';
import { median, type SetupRateResult } from './setup-loop';

export const CONTROL_START = '<!-- bench:control:start -->';
export const CONTROL_END = '<!-- bench:control:end -->';

/** Goals (issue 13): ng setup at least rtpengine's; REST at least this many calls/s; RSS per bridged SRTP call at most this. */
export const REST_CALLS_PER_SECOND_GOAL = 2000;
export const RSS_PER_CALL_GOAL_KIB = 64;

export interface ControlBenchResults {
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly rtpengine: string | null;
  /** 1-minute load average before and after the run (other processes share the CPUs). */
  readonly loadBefore: number;
  readonly loadAfter: number;
  readonly options: { readonly calls: number; readonly warmupCalls?: number; readonly ngConcurrency: number; readonly restConcurrency: number; readonly runs: number; readonly workers: number; readonly memoryCalls: number; readonly logLevel: string };
  readonly ngOurs: readonly SetupRateResult[];
  readonly ngRtpengine: readonly SetupRateResult[];
  /** REST, the call created with its two legs in one request, then DELETE (2 requests per call). */
  readonly restOurs: readonly SetupRateResult[];
  /** REST, the call then each leg on its own, then DELETE (4 requests per call); absent in older results. */
  readonly restPerLegOurs?: readonly SetupRateResult[];
  readonly memoryOurs: MemoryResult | null;
  readonly memoryRtpengine: MemoryResult | null;
  /** Our serve's packet I/O backend as its /healthz reports it; absent in older results. */
  readonly packetIo?: string;
}

interface Summary {
  readonly rate: number;
  readonly rates: readonly number[];
  readonly cpuMs: number | null;
  readonly p50: number;
  readonly p99: number;
}

export function summarize(runs: readonly SetupRateResult[]): Summary | null {
  if (runs.length === 0) return null;
  const cpu = runs.map((r) => r.cpuMsPerCall).filter((v): v is number => v !== null);
  return {
    rate: median(runs.map((r) => r.callsPerSecond)),
    rates: runs.map((r) => r.callsPerSecond),
    cpuMs: cpu.length === 0 ? null : median(cpu),
    p50: median(runs.map((r) => r.p50Ms)),
    p99: median(runs.map((r) => r.p99Ms)),
  };
}

const f0 = (v: number): string => v.toFixed(0);
const f2 = (v: number): string => v.toFixed(2);
const verdict = (ok: boolean): string => (ok ? 'met' : '**MISSED**');

/**
 * ours/rtpengine per run, then the median: the runs are interleaved, so each run's pair saw the
 * same background load, while the two medians taken apart may come from different moments.
 */
export function runRatio(ours: Summary, theirs: Summary): number {
  if (ours.rates.length !== theirs.rates.length) return ours.rate / theirs.rate;
  return median(ours.rates.map((r, i) => r / theirs.rates[i]));
}

function rateRow(flow: string, relay: string, s: Summary | null, vs: Summary | null): string {
  if (s === null) return `| ${flow} | ${relay} | not run | | | | |`;
  const ratio = vs === null ? 'n/a' : `${f2(runRatio(s, vs))} (${s.rates.map((r, i) => f2(r / (vs.rates[i] ?? vs.rate))).join(', ')})`;
  const cpuRatio = vs === null || s.cpuMs === null || vs.cpuMs === null ? '' : ` (${f2(s.cpuMs / vs.cpuMs)}×)`;
  return `| ${flow} | ${relay} | ${f0(s.rate)} (${s.rates.map(f0).join(', ')}) | ${s.cpuMs === null ? 'n/a' : f2(s.cpuMs)}${cpuRatio} | ${f2(s.p50)} / ${f2(s.p99)} | ${ratio} |`;
}

function memoryRow(relay: string, m: MemoryResult | null): string {
  if (m === null) return `| ${relay} | not run | | | | | | |`;
  return `| ${relay} | ${m.calls} + ${m.calls} | ${m.idleKiB} | ${m.afterFirstKiB} | ${m.afterSecondKiB} | **${m.perCallKiB.toFixed(1)}** (first batch ${m.firstBatchPerCallKiB.toFixed(1)}, second ${m.secondBatchPerCallKiB.toFixed(1)}) | ${m.afterDeleteKiB} | ${m.verifiedPhones} of ${m.phones} |`;
}

export function controlSection(r: ControlBenchResults, runDir: string): string {
  const ngOurs = summarize(r.ngOurs);
  const ngRtp = summarize(r.ngRtpengine);
  const rest = summarize(r.restOurs);
  const restPerLeg = summarize(r.restPerLegOurs ?? []);
  const goals: string[] = [];
  if (ngOurs !== null && ngRtp !== null) {
    const ratio = runRatio(ngOurs, ngRtp);
    const cpu = ngOurs.cpuMs !== null && ngRtp.cpuMs !== null ? `; CPU per call ours/rtpengine ${f2(ngOurs.cpuMs / ngRtp.cpuMs)}` : '';
    goals.push(`- ng call setup ≥ rtpengine: ours/rtpengine ${f2(ratio)} (median of the per-run ratios of calls/s${cpu}) — ${verdict(ratio >= 1)}`);
  }
  if (rest !== null) goals.push(`- REST ≥ ${REST_CALLS_PER_SECOND_GOAL} calls/s with 2 legs each: ${f0(rest.rate)} — ${verdict(rest.rate >= REST_CALLS_PER_SECOND_GOAL)}`);
  if (r.memoryOurs !== null) {
    const vs = r.memoryRtpengine === null ? '' : `, ours/rtpengine ${f2(r.memoryOurs.perCallKiB / r.memoryRtpengine.perCallKiB)}`;
    goals.push(`- RSS per bridged SRTP call ≤ ${RSS_PER_CALL_GOAL_KIB} KiB: ${r.memoryOurs.perCallKiB.toFixed(1)} KiB${vs} — ${verdict(r.memoryOurs.perCallKiB <= RSS_PER_CALL_GOAL_KIB)}`);
  }
  const o = r.options;
  return [
    CONTROL_START,
    '## Control plane and memory (`srtp-relay bench control`)',
    '',
    `Latest run: ${r.startedAt}, ${o.runs} runs per figure (median; each run's value in brackets), ours and rtpengine interleaved run by run. Load average (1 min) ${r.loadBefore.toFixed(2)} before, ${r.loadAfter.toFixed(2)} after, on ${r.machine.cores} cores${r.loadBefore > r.machine.cores / 2 || r.loadAfter > r.machine.cores / 2 ? ': other processes shared the CPUs, **rates are noisy; CPU ms per call is the steadier figure**' : ''}. JSON: \`${runDir}/results.json\` (not committed).`,
    '',
    machineMarkdown(r.machine),
    `| rtpengine | ${r.rtpengine ?? 'not run'} (userspace, 2 threads) |`,
    `| srtp-relay | the built \`serve\`, ${o.workers} media worker(s), log level ${o.logLevel}, packet I/O ${r.packetIo ?? 'not recorded'} |`,
    '',
    '### Goals (issue 13)',
    '',
    ...goals,
    '',
    '### Call setup',
    '',
    `${o.calls} calls per run, after ${o.warmupCalls ?? 0} untimed calls per flow and relay at the same concurrency (a long-running relay is measured warm: a fresh Node process runs its first thousands of calls before TurboFan has optimised them). ng: offer + answer + delete per call, SDES on both sides, ${o.ngConcurrency} calls in flight, the product's NgClient against both relays. REST: a call with two SDES legs (each with the phone's a=crypto; the relay answers each with its own key and bridges them in recrypt), then \`DELETE\`, over keep-alive HTTP/1.1, ${o.restConcurrency} in flight: \`POST /v1/calls\` with \`legs\` (2 requests per call; the goal's figure), and per leg, \`POST /v1/calls\` then \`POST .../legs\` twice (4 requests per call); rtpengine has no REST API, so the ratio is against its ng rate. CPU: the relay process's CPU time (all threads, /proc) over the timed calls.`,
    '',
    '| flow | relay | calls/s, median (per run) | CPU ms per call (ours/rtpengine) | latency p50 / p99 ms | ours/rtpengine calls/s, median of runs (per run) |',
    '|---|---|---:|---:|---:|---:|',
    rateRow('ng', 'srtp-relay', ngOurs, ngRtp),
    rateRow('ng', 'rtpengine', ngRtp, null),
    rateRow('REST (call with legs + delete)', 'srtp-relay', rest, ngRtp),
    ...(restPerLeg === null ? [] : [rateRow('REST per leg (call, 2 legs, delete)', 'srtp-relay', restPerLeg, ngRtp)]),
    '',
    '### Memory per bridged SRTP call',
    '',
    `Two batches of ${o.memoryCalls} SRTP → SRTP calls (the relay bench's srtp-srtp: AES_CM_128_HMAC_SHA1_80 from A, the relay's own AES_CM_128_HMAC_SHA1_32 toward B, unprotect + re-protect both ways; ours with the \`recrypt\` ng flag), set up over ng, each phone sending 5 SRTP packets through the relay. RSS per call = growth from idle to after both batches / all calls: one-time growth is included, so it is an upper bound, taken because the second batch's growth alone depends on when V8 gives set-up garbage back (it can read near zero or above the first batch's), while a malloc-based relay's does not; both batch figures are in brackets. Each reading is the lowest over \`--memory-settle-s\` seconds (default 40). Process RSS (VmRSS, all threads), KiB.`,
    '',
    '| relay | calls | idle | after batch 1 | after batch 2 | RSS per call KiB | after deleting all | phones that got authentic media |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    memoryRow('srtp-relay', r.memoryOurs),
    memoryRow('rtpengine', r.memoryRtpengine),
    CONTROL_END,
  ].join('\n');
}

export function updateControlSection(file: string, section: string): void {
  replaceMarkedSection(file, CONTROL_START, CONTROL_END, section);
}
