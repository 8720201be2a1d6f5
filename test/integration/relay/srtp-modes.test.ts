/**
 * Recrypt across suites and the SRTP ↔ RTP bridge, through a media worker thread over
 * loopback UDP. Each test endpoint plays a phone with its own SRTP contexts; what one phone
 * protects, the other must recover byte for byte after the relay re-protected it (or not).
 */
jest.setTimeout(30_000);

import { MediaRelay } from '../../../src/relay';
import { Endpoint, keysFor, protectRtcp, protectRtp, rtcpPacket, rtpPacket, SrtpContext, SrtpStatus, unprotect } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

/** A phone: sends with `send` keys, receives with `recv` keys; the relay gets the mirror image. */
function phone(profile: string): { send: SrtpContext; recv: SrtpContext; leg: { inbound: ReturnType<typeof keysFor>; outbound: ReturnType<typeof keysFor> } } {
  const inbound = keysFor(profile);
  const outbound = keysFor(profile);
  return { send: new SrtpContext(inbound), recv: new SrtpContext(outbound), leg: { inbound, outbound } };
}

describe('SRTP modes through a worker thread', () => {
  let relay: MediaRelay;
  const endpoints: Endpoint[] = [];
  beforeAll(async () => {
    relay = await MediaRelay.create({ portRange: relayPortRange(100), bindAddress: '127.0.0.1', workers: 1, logLevel: 'silent' });
  });
  afterAll(async () => {
    for (const e of endpoints) e.close();
    await relay?.close();
  });
  const open = async (): Promise<Endpoint> => {
    const e = await Endpoint.open();
    endpoints.push(e);
    return e;
  };

  it.each([
    ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'],
    ['AES_CM_128_HMAC_SHA1_32', 'AES_256_CM_HMAC_SHA1_80'],
    ['AEAD_AES_256_GCM', 'AES_CM_128_HMAC_SHA1_80'],
    ['AES_192_CM_HMAC_SHA1_80', 'AES_256_CM_HMAC_SHA1_32'],
  ])('recrypts %s <-> %s, RTP and RTCP, both ways', async (suiteA, suiteB) => {
    const A = phone(suiteA);
    const B = phone(suiteB);
    const [a, b] = [await open(), await open()];
    const call = await relay.createCall(`recrypt-${suiteA}-${suiteB}`);
    const la = await call.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: a.port }, rtcpMux: true, srtp: A.leg });
    const lb = await call.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: b.port }, rtcpMux: true, srtp: B.leg });
    expect(await call.connect('a', 'b')).toEqual({ 'a->b': 'recrypt', 'b->a': 'recrypt' });

    const clear = Array.from({ length: 10 }, (_, i) => rtpPacket(0xa0a0a0a0, 1000 + i));
    for (const p of clear) await a.send(protectRtp(A.send, p), la.rtpPort);
    const rr = rtcpPacket(0xa0a0a0a0, 1);
    await a.send(protectRtcp(A.send, rr), la.rtpPort);
    await b.waitFor(11);
    const got = b.received.map((pkt) => unprotect(B.recv, pkt, (pkt[1] & 0x7f) >= 64 && (pkt[1] & 0x7f) <= 95));
    expect(got.map((g) => g.status)).toEqual(new Array(11).fill(SrtpStatus.Ok));
    expect(got.slice(0, 10).map((g) => g.clear)).toEqual(clear);
    expect(got[10].clear).toEqual(rr);

    const back = rtpPacket(0xb0b0b0b0, 5);
    await b.send(protectRtp(B.send, back), lb.rtpPort);
    await a.waitFor(1);
    expect(unprotect(A.recv, a.received[0])).toEqual({ status: SrtpStatus.Ok, clear: back });

    // packetsOut counts a datagram when the socket confirms the send: let the counters settle (bounded).
    for (let i = 0; i < 100 && (call.stats().legs[0].counters.packetsOut < 1 || call.stats().legs[1].counters.packetsOut < 11); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const [sa, sb] = call.stats().legs;
    expect(sa.suite).toEqual({ inbound: A.send.profile.name, outbound: A.recv.profile.name });
    expect(sa.counters).toMatchObject({ packetsIn: 11, forwarded: 11, authFailures: 0, packetsOut: 1 });
    expect(sb.counters).toMatchObject({ packetsOut: 11, rtcpPacketsOut: 1, protectErrors: 0 });
    const json = JSON.stringify(call.stats());
    for (const k of [A.leg.inbound, A.leg.outbound, B.leg.inbound, B.leg.outbound]) {
      const mk = k.keys as { key: Uint8Array; salt: Uint8Array };
      expect(json).not.toContain(Buffer.from(mk.key).toString('hex'));
      expect(json).not.toContain(Buffer.from(mk.key).toString('base64'));
    }
    await call.close();
  });

  it('bridges SRTP -> RTP and RTP -> SRTP, RTCP included, on separate RTCP ports', async () => {
    const A = phone('AES_CM_128_HMAC_SHA1_80');
    const [a, aRtcp, b, bRtcp] = [await open(), await open(), await open(), await open()];
    const call = await relay.createCall('bridge');
    const la = await call.addLeg({ id: 'srtp', remote: { address: '127.0.0.1', port: a.port, rtcpPort: aRtcp.port }, srtp: A.leg });
    const lb = await call.addLeg({ id: 'rtp', remote: { address: '127.0.0.1', port: b.port, rtcpPort: bRtcp.port } });
    expect(await call.connect('srtp', 'rtp')).toEqual({ 'srtp->rtp': 'decrypt', 'rtp->srtp': 'encrypt' });

    // SRTP in, plain RTP out: the plain side gets exactly the packets the phone protected.
    const clear = Array.from({ length: 10 }, (_, i) => rtpPacket(0x0c0c0c0c, 65530 + i)); // crosses a ROC rollover
    for (const p of clear) await a.send(protectRtp(A.send, p), la.rtpPort);
    await b.waitFor(10);
    expect(b.received).toEqual(clear);
    const sr = rtcpPacket(0x0c0c0c0c, 2);
    await aRtcp.send(protectRtcp(A.send, sr), la.rtcpPort);
    await bRtcp.waitFor(1);
    expect(bRtcp.received[0]).toEqual(sr);

    // Plain RTP in, SRTP out: the phone decrypts what the plain side sent.
    const plain = Array.from({ length: 5 }, (_, i) => rtpPacket(0x0d0d0d0d, i));
    for (const p of plain) await b.send(p, lb.rtpPort);
    await a.waitFor(5);
    expect(a.received.map((p) => unprotect(A.recv, p))).toEqual(plain.map((p) => ({ status: SrtpStatus.Ok, clear: p })));
    const rr = rtcpPacket(0x0d0d0d0d, 3);
    await bRtcp.send(rr, lb.rtcpPort);
    await aRtcp.waitFor(1);
    expect(unprotect(A.recv, aRtcp.received[0], true)).toEqual({ status: SrtpStatus.Ok, clear: rr });
    await call.close();
  });

  it('refuses a leg whose inbound and outbound share a master key', async () => {
    const k = keysFor('AES_CM_128_HMAC_SHA1_80');
    const call = await relay.createCall('reuse');
    const available = relay.pool.available;
    await expect(call.addLeg({ id: 'x', srtp: { inbound: k, outbound: k } })).rejects.toMatchObject({ code: 'RELAY_ERR_KEY_REUSE' });
    await expect(call.addLeg({ id: 'y', srtp: { inbound: k, outbound: { ...k, profile: 'NOPE' } } })).rejects.toMatchObject({ code: 'RELAY_ERR_BAD_SRTP_OPTIONS' });
    expect(relay.pool.available).toBe(available);
    await call.close();
  });
});
