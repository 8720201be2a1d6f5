/**
 * Our relay under test: relay-server.js in its own process (worker threads on), driven over
 * IPC. Keys per call: four per SRTP call (each endpoint's sending key and the relay's sending
 * key towards it), or two shared end to end for verified passthrough.
 */
import type { ModeSpec } from './bench-modes';
import { forkEntry, stopProcess } from './child-process';
import type { CallConfig, OpenedCall } from './generator-messages';
import { IpcClient } from './ipc-channel';
import type { RelayStartOptions, RelayUnderTest } from './relay-under-test';
import type { CallPorts, CallSetup, RelayServerInfo, RelayServerRequest } from './relay-server-messages';
import { randomSdesKey, type SdesKey } from './sdes-key';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../repo-root';

const ADDRESS = '127.0.0.1';

interface CallKeys {
  /** Endpoint A sends with; the relay's leg A inbound. */
  readonly aSend: SdesKey | null;
  /** The relay sends to A with (leg A outbound); A receives with. */
  readonly toA: SdesKey | null;
  readonly bSend: SdesKey | null;
  readonly toB: SdesKey | null;
}

async function callKeys(spec: ModeSpec): Promise<CallKeys> {
  const key = (suite: string | null): Promise<SdesKey | null> => (suite === null ? Promise.resolve(null) : randomSdesKey(suite));
  const aSend = await key(spec.suiteA);
  const bSend = await key(spec.suiteB);
  if (spec.endToEndKeys) return { aSend, toA: bSend, bSend, toB: aSend };
  return { aSend, toA: await key(spec.suiteA), bSend, toB: await key(spec.suiteB) };
}

function ourVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

export class OursRelay implements RelayUnderTest {
  readonly name = 'ours' as const;
  pairModes: { readonly [direction: string]: string } | null = null;
  private constructor(
    private readonly ipc: IpcClient<RelayServerRequest>,
    readonly pid: number,
    readonly description: string,
  ) {}

  static async start(o: RelayStartOptions): Promise<OursRelay> {
    const child = forkEntry('relay-server', o.execArgv ?? []);
    const ipc = new IpcClient<RelayServerRequest>(child, 'relay-server');
    try {
      const info = await ipc.request<RelayServerInfo>({ op: 'start', workers: o.threads, portRange: o.portRange }, 30_000);
      return new OursRelay(ipc, child.pid ?? -1, `srtp-relay ${ourVersion()} (this checkout), ${info.workers} media worker threads`);
    } catch (err) {
      await stopProcess(child);
      throw err;
    }
  }

  async addCalls(first: number, endpoints: readonly OpenedCall[], spec: ModeSpec): Promise<CallConfig[]> {
    const keys = await Promise.all(endpoints.map(() => callKeys(spec)));
    const setups: CallSetup[] = endpoints.map((e, i) => ({
      id: `bench-${first + i}`,
      a: { remotePort: e.a, inbound: keys[i].aSend, outbound: keys[i].toA },
      b: { remotePort: e.b, inbound: keys[i].bSend, outbound: keys[i].toB },
    }));
    const ports = await this.ipc.request<CallPorts[]>({ op: 'setup', calls: setups });
    this.pairModes ??= ports[0]?.modes ?? null;
    return ports.map((p, i) => ({
      a: { relayAddress: ADDRESS, relayPort: p.a, send: keys[i].aSend, recv: keys[i].toA },
      b: { relayAddress: ADDRESS, relayPort: p.b, send: keys[i].bSend, recv: keys[i].toB },
    }));
  }

  counters(): Promise<Record<string, number>> {
    return this.ipc.request<Record<string, number>>({ op: 'counters' });
  }

  async stop(): Promise<void> {
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
