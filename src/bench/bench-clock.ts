/**
 * The clock of the SRTP benchmark runners, in seconds. Wall time by default; with
 * SRTP_BENCH_CLOCK=cpu the CPU time of this process (process.cpuUsage: user + system), which a
 * machine shared with other jobs perturbs far less: a descheduled run is not charged for the time
 * it waited. native-bench/bench_common.c reads the same variable (CLOCK_PROCESS_CPUTIME_ID), so
 * every implementation of one run uses the same kind of clock.
 */

/** Whether SRTP_BENCH_CLOCK asks for CPU time (read once per process). */
export const CPU_CLOCK = process.env.SRTP_BENCH_CLOCK === 'cpu';

/** Seconds on the benchmark clock; only differences between two readings mean anything. */
export function benchNow(): number {
  if (CPU_CLOCK) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
  return Number(process.hrtime.bigint()) / 1e9;
}
