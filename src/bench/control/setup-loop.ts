/**
 * The timed loop shared by the call-setup benchmarks (ng and REST): `calls` call lifecycles,
 * `concurrency` in flight, after an untimed warm-up. Besides the rate it reads the relay
 * process's CPU time (all threads, /proc) around the timed part: on a shared machine the rate
 * moves with other load, the CPU milliseconds a call costs much less.
 */
import { cpuSeconds } from '../relay/proc-stats';

/** Untimed calls before each timed run: a fresh relay process is slower for its first few hundred (JIT, heap growth). */
export const WARMUP_CALLS = 300;

export interface SetupRateResult {
  readonly calls: number;
  readonly seconds: number;
  readonly callsPerSecond: number;
  /** Median and 99th percentile of one call's lifecycle, in ms. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU time of the relay process (every thread) per call, in ms; null when not measured. */
  readonly cpuMsPerCall: number | null;
}

export interface SetupLoopOptions {
  readonly calls: number;
  /** Calls in flight at once (a proxy or controller has many). */
  readonly concurrency: number;
  /** Untimed calls first (JIT, first allocations). */
  readonly warmup: number;
  /** Process whose CPU time is read around the timed part (the relay under test). */
  readonly pid?: number;
}

/** Run `oneCall(i, warm)` as the options say; a failed call fails the run. */
export async function runSetupLoop(o: SetupLoopOptions, oneCall: (i: number, warm: boolean) => Promise<void>): Promise<SetupRateResult> {
  for (let i = 0; i < o.warmup; i++) await oneCall(i, true);
  const durations: number[] = [];
  let next = 0;
  const cpu0 = o.pid === undefined ? null : cpuSeconds(o.pid);
  const start = process.hrtime.bigint();
  const lane = async (): Promise<void> => {
    while (next < o.calls) {
      const i = next++;
      const t0 = process.hrtime.bigint();
      await oneCall(i, false);
      durations.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, lane));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu1 = o.pid === undefined ? null : cpuSeconds(o.pid);
  durations.sort((a, b) => a - b);
  const at = (q: number): number => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))];
  return {
    calls: o.calls,
    seconds,
    callsPerSecond: o.calls / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    cpuMsPerCall: cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) * 1000) / o.calls,
  };
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
