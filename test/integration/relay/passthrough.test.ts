/**
 * Verified passthrough (end-to-end keying, seed 003): both legs use the same two key sets, so
 * the relay authenticates every packet and forwards it unchanged. Unlike rtpengine in this
 * mode, forged, replayed and too-old packets never reach the other phone.
 */
jest.setTimeout(30_000);

import { MediaRelay, type RelayCall } from '../../../src/relay';
import { Endpoint, keysFor, protectRtcp, protectRtp, rtcpPacket, rtpPacket, settle, SrtpContext, SrtpStatus, unprotect } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

describe('verified passthrough', () => {
  let relay: MediaRelay;
  let call: RelayCall;
  let a: Endpoint;
  let b: Endpoint;
  let portA: number;
  let portB: number;
  const kAB = keysFor('AES_CM_128_HMAC_SHA1_80'); // A -> B
  const kBA = keysFor('AES_CM_128_HMAC_SHA1_80'); // B -> A
  const aSend = new SrtpContext(kAB);
  const bRecv = new SrtpContext(kAB);
  const bSend = new SrtpContext(kBA);
  const aRecv = new SrtpContext(kBA);

  beforeAll(async () => {
    relay = await MediaRelay.create({ portRange: relayPortRange(100), bindAddress: '127.0.0.1', workers: 1, logLevel: 'silent' });
    a = await Endpoint.open();
    b = await Endpoint.open();
    call = await relay.createCall('e2e');
    portA = (await call.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: a.port }, rtcpMux: true, srtp: { inbound: kAB, outbound: kBA } })).rtpPort;
    portB = (await call.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: b.port }, rtcpMux: true, srtp: { inbound: kBA, outbound: kAB } })).rtpPort;
  });
  afterAll(async () => {
    a.close();
    b.close();
    await relay?.close();
  });

  it('chooses passthrough both ways when the keys are the same end to end', async () => {
    expect(await call.connect('a', 'b')).toEqual({ 'a->b': 'passthrough', 'b->a': 'passthrough' });
  });

  it('forwards authentic SRTP and SRTCP byte for byte', async () => {
    const sent = Array.from({ length: 5 }, (_, i) => protectRtp(aSend, rtpPacket(0x1234, 10 + i)));
    for (const p of sent) await a.send(p, portA);
    const sr = protectRtcp(aSend, rtcpPacket(0x1234, 9));
    await a.send(sr, portA);
    await b.waitFor(6);
    expect(b.received).toEqual([...sent, sr]);
    expect(unprotect(bRecv, b.received[4])).toEqual({ status: SrtpStatus.Ok, clear: rtpPacket(0x1234, 14) });

    const back = protectRtp(bSend, rtpPacket(0x4321, 1));
    await b.send(back, portB);
    await a.waitFor(1);
    expect(a.received[0]).toEqual(back);
    expect(unprotect(aRecv, back).status).toBe(SrtpStatus.Ok);
  });

  it('drops forged packets (RTP and RTCP) and keeps forwarding authentic ones', async () => {
    const before = b.received.length;
    const forged = protectRtp(aSend, rtpPacket(0x1234, 20));
    forged[30] ^= 0x01;
    await a.send(forged, portA);
    const forgedRtcp = protectRtcp(aSend, rtcpPacket(0x1234, 10));
    forgedRtcp[12] ^= 0x80;
    await a.send(forgedRtcp, portA);
    // A forged packet claiming a far-ahead index must not move the replay window either.
    const ahead = protectRtp(new SrtpContext(kAB), rtpPacket(0x1234, 5000));
    ahead[ahead.length - 1] ^= 0xff;
    await a.send(ahead, portA);
    const good = protectRtp(aSend, rtpPacket(0x1234, 21));
    await a.send(good, portA);
    await b.waitFor(before + 1);
    await settle();
    expect(b.received.slice(before)).toEqual([good]);
    expect(call.stats().legs[0].counters.authFailures).toBe(3);
  });

  it('drops replayed and too-old packets', async () => {
    const before = b.received.length;
    const old = protectRtp(aSend, rtpPacket(0x1234, 22)); // protected, held back
    const p = protectRtp(aSend, rtpPacket(0x1234, 400));
    await a.send(p, portA);
    await a.send(p, portA); // replay of a packet just forwarded
    await a.send(b.received[0], portA); // replay of the first packet of the call
    await a.send(old, portA); // never seen, but 378 behind: outside the 128-packet window
    await b.waitFor(before + 1);
    await settle();
    expect(b.received.slice(before)).toEqual([p]);
    expect(call.stats().legs[0].counters).toMatchObject({ replays: 1, tooOld: 2 });
  });
});
