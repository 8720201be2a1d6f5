/**
 * Our relay in its own process for the benchmark (forked from dist/ by the orchestrator), so
 * its CPU and memory are measured apart from the load generator's: a MediaRelay with worker
 * threads on 127.0.0.1 that sets up calls on command.
 */
import { MediaRelay, type AddLegOptions, type RelayCall } from '../../relay';
import { serveIpc } from './ipc-channel';
import type { CallPorts, CallSetup, LegSetup, RelayCounterTotals, RelayServerInfo, RelayServerRequest } from './relay-server-messages';
import { sdesContextOptions } from './sdes-key';

const ADDRESS = '127.0.0.1';
/** Calls set up concurrently (each is a few worker round trips). */
const SETUP_CONCURRENCY = 32;

function legOptions(id: string, leg: LegSetup): AddLegOptions {
  const srtp = leg.inbound !== null && leg.outbound !== null
    ? { inbound: sdesContextOptions(leg.inbound), outbound: sdesContextOptions(leg.outbound) }
    : null;
  // The remote is known from "signaling" (the orchestrator); default latching: authenticated
  // for SRTP, strict for RTP, as in production.
  return { id, remote: { address: ADDRESS, port: leg.remotePort }, rtcpMux: false, srtp };
}

export class RelayServer {
  private relay: MediaRelay | null = null;
  private readonly calls: RelayCall[] = [];

  async start(workers: number, portRange: readonly [number, number]): Promise<RelayServerInfo> {
    if (this.relay !== null) throw new Error('relay already started');
    this.relay = await MediaRelay.create({ portRange: [portRange[0], portRange[1]], bindAddress: ADDRESS, workers, logLevel: 'error' });
    return { workers: this.relay.workerCount };
  }

  async setup(calls: readonly CallSetup[]): Promise<CallPorts[]> {
    const relay = this.relay;
    if (relay === null) throw new Error('relay not started');
    const out: CallPorts[] = new Array<CallPorts>(calls.length);
    for (let i = 0; i < calls.length; i += SETUP_CONCURRENCY) {
      await Promise.all(calls.slice(i, i + SETUP_CONCURRENCY).map(async (c, j) => {
        const call = await relay.createCall(c.id);
        this.calls.push(call);
        const a = await call.addLeg(legOptions('a', c.a));
        const b = await call.addLeg(legOptions('b', c.b));
        const modes = await call.connect('a', 'b');
        out[i + j] = { a: a.rtpPort, b: b.rtpPort, modes };
      }));
    }
    return out;
  }

  counters(): RelayCounterTotals {
    const sum: Record<string, number> = {};
    for (const call of this.calls) {
      for (const leg of call.stats().legs) {
        for (const [k, v] of Object.entries(leg.counters)) sum[k] = (sum[k] ?? 0) + v;
      }
    }
    return sum;
  }

  async close(): Promise<void> {
    await this.relay?.close();
    this.relay = null;
    this.calls.length = 0;
  }
}

export function main(): void {
  const server = new RelayServer();
  serveIpc<RelayServerRequest>(async (req) => {
    switch (req.op) {
      case 'start':
        return server.start(req.workers, req.portRange);
      case 'setup':
        return server.setup(req.calls);
      case 'counters':
        return server.counters();
      case 'close':
        await server.close();
        return null;
    }
  });
}

if (require.main === module) main();
