/**
 * `srtp-relay bench micro`: the engine's primitives and per-packet operations timed with the
 * `benchmark` package (Benchmark.js), which repeats each operation in cycles until its
 * statistics settle and reports ops/s with the relative margin of error at 95% confidence.
 * Cases run one at a time, synchronously, in this process: a micro benchmark for comparing
 * engine changes, not a substitute for `bench srtp` (isolated, pinned runs against OpenSSL,
 * libsrtp and werift).
 */
import { loadBenchmark } from './load-benchmark';
import { microCases, type MicroCaseSpec } from './micro-cases';

export interface MicroBenchOptions {
  /** Seconds Benchmark.js may spend on a case (its `maxTime`); default 1. */
  readonly maxTime: number;
  /** Fewest timed cycles per case (its `minSamples`); default 5. */
  readonly minSamples: number;
  /** Seconds one timed cycle must at least last (its `minTime`); default Benchmark.js's own. */
  readonly minTime?: number;
  /** Only cases whose name contains this (case-insensitive). */
  readonly filter?: string;
  /** Called with each result as it is measured. */
  readonly onResult?: (r: MicroResult) => void;
}

export interface MicroResult {
  readonly name: string;
  /** Operations per second (mean over the samples). */
  readonly hz: number;
  /** Relative margin of error of the mean, in percent (95% confidence). */
  readonly rme: number;
  /** Timed cycles the statistics come from. */
  readonly samples: number;
  /** Mean nanoseconds per operation. */
  readonly meanNs: number;
}

export interface MicroBenchReport {
  readonly node: string;
  readonly openssl: string;
  readonly results: MicroResult[];
}

export const DEFAULT_MICRO_OPTIONS: MicroBenchOptions = { maxTime: 1, minSamples: 5 };

export function selectMicroCases(filter: string | undefined): MicroCaseSpec[] {
  const all = microCases();
  if (filter === undefined || filter === '') return all;
  const f = filter.toLowerCase();
  return all.filter((c) => c.name.toLowerCase().includes(f));
}

export async function runMicroBench(options: MicroBenchOptions = DEFAULT_MICRO_OPTIONS): Promise<MicroBenchReport> {
  const Benchmark = await loadBenchmark();
  const specs = selectMicroCases(options.filter);
  if (specs.length === 0) throw new Error(`no micro benchmark case matches "${options.filter ?? ''}"`);
  const results: MicroResult[] = [];
  for (const spec of specs) {
    const c = spec.setup();
    try {
      c.fn(); // a failing operation throws here, before any timing
      const bench = new Benchmark(spec.name, c.fn, {
        maxTime: options.maxTime,
        minSamples: options.minSamples,
        ...(options.minTime !== undefined ? { minTime: options.minTime } : {}),
      });
      bench.run({ async: false });
      if (bench.error !== undefined) throw bench.error;
      const r: MicroResult = {
        name: spec.name,
        hz: bench.hz,
        rme: bench.stats.rme,
        samples: bench.stats.sample.length,
        meanNs: bench.stats.mean * 1e9,
      };
      results.push(r);
      options.onResult?.(r);
    } finally {
      c.close();
    }
  }
  return { node: process.versions.node, openssl: process.versions.openssl, results };
}

function groupDigits(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** One result as Benchmark.js prints its own: `name x 1,234,567 ops/sec ±0.84% (91 runs sampled)`, plus ns/op. */
export function formatMicroResult(r: MicroResult): string {
  return `${r.name.padEnd(44)} ${groupDigits(r.hz).padStart(12)} ops/s ±${r.rme.toFixed(2).padStart(5)}% ${String(r.samples).padStart(4)} samples ${r.meanNs.toFixed(0).padStart(7)} ns/op`;
}
