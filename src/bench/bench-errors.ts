/**
 * Errors of the benchmarks (`srtp-relay bench`, `npm run bench:*`), built with the project's one
 * error factory (src/errors). A missing peer (rtpengine, the C toolchain, an optional npm
 * package) is never installed from here: the error says which command installs it.
 */
import { createErrorClass, defineErrorCatalog } from '../errors';

export const BENCH_ERRORS = defineErrorCatalog<'BENCH_ERR_PEER_MISSING' | 'BENCH_ERR_NATIVE_BUILD'>('BENCH_ERR_', {
  BENCH_ERR_PEER_MISSING: { statusCode: 503, message: 'a benchmark peer (rtpengine, an optional npm package) is not installed; the message names the command that installs it' },
  BENCH_ERR_NATIVE_BUILD: { statusCode: 500, message: 'native-bench/build.sh failed (missing C toolchain or headers: run bash scripts/install-bench-deps.sh)' },
});

export type BenchErrorCode = keyof typeof BENCH_ERRORS;

export class BenchError extends createErrorClass('BenchError', BENCH_ERRORS) {
  constructor(code: BenchErrorCode, message: string) {
    super(code, { message });
  }
}
