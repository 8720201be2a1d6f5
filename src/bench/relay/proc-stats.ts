/**
 * CPU time and resident memory of a process from /proc (Linux): utime + stime of all its
 * threads (/proc/<pid>/stat fields 14 and 15, in clock ticks) and VmRSS (/proc/<pid>/status).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicks: number | null = null;

function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds used so far by process `pid` (all threads), or null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after it follow the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return (utime + stime) / ticksPerSecond();
  } catch {
    return null;
  }
}

/** Resident set size of `pid` in KiB, or null when it is gone. */
export function rssKiB(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** CPU used by a set of processes between `begin()` and `end()`, in cores (1.0 = one core busy). */
export class CpuWindow {
  private start = new Map<number, number>();
  private startedAt = 0;

  begin(pids: readonly number[]): void {
    this.startedAt = performance.now();
    this.start = new Map(pids.map((p) => [p, cpuSeconds(p) ?? 0]));
  }

  end(): Map<number, number> {
    const wall = (performance.now() - this.startedAt) / 1000;
    const out = new Map<number, number>();
    for (const [pid, s0] of this.start) {
      const s1 = cpuSeconds(pid);
      out.set(pid, s1 === null || wall <= 0 ? 0 : (s1 - s0) / wall);
    }
    return out;
  }
}
