/**
 * The benchmarks' optional npm peers (werift-rtp for the SRTP comparison, node-datachannel for
 * the WebRTC baseline) are devDependencies: a production install (`npm ci --omit=dev`) lacks
 * them. They load here, lazily, inside the function that needs them, so nothing else in the
 * product pulls them in, and their absence is a clear BENCH_ERR_PEER_MISSING, not a stack trace.
 */
import { BenchError } from './bench-errors';

/** `require(name)` for an optional peer, or BENCH_ERR_PEER_MISSING saying how to install it. */
export function loadOptionalPeer<T>(name: string, purpose: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name) as T;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== 'MODULE_NOT_FOUND' || !String((err as Error).message).includes(`'${name}'`)) throw err;
    throw new BenchError('BENCH_ERR_PEER_MISSING', `${name} is not installed (${purpose}); it is a devDependency: run \`npm install\` (or \`npm ci\`) in the repository`);
  }
}
