/**
 * The harness's child processes (Kamailio, baresip, rtpengine, tcpdump): spawned with their
 * output kept (a bounded tail, for failure messages), awaited for a readiness line, and stopped
 * by their own PID (SIGTERM, then SIGKILL), never by name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

const TAIL_BYTES = 64 * 1024;

export class ManagedProcess {
  private output = '';
  private readonly waiters: { re: RegExp; resolve(): void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const onData = (d: Buffer): void => {
      this.output = (this.output + d.toString('utf8')).slice(-TAIL_BYTES);
      for (const w of [...this.waiters]) {
        if (w.re.test(this.output)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Spawn `bin`; fails loudly when it is not installed (the installers must have run). */
  static start(name: string, bin: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ManagedProcess {
    if (!existsSync(bin)) throw new Error(`${name}: ${bin} not found; run \`npm run peers\` (scripts/install-sip-peers.sh)`);
    const child = spawn(bin, [...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd, env: options.env ?? process.env });
    child.on('error', () => undefined); // reported through `exited` and readiness timeouts
    return new ManagedProcess(name, child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last 64 KiB of stdout and stderr. */
  tail(chars = 4000): string {
    return this.output.slice(-chars);
  }

  /** Resolves once the output (so far or later) matches `re`; rejects on exit or after `timeoutMs`. */
  async waitFor(re: RegExp, timeoutMs: number): Promise<void> {
    if (re.test(this.output)) return;
    let timer: NodeJS.Timeout | undefined;
    const waiter = { re, resolve: (): void => undefined };
    try {
      await Promise.race([
        new Promise<void>((resolve) => {
          waiter.resolve = resolve;
          this.waiters.push(waiter);
        }),
        this.exited.then(({ code, signal }) => {
          throw new Error(`${this.name} exited (code ${String(code)}, signal ${String(signal)}) before printing ${re}:\n${this.tail()}`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${this.name} did not print ${re} within ${timeoutMs} ms:\n${this.tail()}`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      const i = this.waiters.indexOf(waiter);
      if (i >= 0) this.waiters.splice(i, 1);
    }
  }

  /** `signal` to this PID, SIGKILL after `graceMs`; resolves when it has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> {
    if (!this.running) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    this.child.kill(signal);
    await this.exited;
    clearTimeout(timer);
  }
}
