/**
 * The native load generator (native-bench/relay_loadgen, built on demand) in both socket
 * layouts, without a relay: each call's A and B send straight to each other. Shared sockets
 * (the default, on one or two threads) and a connected socket per stream must count the same packets, verify the
 * sampled ones, and notice a stream whose packets go to the wrong call. No timing assertions:
 * it checks counts only.
 */
import type { EndpointConfig, OpenedCall } from '../../../src/bench/relay/generator-messages';
import { NativeGeneratorClient, type GeneratorLayout } from '../../../src/bench/relay/native-generator-client';

jest.setTimeout(60_000);

const CALLS = 3;
const RUN = { warmupMs: 200, measureMs: 1000, drainMs: 200 };

function direct(port: number): EndpointConfig {
  return { relayAddress: '127.0.0.1', relayPort: port, send: null, recv: null };
}

describe.each<[string, GeneratorLayout]>([
  ['4 shared sockets, 2 threads', { sockets: 4, threads: 2 }],
  ['4 shared sockets, 1 thread', { sockets: 4, threads: 1 }],
  ['a socket per stream', { sockets: 0, threads: 1 }],
])('native load generator, %s', (_name, layout) => {
  let gen: NativeGeneratorClient;

  beforeAll(() => {
    gen = NativeGeneratorClient.start(160, layout);
  });

  afterAll(async () => {
    await gen.stop();
  });

  it('every packet of every stream comes back on its peer and sampled packets verify', async () => {
    const opened = await gen.open(CALLS);
    await gen.configure(0, opened.map((e) => ({ a: direct(e.b), b: direct(e.a) })));
    const { stats } = await gen.run(RUN, null);
    await gen.reset();
    expect(stats.calls).toBe(CALLS);
    expect(stats.sent).toBe(CALLS * 2 * 50); // 50 packets/s per stream over 1 s
    expect({ received: stats.received, lost: stats.lost, silent: stats.silentStreams, drops: stats.rcvDrops, sendErrors: stats.sendErrors })
      .toEqual({ received: stats.sent, lost: 0, silent: 0, drops: 0, sendErrors: 0 });
    expect(stats.verified).toBeGreaterThan(0);
    expect(stats.verifyFailures).toBe(0);
  });

  it('packets that reach the wrong call are not counted as received', async () => {
    const opened: OpenedCall[] = await gen.open(CALLS);
    // call 0's A sends to call 1's B: its stream goes missing
    const calls = opened.map((e) => ({ a: direct(e.b), b: direct(e.a) }));
    calls[0] = { a: direct(opened[1].b), b: direct(opened[0].a) };
    await gen.configure(0, calls);
    const { stats } = await gen.run(RUN, null);
    await gen.reset();
    // at least call 0's B hears nothing (a connected socket per stream also refuses B's packets at
    // call 0's A, which is connected elsewhere: two silent streams there)
    expect(stats.silentStreams).toBeGreaterThanOrEqual(1);
    expect(stats.lost).toBeGreaterThanOrEqual(50);
  });
});
