/**
 * Bursts through the relay, in every pair mode, on whichever packet I/O backend the run uses
 * (native by default; `npm run test:dgram` runs it on dgram). With the native backend a burst
 * arrives as batches of many datagrams across several calls' sockets, so packets sit in every
 * receive slot and their output in every send slot: each must come out byte for byte, once,
 * on the right leg, with no authentication failure counted anywhere.
 */
jest.setTimeout(60_000);

import { MediaRelay } from '../../../src/relay';
import type { RelayCall } from '../../../src/relay';
import { Endpoint, keysFor, protectRtp, rtpPacket, SrtpContext, SrtpStatus, unprotect } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

const CALLS = 4;
const PER_CALL = 120;
/**
 * Datagrams per call sent before yielding to the event loop: they queue up in the relay's
 * sockets (few enough that default socket buffers hold them: a kernel drop is not the relay's).
 */
const BURST = 15;

type Mode = 'recrypt' | 'passthrough' | 'decrypt' | 'encrypt' | 'forward';

interface Side {
  readonly end: Endpoint;
  readonly send: SrtpContext | null;
  readonly recv: SrtpContext | null;
}

describe('bursts through the relay in every pair mode', () => {
  let relay: MediaRelay;
  const endpoints: Endpoint[] = [];
  beforeAll(async () => {
    relay = await MediaRelay.create({ portRange: relayPortRange(60), bindAddress: '127.0.0.1', workers: 1, logLevel: 'silent' });
  });
  afterAll(async () => {
    for (const e of endpoints) e.close();
    await relay?.close();
  });

  async function setUp(mode: Mode, n: number): Promise<{ call: RelayCall; a: Side; b: Side; port: number }> {
    const a = await Endpoint.open();
    const b = await Endpoint.open();
    endpoints.push(a, b);
    const kIn = keysFor('AES_CM_128_HMAC_SHA1_80');
    const kOut = keysFor('AEAD_AES_128_GCM');
    const legA = mode === 'forward' || mode === 'encrypt' ? null : { inbound: kIn, outbound: keysFor('AES_CM_128_HMAC_SHA1_80') };
    let legB: { inbound: typeof kIn; outbound: typeof kIn } | null = null;
    let recvB: SrtpContext | null = null;
    if (mode === 'recrypt' || mode === 'encrypt') {
      legB = { inbound: keysFor('AEAD_AES_128_GCM'), outbound: kOut };
      recvB = new SrtpContext(kOut);
    } else if (mode === 'passthrough') {
      // End-to-end keying: B's outbound accepts A's key, so the relay only verifies.
      legB = { inbound: keysFor('AES_CM_128_HMAC_SHA1_80'), outbound: kIn };
      recvB = new SrtpContext(kIn);
    }
    const call = await relay.createCall(`${mode}-${n}`);
    const la = await call.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: a.port }, rtcpMux: true, srtp: legA, latching: legA === null ? 'strict' : undefined });
    await call.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: b.port }, rtcpMux: true, srtp: legB, latching: legB === null ? 'strict' : undefined });
    const modes = await call.connect('a', 'b');
    expect(modes['a->b']).toBe(mode);
    return { call, a: { end: a, send: legA === null ? null : new SrtpContext(kIn), recv: null }, b: { end: b, send: null, recv: recvB }, port: la.rtpPort };
  }

  it.each<Mode>(['recrypt', 'passthrough', 'decrypt', 'encrypt', 'forward'])('%s: every packet of interleaved bursts arrives intact, once', async (mode) => {
    const calls = await Promise.all(Array.from({ length: CALLS }, (_, i) => setUp(mode, i)));
    const clear = (c: number, seq: number): Buffer => rtpPacket(0x1000 + c, seq, 160 + ((seq * 7 + c) % 900));
    for (let start = 0; start < PER_CALL; start += BURST) {
      const sends: Promise<void>[] = [];
      for (let seq = start; seq < start + BURST; seq++) {
        calls.forEach((c, i) => {
          const p = clear(i, seq);
          sends.push(c.a.end.send(c.a.send === null ? p : protectRtp(c.a.send, p), c.port));
        });
      }
      await Promise.all(sends);
      await Promise.all(calls.map((c) => c.b.end.waitFor(start + BURST, 10_000)));
    }
    await Promise.all(calls.map((c) => c.b.end.waitFor(PER_CALL, 10_000)));
    calls.forEach((c, i) => {
      const got = c.b.end.received.map((pkt) => (c.b.recv === null ? { status: SrtpStatus.Ok, clear: pkt } : unprotect(c.b.recv, pkt)));
      expect(got.filter((g) => g.status !== SrtpStatus.Ok)).toEqual([]);
      // Loopback keeps order within one socket pair: packet k is the k-th sent.
      expect(got.map((g) => g.clear)).toEqual(Array.from({ length: PER_CALL }, (_, seq) => clear(i, seq)));
      const counters = c.call.stats().legs[0]!.counters;
      expect({ forwarded: counters.forwarded, authFailures: counters.authFailures, replays: counters.replays, malformed: counters.malformed })
        .toEqual({ forwarded: PER_CALL, authFailures: 0, replays: 0, malformed: 0 });
      expect(c.call.stats().legs[1]!.counters.packetsOut).toBe(PER_CALL);
    });
  });
});
