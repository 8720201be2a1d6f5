/**
 * `npm run bench:relay -- --soak <minutes>`: each relay in each chosen mode held at a fixed
 * number of calls for minutes, RSS sampled throughout (soak.ts). The call count is
 * `--soak-calls`, or `--rate-fraction` (default 0.8) of the zero-loss calls a ramp on a fresh
 * relay finds just before (the usual `--steps`). Writes bench-results/<timestamp>-soak/results.json
 * and the "Relay soak" section of BENCHMARKS.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { machineInfo } from '../machine-info';
import { repoRoot } from '../repo-root';
import { MODE_SPECS, type BenchMode } from './bench-modes';
import type { GeneratorHandle } from './generator-client';
import { rampMode, type RampOptions } from './ramp';
import type { GeneratorInfo } from './relay-results';
import type { RelayName, RelayUnderTest } from './relay-under-test';
import { soakMode, type SoakResult } from './soak';
import { updateSoakSection, type SoakBenchResults } from './soak-report';

export interface SoakBenchOptions {
  readonly minutes: number;
  /** Share of the ramp's zero-loss calls to hold (when `calls` is null). */
  readonly rateFraction: number;
  /** Calls to hold; null: rateFraction of a ramp's zero-loss calls. */
  readonly calls: number | null;
  readonly sampleS: number;
  /** Left out of the slope; null: a fifth of the run. */
  readonly warmupS: number | null;
  readonly windowS: number;
}

/** What the relay benchmark's runner lends the soak (run-relay-bench.ts): its options and how it starts things. */
export interface SoakHost {
  readonly modes: readonly BenchMode[];
  readonly relays: readonly RelayName[];
  readonly threads: number;
  readonly drainMs: number;
  readonly outRoot: string;
  readonly benchmarksMd: string | null;
  readonly progress: boolean;
  /** The ramp that finds the zero-loss calls (its steps, windows, retry). */
  readonly ramp: RampOptions;
  startRelay(name: RelayName): Promise<RelayUnderTest>;
  startGenerator(): { gen: GeneratorHandle; info: GeneratorInfo };
}

export function defaultSoakOptions(): SoakBenchOptions {
  return { minutes: 10, rateFraction: 0.8, calls: null, sampleS: 5, warmupS: null, windowS: 20 };
}

function stamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

export async function runSoakBench(o: SoakHost, soak: SoakBenchOptions): Promise<{ results: SoakBenchResults; dir: string }> {
  const started = new Date();
  const dir = join(o.outRoot, `${stamp(started)}-soak`);
  mkdirSync(dir, { recursive: true });
  const say = (line: string): void => {
    if (o.progress) process.stderr.write(`${line}\n`);
  };
  const { gen, info } = o.startGenerator();
  const durationMs = soak.minutes * 60_000;
  const warmupS = soak.warmupS ?? Math.round(soak.minutes * 12);
  const results: SoakResult[] = [];
  const errors: string[] = info.fallback === null ? [] : [info.fallback];
  try {
    for (const mode of o.modes) {
      const spec = MODE_SPECS[mode];
      for (const name of o.relays) {
        let relay: RelayUnderTest | null = null;
        try {
          let calls = soak.calls;
          let callsFrom = '--soak-calls';
          if (calls === null) {
            relay = await o.startRelay(name);
            const ramp = await rampMode(relay, gen, spec, o.ramp, (line) => say(`  ramp: ${line}`));
            await relay.stop();
            relay = null;
            if (ramp.best === null) throw new Error(`the ramp found no zero-loss step (${ramp.limitDetail})`);
            calls = Math.max(1, Math.round(ramp.best.calls * soak.rateFraction));
            callsFrom = `${Math.round(soak.rateFraction * 100)} % of ${ramp.best.calls}, the ramp's zero-loss calls${ramp.limit === 'loss' ? '' : ` (ramp ended by ${ramp.limit}: ${ramp.limitDetail})`}`;
          }
          relay = await o.startRelay(name);
          say(`${name} ${mode}: soak at ${calls} calls for ${soak.minutes} min`);
          const r = await soakMode(relay, gen, spec, {
            calls, callsFrom, durationMs, windowMs: soak.windowS * 1000, drainMs: o.drainMs, sampleMs: soak.sampleS * 1000, warmupMs: warmupS * 1000,
          }, (line) => say(`  ${line}`));
          results.push(r);
          say(`${name} ${mode}: RSS slope ${r.slopeKiBPerMin?.toFixed(1) ?? 'n/a'} KiB/min after ${Math.round(r.warmupS)} s (${r.rssStartKiB ?? '?'} -> ${r.rssEndKiB ?? '?'} KiB), ${r.lost} of ${r.sent} lost`);
        } catch (err) {
          const msg = `${name} ${mode}: ${(err as Error).message}`;
          errors.push(msg);
          say(`  ERROR ${msg}`);
          await gen.reset().catch(() => undefined);
        } finally {
          await relay?.stop();
        }
      }
    }
  } finally {
    await gen.stop();
  }
  const out: SoakBenchResults = {
    kind: 'relay-soak',
    startedAt: started.toISOString(),
    machine: machineInfo(null),
    loadAverage: os.loadavg(),
    generator: info.kind,
    options: { minutes: soak.minutes, rateFraction: soak.rateFraction, threads: o.threads, sampleS: soak.sampleS, warmupS, windowS: soak.windowS },
    results,
    errors,
  };
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(out, null, 2)}\n`);
  if (o.benchmarksMd !== null) updateSoakSection(o.benchmarksMd, out, relative(repoRoot(), dir));
  return { results: out, dir };
}

/** The lines printed at the end of a soak run. */
export function formatSoakSummary(r: SoakBenchResults, dir: string): string {
  const lines = [`results: ${dir}/results.json`];
  for (const s of r.results) {
    lines.push(`${s.mode.padEnd(12)} ${s.relay.padEnd(9)} ${s.calls} calls ${(s.durationS / 60).toFixed(1)} min: RSS slope ${s.slopeKiBPerMin?.toFixed(1) ?? 'n/a'} KiB/min after ${Math.round(s.warmupS)} s (${s.rssStartKiB ?? '?'} -> ${s.rssEndKiB ?? '?'} KiB, range ${s.rangeAfterWarmupKiB ?? '?'}), loss ${s.lossPct.toFixed(4)} %`);
  }
  for (const e of r.errors) lines.push(`error: ${e}`);
  return `${lines.join('\n')}\n`;
}
