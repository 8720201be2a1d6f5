/**
 * An rtpengine daemon for the benchmark: installed beforehand by scripts/install-rtpengine.sh
 * (Debian `rtpengine-daemon`; the benchmark never installs anything), started in the foreground, userspace only (`--table=-1`: no kernel
 * forwarding table, so every packet goes through the daemon like ours), with its ng control
 * port and media ports on 127.0.0.1. The packaged config file is ignored (`--config-file=none`).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BenchError } from '../bench-errors';
import { stopProcess } from './child-process';
import { NgClient } from '../../ng/ng-client';
import { freeUdpPort } from '../free-udp-port';

export interface RtpengineOptions {
  readonly threads: number;
  readonly portRange: readonly [number, number];
}

/** Where Debian's rtpengine-daemon puts the binary, then PATH (as scripts/install-rtpengine.sh looks). */
function rtpengineCandidates(): string[] {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '').map((d) => join(d, 'rtpengine'));
  return ['/usr/bin/rtpengine', '/usr/sbin/rtpengine', ...onPath];
}

/**
 * The installed rtpengine binary, or BENCH_ERR_PEER_MISSING with the command that installs it.
 * Checks that it runs (`--version`), since a registered package is not enough.
 */
export function findRtpengine(): string {
  const bin = rtpengineCandidates().find((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  const install = 'run `bash scripts/install-rtpengine.sh` (as root or with passwordless sudo), or `npm run peers`';
  if (bin === undefined) throw new BenchError('BENCH_ERR_PEER_MISSING', `rtpengine is not installed (the reference relay of bench:relay); ${install}`);
  try {
    execFileSync(bin, ['--version'], { stdio: 'ignore', timeout: 10_000 });
  } catch (err) {
    throw new BenchError('BENCH_ERR_PEER_MISSING', `${bin} --version failed (${(err as Error).message.split('\n')[0]}); ${install}`);
  }
  return bin;
}

/**
 * The installed package version. (`rtpengine --version` prints without a newline and loses
 * its output when stdout is a pipe, so ask dpkg.)
 */
export function rtpengineVersion(): string {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', 'rtpengine-daemon'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

export class RtpengineProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly ng: NgClient,
    readonly stderrTail: () => string,
  ) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }

  static async start(bin: string, o: RtpengineOptions): Promise<RtpengineProcess> {
    const ngPort = await freeUdpPort();
    const args = [
      '--config-file=none',
      '--table=-1', // no kernel module: userspace forwarding only
      '--interface=127.0.0.1',
      `--listen-ng=127.0.0.1:${ngPort}`,
      `--port-min=${o.portRange[0]}`,
      `--port-max=${o.portRange[1]}`,
      `--num-threads=${o.threads}`,
      '--delete-delay=0',
      '--timeout=600',
      '--silent-timeout=600',
      '--foreground',
      '--log-stderr',
      '--log-level=4', // warnings and worse, as our relay logs
    ];
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    child.stderr?.on('data', (d: Buffer) => {
      tail = (tail + d.toString('utf8')).slice(-4000);
    });
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (err) => reject(new Error(`cannot start ${bin}: ${err.message}`)));
      child.once('exit', (code, signal) => reject(new Error(`rtpengine exited at start (code ${String(code)}, signal ${String(signal)}):\n${tail}`)));
    });
    exited.catch(() => undefined);
    const ng = await NgClient.connect('127.0.0.1', ngPort, 250);
    try {
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          const reply = await Promise.race([ng.request('ping'), exited]);
          if (reply.result === 'pong') break;
        } catch (err) {
          if (child.exitCode !== null || Date.now() > deadline) throw err;
        }
      }
    } catch (err) {
      ng.close();
      await stopProcess(child);
      throw err;
    }
    return new RtpengineProcess(child, ng, () => tail);
  }

  async stop(): Promise<void> {
    this.ng.close();
    await stopProcess(this.child, 5000);
  }
}
