/**
 * Our relay in its own process for the benchmark (forked from dist/ by the orchestrator), so
 * its CPU and memory are measured apart from the load generator's: a MediaRelay with worker
 * threads on 127.0.0.1 under the product's call control (src/control) and its ng front end
 * (src/ng) on a UDP port of the OS's choosing, so calls are set up over ng exactly as for
 * rtpengine (ng-call-setup.ts). IPC only starts and stops it and reads pair modes and counters.
 */
import pino from 'pino';
import { defineCluster } from '../../call';
import { CallController } from '../../control';
import { KeyManager } from '../../keys';
import { ControllerNgCallControl, NgDispatcher, NgUdpServer } from '../../ng';
import { MediaRelay } from '../../relay';
import type { IoBackendChoice } from '../../relay/io/packet-io';
import { serveIpc } from './ipc-channel';
import type { PairModes, RelayCounterTotals, RelayServerInfo, RelayServerRequest } from './relay-server-messages';

const ADDRESS = '127.0.0.1';

export class RelayServer {
  private controller: CallController | null = null;
  private ng: NgUdpServer | null = null;

  async start(workers: number, portRange: readonly [number, number], io: IoBackendChoice): Promise<RelayServerInfo> {
    if (this.controller !== null) throw new Error('relay already started');
    const relay = await MediaRelay.create({ portRange: [portRange[0], portRange[1]], bindAddress: ADDRESS, workers, logLevel: 'error', io });
    const logger = pino({ level: 'error' });
    // Mixed security, as `srtp-relay serve` runs by default: SRTP ↔ RTP calls are allowed.
    const controller = new CallController({ keys: await KeyManager.create(), relay, cluster: defineCluster({ securityMode: 'mixed' }), logger });
    this.controller = controller;
    this.ng = await NgUdpServer.listen({ address: ADDRESS, port: 0, dispatcher: new NgDispatcher(new ControllerNgCallControl(controller)) });
    return { workers: relay.workerCount, ngPort: this.ng.address().port, io: relay.ioBackend, ioFallback: relay.ioFallback };
  }

  /** Pair mode per direction of one call, as the relay chose it (caller = A, callee = B). */
  modes(callId: string): PairModes {
    const controller = this.mustController();
    const legs = controller.getCall(callId).legs;
    const mode = (id: string): string => legs.find((l) => l.id === id)?.streams[0]?.mode ?? 'none';
    return { 'a->b': mode('caller'), 'b->a': mode('callee') };
  }

  counters(): RelayCounterTotals {
    const relay = this.mustController().relay;
    const sum: Record<string, number> = {};
    for (const id of relay.callIds()) {
      for (const leg of relay.getCall(id)?.stats().legs ?? []) {
        for (const [k, v] of Object.entries(leg.counters)) sum[k] = (sum[k] ?? 0) + v;
      }
    }
    return sum;
  }

  async close(): Promise<void> {
    await this.ng?.close();
    this.ng = null;
    await this.controller?.close();
    this.controller = null;
  }

  private mustController(): CallController {
    if (this.controller === null) throw new Error('relay not started');
    return this.controller;
  }
}

export function main(): void {
  const server = new RelayServer();
  serveIpc<RelayServerRequest>(async (req) => {
    switch (req.op) {
      case 'start':
        return server.start(req.workers, req.portRange, req.io);
      case 'modes':
        return server.modes(req.callId);
      case 'counters':
        return server.counters();
      case 'close':
        await server.close();
        return null;
    }
  });
}

if (require.main === module) main();
