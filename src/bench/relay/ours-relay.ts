/**
 * Our relay under test: relay-server.js in its own process (worker threads on) with the
 * product's call control and ng front end; calls are set up over ng with the product's NgClient,
 * the same offer/answer as for rtpengine (ng-call-setup.ts). With SDES on both sides our relay
 * passes A's own keys on by default (verified passthrough), so the recrypt mode sends the
 * `recrypt` flag to get the relay's own keys toward B. IPC starts and stops the process and
 * reads pair modes and counters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NgClient } from '../../ng/ng-client';
import { repoRoot } from '../repo-root';
import type { ModeSpec } from './bench-modes';
import { forkEntry, stopProcess } from './child-process';
import type { CallConfig, OpenedCall } from './generator-messages';
import { IpcClient } from './ipc-channel';
import { ngCallsSetup } from './ng-call-setup';
import type { RelayStartOptions, RelayUnderTest } from './relay-under-test';
import type { PairModes, RelayServerInfo, RelayServerRequest } from './relay-server-messages';

const ADDRESS = '127.0.0.1';

function ourVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

export class OursRelay implements RelayUnderTest {
  readonly name = 'ours' as const;
  pairModes: PairModes | null = null;
  private constructor(
    private readonly ipc: IpcClient<RelayServerRequest>,
    private readonly ng: NgClient,
    readonly pid: number,
    readonly description: string,
    /** The packet I/O backend that ran. */
    readonly io: string,
  ) {}

  static async start(o: RelayStartOptions): Promise<OursRelay> {
    const child = forkEntry('relay-server', o.execArgv ?? []);
    const ipc = new IpcClient<RelayServerRequest>(child, 'relay-server');
    try {
      const info = await ipc.request<RelayServerInfo>({ op: 'start', workers: o.threads, portRange: o.portRange, io: o.io ?? 'auto' }, 30_000);
      const ng = await NgClient.connect(ADDRESS, info.ngPort);
      const io = info.io === 'native' ? 'packet I/O native (recvmmsg/sendmmsg addon)' : `packet I/O node:dgram${info.ioFallback === null ? '' : ` (native unavailable: ${info.ioFallback})`}`;
      return new OursRelay(ipc, ng, child.pid ?? -1, `srtp-relay ${ourVersion()} (this checkout), ${info.workers} media worker threads, ${io}, calls set up over ng`, info.io);
    } catch (err) {
      await stopProcess(child);
      throw err;
    }
  }

  async addCalls(first: number, endpoints: readonly OpenedCall[], spec: ModeSpec): Promise<CallConfig[]> {
    const recrypt = spec.suiteA !== null && spec.suiteB !== null && !spec.endToEndKeys;
    const calls = await ngCallsSetup(this.ng, first, endpoints, spec, recrypt ? ['recrypt'] : []);
    if (this.pairModes === null && endpoints.length > 0) this.pairModes = await this.ipc.request<PairModes>({ op: 'modes', callId: `bench-${first}` });
    return calls;
  }

  counters(): Promise<Record<string, number>> {
    return this.ipc.request<Record<string, number>>({ op: 'counters' });
  }

  async stop(): Promise<void> {
    this.ng.close();
    try {
      await this.ipc.request({ op: 'close' }, 30_000);
    } catch {
      // already gone; stopProcess below makes sure
    }
    // Disconnecting lets the server exit normally (serveIpc), so --cpu-prof profiles get written.
    const child = this.ipc.child;
    if (child.connected) child.disconnect();
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else {
        const timer = setTimeout(resolve, 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      }
    });
    await stopProcess(child, 3000);
  }
}
