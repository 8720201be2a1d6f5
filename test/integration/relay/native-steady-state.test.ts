/**
 * The native packet I/O's steady state through real sockets (the dgram backend allocates a
 * Buffer, rinfo and send request per datagram; steady-state.test.ts measures the packet path
 * alone): RTP forwarded by an in-thread relay on the native backend, between two sockets of a
 * second native engine in this thread, so nothing in the loop allocates per packet but what
 * the relay would. The same pump without the relay (sender straight to sink) is the baseline;
 * the relay may add less than a few bytes per packet (one object per packet would be 32 B or
 * more) and retain nothing.
 */
jest.setTimeout(60_000);

import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { MediaRelay } from '../../../src/relay';
import { loadNativeBinding } from '../../../src/relay/io/native-binding';
import { NativeIo, type NativeSocket } from '../../../src/relay/io/native-io';
import type { SocketCallbacks } from '../../../src/relay/io/packet-io';
import { IO_ENV } from '../../../src/relay/io/select-backend';
import { relayPortRange } from '../../helpers/port-ranges';
import { rtpPacket } from './helpers';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const PER_ROUND = 32;

class Counter implements SocketCallbacks {
  received = 0;
  sendErrors = 0;
  readonly packet = (): void => {
    this.received += 1;
  };
  readonly truncated = (): void => undefined;
  readonly sent = (error: string | null): void => {
    if (error !== null) this.sendErrors += 1;
  };
}

/** Send `rounds` bursts from `from` to port `to`, one burst per loop turn, until all arrived. */
function pump(from: NativeSocket, to: number, sink: Counter, packet: Buffer, rounds: number): Promise<number> {
  const target = sink.received + rounds * PER_ROUND;
  return new Promise((resolve, reject) => {
    let left = rounds;
    const deadline = Date.now() + 30_000;
    const tick = (): void => {
      if (left > 0) {
        // Only as much in flight as the socket buffers hold: a kernel drop is not the relay's.
        if (target - sink.received - left * PER_ROUND < 4 * PER_ROUND) {
          for (let i = 0; i < PER_ROUND; i++) from.send(packet, 0, packet.length, to, '127.0.0.1');
          left -= 1;
        }
      } else if (sink.received >= target) {
        resolve(sink.received);
        return;
      }
      if (Date.now() > deadline) reject(new Error(`timed out: ${target - sink.received} datagrams missing`));
      else setImmediate(tick);
    };
    tick();
  });
}

/** Heap growth before any GC, young-generation GCs during the run, and what stays after a full GC. */
async function growth(run: () => Promise<unknown>): Promise<{ grown: number; scavenges: number; retained: number }> {
  gc();
  let scavenges = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (((e as unknown as { detail?: { kind?: number } }).detail)?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) scavenges += 1;
  });
  obs.observe({ entryTypes: ['gc'] });
  const before = process.memoryUsage().heapUsed;
  await run();
  const grown = process.memoryUsage().heapUsed - before;
  await new Promise((r) => setTimeout(r, 100)); // gc entries are delivered asynchronously
  obs.disconnect();
  gc();
  return { grown, scavenges, retained: process.memoryUsage().heapUsed - before };
}

const describeNative = process.env[IO_ENV] === 'dgram' ? describe.each([['forced to dgram']]) : describe.each([['native']]);

describeNative('native packet I/O steady state (%s)', (backend) => {
  if (backend !== 'native') {
    it('runs only on the native backend; this run forces dgram', () => expect(process.env[IO_ENV]).toBe('dgram'));
    return;
  }
  let relay: MediaRelay;
  let io: NativeIo;
  beforeAll(async () => {
    const { binding, reason } = loadNativeBinding();
    if (binding === null) throw new Error(`the addon must be built: ${String(reason)}`);
    io = new NativeIo(binding);
    relay = await MediaRelay.create({ portRange: relayPortRange(8), bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent', io: 'native' });
  });
  afterAll(async () => {
    await relay?.close();
    io?.close();
  });

  it('forwards RTP through real sockets allocating nothing per packet, retaining nothing', async () => {
    const sender = (await io.bind(4, '127.0.0.1', 0)) as NativeSocket;
    const sink = (await io.bind(4, '127.0.0.1', 0)) as NativeSocket;
    const senderCount = new Counter();
    const sinkCount = new Counter();
    sender.start(senderCount);
    sink.start(sinkCount);
    const call = await relay.createCall('steady');
    const a = await call.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: sender.port }, rtcpMux: true });
    await call.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: sink.port }, rtcpMux: true });
    await call.connect('a', 'b');
    const packet = rtpPacket(0x5eed, 1, 160);
    const rounds = 1500; // 48,000 packets per measurement

    await pump(sender, sink.port, sinkCount, packet, 300); // warm-up: JIT, both paths
    await pump(sender, a.rtpPort, sinkCount, packet, 300);
    const direct = await growth(() => pump(sender, sink.port, sinkCount, packet, rounds));
    let relayed = await growth(() => pump(sender, a.rtpPort, sinkCount, packet, rounds));
    let runs = 1;
    // As in steady-state.test.ts: a GC set off by other work in this process gets the
    // measurement repeated (up to three times), so the figures come from a quiet run.
    for (; runs < 3 && relayed.scavenges > direct.scavenges; runs++) relayed = await growth(() => pump(sender, a.rtpPort, sinkCount, packet, rounds));
    const n = rounds * PER_ROUND;
    console.log(`native forward x${n}: direct +${direct.grown} B (${direct.scavenges} scavenges), via relay +${relayed.grown} B (${relayed.scavenges} scavenges); retained ${relayed.retained} B`);
    const legA = call.stats().legs[0]!.counters;
    expect(legA.forwarded).toBe(runs * n + 300 * PER_ROUND);
    expect(senderCount.sendErrors + sinkCount.sendErrors).toBe(0);
    // The pump itself allocates (an Immediate per burst): the relay may add no GC to it, and a
    // GC in either run would hide growth, so the byte comparison needs quiet runs on both sides.
    expect(relayed.scavenges).toBeLessThanOrEqual(direct.scavenges);
    if (relayed.scavenges === 0) expect(relayed.grown - direct.grown).toBeLessThan(n * 4);
    expect(relayed.retained).toBeLessThan(512 * 1024);
    sender.close();
    sink.close();
  });
});
