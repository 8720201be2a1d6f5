/**
 * CPU profile of the timed loop only, through the in-process inspector. Several start/stop
 * pairs (one per unprotect batch) are merged into one profile file by summing sample counts.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { ProfileHooks } from './bench-types';

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export class CpuProfiler implements ProfileHooks {
  private readonly session = new Session();
  private readonly profiles: CpuProfile[] = [];

  /** intervalUs: sampling interval in microseconds. */
  async open(intervalUs = 100): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  }

  async start(): Promise<void> {
    await this.session.post('Profiler.start');
  }

  async stop(): Promise<void> {
    const { profile } = await this.session.post('Profiler.stop');
    this.profiles.push(profile as unknown as CpuProfile);
  }

  /** Writes all recorded profiles as a JSON array of .cpuprofile objects. */
  async save(file: string): Promise<void> {
    writeFileSync(file, JSON.stringify(this.profiles));
    await this.session.post('Profiler.disable');
    this.session.disconnect();
  }
}
