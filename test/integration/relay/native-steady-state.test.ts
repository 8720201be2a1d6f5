/**
 * The native packet I/O's steady state through real sockets (the dgram backend allocates a
 * Buffer, rinfo and send request per datagram; steady-state.test.ts measures the packet path
 * alone): RTP forwarded by an in-thread relay on the native backend, between two sockets of a
 * second native engine in this thread, whose receive callback drives the sender, so nothing in
 * the loop allocates per packet but what the relay would. The same pump without the relay (sender straight to sink) is the baseline;
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

/** Counts a socket's send failures. */
class Counter implements SocketCallbacks {
  sendErrors = 0;
  readonly packet = (): void => undefined;
  readonly truncated = (): void => undefined;
  readonly sent = (error: string | null): void => {
    if (error !== null) this.sendErrors += 1;
  };
}

/**
 * The sink's callbacks drive the sender: each time a burst's worth has arrived, the next burst
 * leaves (from inside the sink's batch: queued records, no allocation), two bursts in flight.
 * So the pump allocates nothing per packet itself; a lost datagram shows as a timeout.
 */
class Pump implements SocketCallbacks {
  received = 0;
  sendErrors = 0;
  private target = 0;
  private left = 0;
  private done: (() => void) | null = null;
  private from: NativeSocket | null = null;
  private to = 0;

  constructor(private readonly payload: Buffer) {}

  readonly packet = (): void => {
    this.received += 1;
    if (this.received % PER_ROUND === 0) this.burst();
    if (this.received === this.target && this.done !== null) {
      const done = this.done;
      this.done = null;
      done();
    }
  };

  readonly truncated = (): void => undefined;

  readonly sent = (error: string | null): void => {
    if (error !== null) this.sendErrors += 1;
  };

  run(from: NativeSocket, to: number, rounds: number): Promise<void> {
    this.from = from;
    this.to = to;
    this.left = rounds;
    this.target = this.received + rounds * PER_ROUND;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out: ${this.target - this.received} datagrams missing`)), 30_000);
      this.done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.burst();
      this.burst();
    });
  }

  private burst(): void {
    if (this.left <= 0 || this.from === null) return;
    this.left -= 1;
    for (let i = 0; i < PER_ROUND; i++) this.from.send(this.payload, 0, this.payload.length, this.to, '127.0.0.1');
  }
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
    const packet = rtpPacket(0x5eed, 1, 160);
    const senderCount = new Counter();
    const pump = new Pump(packet);
    sender.start(senderCount);
    sink.start(pump);
    const call = await relay.createCall('steady');
    const a = await call.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: sender.port }, rtcpMux: true });
    await call.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: sink.port }, rtcpMux: true });
    await call.connect('a', 'b');
    const rounds = 1500; // 48,000 packets per measurement

    await pump.run(sender, sink.port, 300); // warm-up: JIT, both paths
    await pump.run(sender, a.rtpPort, 300);
    const direct = await growth(() => pump.run(sender, sink.port, rounds));
    let relayed = await growth(() => pump.run(sender, a.rtpPort, rounds));
    let runs = 1;
    // As in steady-state.test.ts: a GC set off by other work in this process gets the
    // measurement repeated (up to three times), so the figures come from a quiet run.
    for (; runs < 3 && relayed.scavenges > direct.scavenges; runs++) relayed = await growth(() => pump.run(sender, a.rtpPort, rounds));
    const n = rounds * PER_ROUND;
    console.log(`native forward x${n}: direct +${direct.grown} B (${direct.scavenges} scavenges), via relay +${relayed.grown} B (${relayed.scavenges} scavenges); retained ${relayed.retained} B`);
    const legA = call.stats().legs[0]!.counters;
    expect(legA.forwarded).toBe(runs * n + 300 * PER_ROUND);
    expect(senderCount.sendErrors + pump.sendErrors).toBe(0);
    // The relay may add no GC to the pump's, and a GC in either run would hide growth, so the
    // byte comparison needs quiet runs on both sides.
    expect(relayed.scavenges).toBeLessThanOrEqual(direct.scavenges);
    if (relayed.scavenges === 0 && direct.scavenges === 0) expect(relayed.grown - direct.grown).toBeLessThan(n * 4);
    expect(relayed.retained).toBeLessThan(512 * 1024);
    sender.close();
    sink.close();
  });
});
