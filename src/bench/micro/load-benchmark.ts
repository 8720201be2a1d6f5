/**
 * The `benchmark` package is a devDependency: a production install (`npm ci --omit=dev`) has
 * no harness, so it is loaded only when `bench micro` runs, with a message that says what to do.
 */
import type BenchmarkClass from 'benchmark';

export type BenchmarkConstructor = typeof BenchmarkClass;

export const BENCHMARK_MISSING =
  'bench micro needs the "benchmark" package, a devDependency of srtp-relay: run `npm install` (without --omit=dev) in the srtp-relay checkout';

function isModuleNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'MODULE_NOT_FOUND';
}

export async function loadBenchmark(): Promise<BenchmarkConstructor> {
  try {
    const mod = (await import('benchmark')) as unknown as { default?: BenchmarkConstructor } & BenchmarkConstructor;
    return mod.default ?? mod;
  } catch (err) {
    if (isModuleNotFound(err)) throw new Error(BENCHMARK_MISSING);
    throw err;
  }
}
