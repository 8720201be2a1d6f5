/**
 * The native programs of native-bench/ (OpenSSL EVP and Debian's libsrtp2), built on demand with
 * native-bench/build.sh and run as child processes. They inherit this process's CPU affinity, so
 * the driver's pinning applies to them too.
 */
import { BenchError } from './bench-errors';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ProfileName } from '../srtp/protection-profile';
import { assertBenchSample } from './bench-types';
import type { BenchCase, BenchRunner, BenchSample, ImplName } from './bench-types';
import { repoRoot } from './repo-root';

const execFileAsync = promisify(execFile);

const PROGRAMS: Record<'openssl' | 'libsrtp', string> = { openssl: 'openssl_srtp', libsrtp: 'libsrtp_bench' };

export function nativeBenchDir(): string {
  return join(repoRoot(), 'native-bench');
}

export function nativeProgram(impl: 'openssl' | 'libsrtp'): string {
  return join(nativeBenchDir(), 'build', PROGRAMS[impl]);
}

/**
 * Runs native-bench/build.sh unless both programs exist (force: always). It installs nothing;
 * a missing toolchain is BENCH_ERR_NATIVE_BUILD with build.sh's message (which names the installer).
 */
export function buildNative(force = false): void {
  if (!force && existsSync(nativeProgram('openssl')) && existsSync(nativeProgram('libsrtp'))) return;
  try {
    execFileSync('bash', [join(nativeBenchDir(), 'build.sh'), '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new BenchError('BENCH_ERR_NATIVE_BUILD', `native-bench/build.sh failed: ${(e.stderr ?? e.message).trim().split('\n').slice(-3).join(' ')}`);
  }
}

/** Runs a program's --selftest (known-answer vectors); returns its report, throws on failure. */
export async function nativeSelftest(impl: 'openssl' | 'libsrtp'): Promise<string> {
  buildNative();
  const { stderr } = await execFileAsync(nativeProgram(impl), ['--selftest'], { encoding: 'utf8' });
  return stderr;
}

/** Parses the JSON lines a native program prints. */
export function parseNativeOutput(stdout: string): BenchSample[] {
  return stdout.split('\n').filter((l) => l.trim() !== '').map((line) => {
    const v: unknown = JSON.parse(line);
    assertBenchSample(v);
    return v;
  });
}

function nativeRunner(impl: 'openssl' | 'libsrtp'): BenchRunner {
  return {
    impl: impl as ImplName,
    supports: (_suite: ProfileName) => true,
    async run(c: BenchCase): Promise<BenchSample> {
      buildNative();
      const args = ['--suite', c.suite, '--size', String(c.payload), '--count', String(c.count), '--op', c.op];
      const { stdout } = await execFileAsync(nativeProgram(impl), args, { encoding: 'utf8', maxBuffer: 1 << 20 });
      const samples = parseNativeOutput(stdout);
      if (samples.length !== 1) throw new Error(`${impl}: expected one result, got ${samples.length}`);
      return samples[0];
    },
  };
}

export const opensslRunner = nativeRunner('openssl');
export const libsrtpRunner = nativeRunner('libsrtp');
