/**
 * The native load generator (native-bench/relay_loadgen, C) behind the same GeneratorHandle as
 * the Node one: one child process, one command per line on its stdin, one JSON reply line per
 * command on its stdout (plus the window start/end events of a run). See relay_loadgen.c for the
 * protocol. Its own CPU over each window comes from its getrusage (µs resolution); the relay's
 * from /proc over the same window, started and ended on the generator's events.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../repo-root';
import { stopProcess } from './child-process';
import type { GeneratorHandle, MeasuredStep } from './generator-client';
import type { CallConfig, EndpointConfig, OpenedCall, RunOptions, StepStats } from './generator-messages';
import { CpuWindow } from './proc-stats';
import { BenchError } from '../bench-errors';
import { parseSdesKey, type SdesKey } from './sdes-key';
import { wipeDelivered } from '../../keys/master-key-set';

/**
 * Shared sockets by default: with a connected socket per stream the generator pays one send(2)
 * per packet and one recvmmsg(2) per received packet (one ready socket, one packet), and on two
 * cores it saturated at ~100k packets/s, where both relays did: no relay ran out first.
 */
export const DEFAULT_GENERATOR_SOCKETS = 4;
/**
 * Two threads (each serving half the shared sockets and their calls): with one thread beside a
 * relay on two cores, the relay runs out of CPU first only where it spends more per packet than
 * the generator, which plain RTP forwarding barely does; with a thread per core it always does.
 */
export const DEFAULT_GENERATOR_THREADS = 2;

/** The generator's socket layout: `sockets` shared sockets served by `threads` threads, or 0 sockets for one per stream. */
export interface GeneratorLayout {
  readonly sockets: number;
  readonly threads: number;
}

/** What the report says the generator is. */
export function nativeGeneratorDescription(l: GeneratorLayout): string {
  if (l.sockets === 0) return 'native-bench/relay_loadgen (C, gcc -O2): one thread, epoll over a connected UDP socket per stream + a 5 ms timerfd, non-blocking send(2) per packet, recvmmsg(2) per ready socket; SRTP protect/verify on OpenSSL (native-bench/ossl_srtp.c)';
  return `native-bench/relay_loadgen (C, gcc -O2): ${l.threads} thread${l.threads === 1 ? '' : 's'} on ${l.sockets} shared unconnected UDP sockets (a call's A and B on different ones, a call on one thread); per 5 ms tick each thread reads its sockets with recvmmsg(2), 64 at a time (matched to their stream by source port, the relay leg's; latency to the kernel's arrival timestamp), then sends the slot's packets with sendmmsg(2), up to 64 per call, each with its leg's address; SRTP protect/verify on OpenSSL (native-bench/ossl_srtp.c)`;
}

const GENERATOR_NICE = -10;

type Reply = { readonly ok: true; readonly result?: unknown } | { readonly ok: false; readonly error: string };
type Line = Reply | { readonly event: 'window'; readonly phase: 'start' | 'end' };

interface NativeStepStats extends StepStats {
  /** getrusage user + system seconds of the generator over the window, and that ÷ window wall time. */
  readonly cpuSeconds: number;
  readonly cpuCores: number;
}

export function nativeLoadgenPath(): string {
  return join(repoRoot(), 'native-bench', 'build', 'relay_loadgen');
}

/**
 * Builds native-bench/build/relay_loadgen (build.sh) when it is missing or older than its
 * sources. Returns the binary, or throws build.sh's complaint.
 */
export function ensureNativeLoadgen(): string {
  const bin = nativeLoadgenPath();
  const src = join(repoRoot(), 'native-bench');
  const newest = Math.max(...readdirSync(src).filter((f) => /\.(c|h|sh)$/.test(f)).map((f) => statSync(join(src, f)).mtimeMs));
  if (existsSync(bin) && statSync(bin).mtimeMs >= newest) return bin;
  try {
    execFileSync('bash', [join(src, 'build.sh'), '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new BenchError('BENCH_ERR_NATIVE_BUILD', `native load generator did not build (native-bench/build.sh): ${(e.stderr ?? e.message).trim().split('\n').slice(-3).join(' ')}`);
  }
  if (!existsSync(bin)) throw new Error(`native-bench/build.sh did not produce ${bin}`);
  return bin;
}

/**
 * `<suite> <base64 key‖salt>` for the C generator's command line, from the key as the relay's own
 * SDES parser reads it. The generator takes one master key without MKI or lifetime parameters.
 */
function keyArgs(k: SdesKey | null): string {
  if (k === null) return '- -';
  const { keySet } = parseSdesKey(k);
  const delivered = keySet.deliver();
  try {
    const [key] = delivered.keys;
    if (delivered.keys.length !== 1 || key.mki !== undefined) throw new Error(`the native generator takes one master key without MKI, not ${k.suite} with ${delivered.keys.length} key(s)`);
    return `${delivered.profile} ${Buffer.concat([key.key, key.salt]).toString('base64')}`;
  } finally {
    wipeDelivered(delivered);
    keySet.release();
  }
}

function epLine(stream: number, e: EndpointConfig): string {
  if (!/^[0-9.]+$/.test(e.relayAddress)) throw new Error(`native generator: IPv4 relay address expected, got ${e.relayAddress}`);
  return `ep ${stream} ${e.relayAddress} ${e.relayPort} ${keyArgs(e.send)} ${keyArgs(e.recv)}\n`;
}

export class NativeGeneratorClient implements GeneratorHandle {
  readonly kind = 'native' as const;
  private readonly pending: { resolve(r: unknown): void; reject(e: Error): void }[] = [];
  private readonly window = new CpuWindow();
  private relayPid: number | null = null;
  private relayCpu: number | null = null;
  private exited: Error | null = null;
  private layoutSet = false;

  private constructor(private readonly child: ChildProcess, readonly layout: GeneratorLayout) {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (text) => this.onLine(text));
    child.on('exit', (code, signal) => {
      this.exited = new Error(`relay_loadgen exited (code ${String(code)}, signal ${String(signal)})`);
      for (const p of this.pending.splice(0)) p.reject(this.exited);
    });
    child.stdin?.on('error', () => undefined); // EPIPE after an exit is reported by 'exit'
  }

  /** Scheduling priority the generator got (nice value), or null when it could not be raised. */
  nice: number | null = null;

  /**
   * Builds the binary if needed (throws when it cannot) and starts it at nice GENERATOR_NICE when
   * allowed: on a machine shared with the relay, overload should show as the relay's loss, not as
   * the generator falling behind its schedule (a step the ramp then discards).
   */
  static start(payload = 160, layout: GeneratorLayout = { sockets: DEFAULT_GENERATOR_SOCKETS, threads: DEFAULT_GENERATOR_THREADS }): NativeGeneratorClient {
    const bin = ensureNativeLoadgen();
    const env = { ...process.env, RELAY_LOADGEN_PAYLOAD: String(payload) };
    const gen = new NativeGeneratorClient(spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'], env }), layout);
    try {
      os.setPriority(gen.pid, GENERATOR_NICE);
      gen.nice = GENERATOR_NICE;
    } catch {
      gen.nice = null; // not root / no CAP_SYS_NICE: default priority
    }
    return gen;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  async open(count: number): Promise<OpenedCall[]> {
    // The socket layout is chosen before the first stream of a run (and again after each reset).
    if (!this.layoutSet) {
      this.layoutSet = true;
      await this.command(`sockets ${this.layout.sockets} ${this.layout.sockets === 0 ? 1 : this.layout.threads}\n`);
    }
    return (await this.command(`open ${count}\n`)) as OpenedCall[];
  }

  async configure(first: number, calls: readonly CallConfig[]): Promise<void> {
    // Pipelined: every line goes out at once, then each reply is awaited (in order).
    const replies = calls.flatMap((c, i) => [this.command(epLine(2 * (first + i), c.a)), this.command(epLine(2 * (first + i) + 1, c.b))]);
    await Promise.all(replies);
  }

  async run(options: RunOptions, relayPid: number | null): Promise<MeasuredStep> {
    this.relayPid = relayPid;
    this.relayCpu = null;
    const timeout = options.warmupMs + options.measureMs + options.drainMs + 60_000;
    const s = (await this.command(`run ${options.warmupMs} ${options.measureMs} ${options.drainMs}\n`, timeout)) as NativeStepStats;
    const stats: StepStats = {
      calls: s.calls, streams: s.streams, sent: s.sent, received: s.received, lost: s.lost, unmatched: s.unmatched,
      verified: s.verified, verifyFailures: s.verifyFailures, verifyFailureKind: s.verifyFailureKind, sendErrors: s.sendErrors, readAfterDrain: s.readAfterDrain, rcvDrops: s.rcvDrops, silentStreams: s.silentStreams,
      latency: s.latency, slotLag: s.slotLag, measuredMs: s.measuredMs, windowMs: s.windowMs,
    };
    return { stats, relayCpu: relayPid === null ? null : this.relayCpu ?? 0, generatorCpu: s.cpuCores };
  }

  async reset(): Promise<void> {
    await this.command('reset\n');
    this.layoutSet = false;
  }

  stop(): Promise<void> {
    if (this.exited === null) this.child.stdin?.end('quit\n');
    return stopProcess(this.child, 5000);
  }

  private command(line: string, timeoutMs = 120_000): Promise<unknown> {
    if (this.exited !== null) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`relay_loadgen: no reply to "${line.split(' ')[0]}" in ${timeoutMs} ms`)), timeoutMs);
      this.pending.push({
        resolve: (r) => { clearTimeout(timer); resolve(r); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.child.stdin?.write(line);
    });
  }

  private onLine(text: string): void {
    let m: Line;
    try {
      m = JSON.parse(text) as Line;
    } catch {
      process.stderr.write(`relay_loadgen: unexpected output: ${text}\n`);
      return;
    }
    if ('event' in m) {
      if (this.relayPid === null) return;
      if (m.phase === 'start') this.window.begin([this.relayPid]);
      else this.relayCpu = this.window.end().get(this.relayPid) ?? 0;
      return;
    }
    const p = this.pending.shift();
    if (p === undefined) return;
    if (m.ok) p.resolve(m.result ?? null);
    else p.reject(new Error(`relay_loadgen: ${m.error}`));
  }
}
