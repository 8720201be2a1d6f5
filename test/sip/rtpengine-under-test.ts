/**
 * Debian's rtpengine (`rtpengine-daemon`, installed by scripts/install-rtpengine.sh via
 * scripts/install-sip-peers.sh) as an ng relay under test: userspace only (`--table=-1`, no
 * kernel module), packaged config ignored (`--config-file=none`), media on its own loopback
 * address, ng on 127.0.0.1 with a port from the OS, as src/bench/relay/rtpengine-process.ts
 * starts it for the benchmark.
 */
import { execFileSync } from 'node:child_process';
import { NgClient } from '../../src/ng/ng-client';
import { freeUdpPort, freeUdpRange } from './ports';
import { ManagedProcess } from './processes';
import type { KnownGap, NgRelayUnderTest } from './relay-under-test';

const RTPENGINE_BIN = '/usr/bin/rtpengine';

function packageVersion(): string {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', 'rtpengine-daemon'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export class RtpengineUnderTest implements NgRelayUnderTest {
  readonly name = `rtpengine ${packageVersion()}`;
  private proc: ManagedProcess | null = null;

  constructor(
    readonly mediaAddress = '127.0.0.2',
    readonly knownGaps: Readonly<Record<string, KnownGap>> = {},
  ) {}

  async start(): Promise<{ ngAddress: string; ngPort: number }> {
    const ngPort = await freeUdpPort();
    const [portMin, portMax] = await freeUdpRange(this.mediaAddress, 200);
    const proc = ManagedProcess.start('rtpengine', RTPENGINE_BIN, [
      '--config-file=none',
      '--table=-1',
      `--interface=${this.mediaAddress}`,
      `--listen-ng=127.0.0.1:${ngPort}`,
      `--port-min=${portMin}`,
      `--port-max=${portMax}`,
      '--num-threads=2',
      '--delete-delay=0',
      '--foreground',
      '--log-stderr',
      '--log-level=6',
    ]);
    this.proc = proc;
    const ng = await NgClient.connect('127.0.0.1', ngPort, 250);
    try {
      const deadline = Date.now() + 10_000;
      for (;;) {
        if (!proc.running) throw new Error(`rtpengine exited at start:\n${proc.tail()}`);
        try {
          if ((await ng.request('ping')).result === 'pong') break;
        } catch (err) {
          if (Date.now() > deadline) throw new Error(`rtpengine did not answer ping: ${(err as Error).message}\n${proc.tail()}`);
        }
      }
    } catch (err) {
      await proc.stop();
      throw err;
    } finally {
      ng.close();
    }
    return { ngAddress: '127.0.0.1', ngPort };
  }

  async stop(): Promise<void> {
    await this.proc?.stop('SIGTERM', 5000);
    this.proc = null;
  }

  logTail(): string {
    return this.proc?.tail() ?? '';
  }
}
