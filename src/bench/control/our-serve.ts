/**
 * Our relay under the control-plane benchmark: the built `srtp-relay serve` as a child process,
 * on loopback, with its ng listener on UDP and the REST API on an OS-chosen port, logging at
 * warn (as rtpengine is run at its warning level). The API's request rate limit is raised for
 * the benchmark (a config file in a temporary data directory): the default, 20,000 requests a
 * minute per token, is meant for production controllers, not for measuring thousands of calls
 * a second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NgClient } from '../../ng/ng-client';
import { freeUdpPort } from '../free-udp-port';
import { stopProcess } from '../relay/child-process';
import { repoRoot } from '../repo-root';

export interface OurServeOptions {
  readonly workers: number;
  readonly portRange: readonly [number, number];
  /** The CLI entry to run (another build, for before/after comparisons); default this checkout's dist/cli/main.js. */
  readonly entry?: string;
  /** Default warn, as rtpengine runs at its warning level; `info` is serve's own default. */
  readonly logLevel?: string;
  /** Write V8 CPU profiles of the serve process (main thread and each media worker) into this directory at exit. */
  readonly profileDir?: string;
}

export class OurServe {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dataDir: string,
    readonly ng: NgClient,
    readonly apiUrl: string,
    readonly token: string,
    /** The packet I/O backend serve runs (`/healthz` packetIo: native or dgram) and why it fell back, if it did. */
    readonly packetIo: string,
  ) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }

  static async start(o: OurServeOptions): Promise<OurServe> {
    const ngPort = await freeUdpPort();
    const dataDir = mkdtempSync(join(tmpdir(), 'srtp-relay-bench-control-'));
    const config = join(dataDir, 'config.json');
    writeFileSync(config, JSON.stringify({ limits: { requestsPerWindow: 100_000_000, maxCalls: 100_000 } }));
    const token = randomBytes(24).toString('hex');
    const entry = o.entry ?? join(repoRoot(), 'dist', 'cli', 'main.js');
    const profile = o.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`];
    const child = spawn(process.execPath, [...profile, entry, 'serve', '--config', config, '--listen', '127.0.0.1:0', '--listen-ng', `127.0.0.1:${ngPort}`,
      '--port-range', `${o.portRange[0]}-${o.portRange[1]}`, '--workers', String(o.workers), '--data-dir', dataDir, '--log-level', o.logLevel ?? 'warn'], {
      stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SRTP_RELAY_TOKEN: token },
    });
    try {
      const apiUrl = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`serve did not start in 20 s:\n${out}`)), 20_000);
        child.stdout?.on('data', (d: Buffer) => {
          out += d.toString('utf8');
          const m = /listening on (http:\/\/[^\s/]+)/.exec(out);
          if (m !== null) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`serve exited at start (code ${String(code)}):\n${out}`));
        });
      });
      // Keep draining stdout so the child never blocks on a full pipe.
      child.stdout?.resume();
      const ng = await NgClient.connect('127.0.0.1', ngPort, 1000);
      if ((await ng.request('ping')).result !== 'pong') throw new Error('serve: ng ping did not answer pong');
      return new OurServe(child, dataDir, ng, apiUrl, token, await packetIoOf(apiUrl, token));
    } catch (err) {
      await stopProcess(child, 10_000);
      rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.ng.close();
    await stopProcess(this.child, 10_000);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** `/healthz` says which packet I/O backend the media workers run (a detail: token holders only). */
async function packetIoOf(apiUrl: string, token: string): Promise<string> {
  const res = await fetch(`${apiUrl}/healthz`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { packetIo?: unknown; packetIoFallback?: unknown };
  if (typeof body.packetIo !== 'string') throw new Error(`serve: /healthz has no packetIo (HTTP ${res.status})`);
  return typeof body.packetIoFallback === 'string' ? `${body.packetIo} (fell back: ${body.packetIoFallback})` : body.packetIo;
}
