/**
 * Shared vocabulary of the SRTP benchmarks: which suites, sizes and implementations run, and
 * the one JSON shape every runner (TypeScript or native C) prints for a measurement.
 */
import type { ProfileName } from '../srtp/protection-profile';

export type BenchOp = 'protect' | 'unprotect';

/** ours: srtp-relay's engine; naive: node:crypto objects per packet; openssl/libsrtp: native-bench/. */
export type ImplName = 'ours' | 'werift' | 'naive' | 'openssl' | 'libsrtp';

export const IMPL_NAMES: readonly ImplName[] = Object.freeze(['ours', 'openssl', 'libsrtp', 'werift', 'naive']);

/** Every suite the engine offers with confidentiality (NULL profiles are not benchmarked). */
export const BENCH_SUITES: readonly ProfileName[] = Object.freeze([
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
  'AES_192_CM_HMAC_SHA1_80',
  'AES_192_CM_HMAC_SHA1_32',
  'AES_256_CM_HMAC_SHA1_80',
  'AES_256_CM_HMAC_SHA1_32',
  'AEAD_AES_128_GCM',
  'AEAD_AES_256_GCM',
]);

/** RTP payload bytes: a 20 ms G.711 frame and a typical video packet under the MTU. */
export const BENCH_SIZES: readonly number[] = Object.freeze([160, 1200]);

export const BENCH_OPS: readonly BenchOp[] = Object.freeze(['protect', 'unprotect']);

/** One measurement; the native programs print exactly this shape (plus `library`). */
export interface BenchSample {
  readonly impl: ImplName;
  readonly suite: ProfileName;
  /** RTP payload bytes (the packet adds a 12-byte header). */
  readonly payload: number;
  readonly op: BenchOp;
  /** Packets timed (warm-up excluded). */
  readonly packets: number;
  readonly seconds: number;
  readonly pps: number;
  /** Library and version behind the numbers, e.g. "OpenSSL 3.0.19". */
  readonly library?: string;
}

export interface BenchCase {
  readonly suite: ProfileName;
  readonly payload: number;
  readonly op: BenchOp;
  /** Packets to time; a warm-up of min(count/10, 20000) more runs first. */
  readonly count: number;
}

/** Start/stop a CPU profile around the timed loop only (used by the driver's profiling pass). */
export interface ProfileHooks {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface BenchRunner {
  readonly impl: ImplName;
  /** False where the implementation lacks the suite; the report shows n/a. */
  supports(suite: ProfileName): boolean;
  run(c: BenchCase, hooks?: ProfileHooks): Promise<BenchSample>;
}

/** Warm-up packets before timing, the same rule as native-bench/. */
export function warmupCount(count: number): number {
  return Math.min(Math.floor(count / 10), 20000);
}

/** Packets per unprotect batch: the sender protects a ring this size, untimed, between batches. */
export const UNPROTECT_RING = 1024;

export function sample(impl: ImplName, c: BenchCase, seconds: number, library: string): BenchSample {
  return {
    impl, suite: c.suite, payload: c.payload, op: c.op, packets: c.count, seconds,
    pps: seconds > 0 ? c.count / seconds : 0, library,
  };
}

/** Throws unless `value` has the BenchSample shape; used on native output and in the smoke test. */
export function assertBenchSample(value: unknown): asserts value is BenchSample {
  const v = value as Record<string, unknown> | null;
  const ok = v !== null && typeof v === 'object'
    && typeof v.impl === 'string' && (IMPL_NAMES as readonly string[]).includes(v.impl)
    && typeof v.suite === 'string' && (BENCH_SUITES as readonly string[]).includes(v.suite)
    && typeof v.payload === 'number' && Number.isInteger(v.payload) && v.payload > 0
    && (v.op === 'protect' || v.op === 'unprotect')
    && typeof v.packets === 'number' && v.packets > 0
    && typeof v.seconds === 'number' && v.seconds >= 0
    && typeof v.pps === 'number' && v.pps >= 0;
  if (!ok) throw new Error(`not a benchmark sample: ${JSON.stringify(value)}`);
}
