/**
 * RTP ↔ RTP through media worker threads over real loopback UDP: forwarding both ways with
 * RTCP on its own ports, the latching policies for plain legs, and IPv6.
 */
jest.setTimeout(30_000);

import { MediaRelay, type RelayCall } from '../../../src/relay';
import { Endpoint, rtcpPacket, rtpPacket, settle } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

describe('RTP <-> RTP forwarding (worker threads)', () => {
  let relay: MediaRelay;
  const endpoints: Endpoint[] = [];
  const open = async (address?: string): Promise<Endpoint> => {
    const e = await Endpoint.open(address);
    endpoints.push(e);
    return e;
  };

  beforeAll(async () => {
    relay = await MediaRelay.create({ portRange: relayPortRange(50), bindAddress: '127.0.0.1', workers: 2, logLevel: 'silent' });
  });
  afterAll(async () => {
    for (const e of endpoints) e.close();
    await relay?.close();
  });

  async function twoLegCall(id: string, latchingB: 'strict' | 'first' | 'off' = 'strict'): Promise<{ call: RelayCall; a: Endpoint; b: Endpoint; portA: number; portB: number; rtcpA: Endpoint; rtcpB: Endpoint }> {
    const [a, b, rtcpA, rtcpB] = await Promise.all([open(), open(), open(), open()]);
    const call = await relay.createCall(id);
    const la = await call.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: a.port, rtcpPort: rtcpA.port } });
    const lb = await call.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: b.port, rtcpPort: rtcpB.port }, latching: latchingB });
    expect(la.rtpPort % 2).toBe(0);
    expect(la.rtcpPort).toBe(la.rtpPort + 1);
    expect(await call.connect('a', 'b')).toEqual({ 'a->b': 'forward', 'b->a': 'forward' });
    return { call, a, b, portA: la.rtpPort, portB: lb.rtpPort, rtcpA, rtcpB };
  }

  it('forwards RTP and RTCP both ways unchanged and counts them', async () => {
    const { call, a, b, portA, portB, rtcpA, rtcpB } = await twoLegCall('fwd');
    const sent: Buffer[] = [];
    for (let i = 0; i < 20; i++) {
      const p = rtpPacket(0x1111, i);
      sent.push(p);
      await a.send(p, portA);
    }
    await b.waitFor(20);
    expect(b.received).toEqual(sent);
    expect(b.sources.every((s) => s.port === portB)).toBe(true); // symmetric: sent from b's leg port

    await b.send(rtpPacket(0x2222, 7), portB);
    await a.waitFor(1);
    expect(a.received[0]).toEqual(rtpPacket(0x2222, 7));

    const rr = rtcpPacket(0x1111);
    await rtcpA.send(rr, portA + 1);
    await rtcpB.waitFor(1);
    expect(rtcpB.received[0]).toEqual(rr);
    expect(rtcpB.sources[0].port).toBe(portB + 1);

    // packetsOut counts a datagram when the socket confirms the send (its callback), which can
    // run a moment after the datagram arrived: wait for the counters to settle (bounded).
    for (let i = 0; i < 100 && call.stats().legs[1].counters.packetsOut < 21; i++) await new Promise((r) => setTimeout(r, 10));
    const [sa, sb] = call.stats().legs;
    expect(sa.counters).toMatchObject({ packetsIn: 21, rtcpPacketsIn: 1, forwarded: 21, packetsOut: 1, droppedBySource: 0 });
    expect(sb.counters).toMatchObject({ packetsIn: 1, packetsOut: 21, rtcpPacketsOut: 1, bytesOut: 20 * 172 + rr.length });
    expect(sa).toMatchObject({ peer: 'b', mode: 'forward', suite: null, latching: 'strict' });
    await call.close();
  });

  it('strict latching drops packets from any other source and never moves the leg', async () => {
    const { call, a, b, portA } = await twoLegCall('strict');
    const stranger = await open();
    await stranger.send(rtpPacket(0x3333, 1), portA);
    await settle();
    expect(b.received).toHaveLength(0);
    const leg = call.stats().legs[0];
    expect(leg.counters.droppedBySource).toBe(1);
    expect(leg.remote).toEqual({ address: '127.0.0.1', port: a.port });
    await call.close();
  });

  it('"first" latching locks onto the first source; later sources are dropped', async () => {
    const { call, a, b, portB } = await twoLegCall('first', 'first');
    const nat = await open(); // b behind a NAT: its packets come from another port
    const latched = new Promise((resolve) => relay.once('latch', resolve));
    await nat.send(rtpPacket(0x4444, 1), portB);
    await a.waitFor(1);
    expect(await latched).toMatchObject({ callId: 'first', legId: 'b', rtcp: false, port: nat.port });
    // Media for b now goes to the latched address...
    await a.send(rtpPacket(0x5555, 1), call.stats().legs[0].local.rtpPort);
    await nat.waitFor(1);
    expect(b.received).toHaveLength(0);
    // ...and the lock holds: the signaled address is now a stranger.
    await b.send(rtpPacket(0x4444, 2), portB);
    await settle();
    expect(a.received).toHaveLength(1);
    const legB = call.stats().legs[1];
    expect(legB.remote).toEqual({ address: '127.0.0.1', port: nat.port });
    expect(legB.counters).toMatchObject({ latchEvents: 1, droppedBySource: 1 });
    await call.close();
  });

  it('"off" accepts any source but never moves the leg', async () => {
    const { call, a, b, portB } = await twoLegCall('off', 'off');
    const other = await open();
    await other.send(rtpPacket(0x6666, 1), portB);
    await a.waitFor(1);
    await a.send(rtpPacket(0x7777, 1), call.stats().legs[0].local.rtpPort);
    await b.waitFor(1);
    expect(other.received).toHaveLength(0);
    expect(call.stats().legs[1].counters.latchEvents).toBe(0);
    await call.close();
  });

  it('drops malformed plain packets and counts them', async () => {
    const { call, a, b, portA } = await twoLegCall('malformed');
    await a.send(Buffer.from([1, 2, 3]), portA);
    await a.send(Buffer.alloc(20, 0x40), portA); // version 1
    await settle();
    expect(b.received).toHaveLength(0);
    expect(call.stats().legs[0].counters.malformed).toBe(2);
    await call.close();
  });

  it('places calls on the least loaded worker', async () => {
    const c1 = await relay.createCall('w1');
    const c2 = await relay.createCall('w2');
    expect(new Set([c1.worker.index, c2.worker.index])).toEqual(new Set([0, 1]));
    await Promise.all([c1.close(), c2.close()]);
  });
});

describe('IPv6', () => {
  it('relays RTP between IPv6 loopback legs', async () => {
    const relay = await MediaRelay.create({ portRange: relayPortRange(50), bindAddress: '::1', workers: 1, logLevel: 'silent' });
    const a = await Endpoint.open('::1');
    const b = await Endpoint.open('::1');
    try {
      const call = await relay.createCall('v6');
      const la = await call.addLeg({ id: 'a', remote: { address: '::1', port: a.port }, rtcpMux: true });
      await call.addLeg({ id: 'b', remote: { address: '::1', port: b.port }, rtcpMux: true });
      await call.connect('a', 'b');
      expect(la.address).toBe('::1');
      const p = rtpPacket(0xabcd, 3);
      await a.send(p, la.rtpPort, '::1');
      await b.waitFor(1);
      expect(b.received[0]).toEqual(p);
    } finally {
      a.close();
      b.close();
      await relay.close();
    }
  });
});
