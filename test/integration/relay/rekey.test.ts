/**
 * Rekeying a leg (RelayCall.rekeyLeg) over loopback UDP, in a worker thread and in-process:
 * new contexts replace the old ones with each SSRC's ROC carried over (streams that already
 * wrapped their sequence number keep decrypting), packets under the old keys are refused after
 * the swap, and the pairing is re-chosen.
 */
jest.setTimeout(30_000);

import { MediaRelay } from '../../../src/relay';
import { Endpoint, keysFor, protectRtp, rtpPacket, SrtpContext, SrtpStatus, unprotect } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

const SUITE = 'AES_CM_128_HMAC_SHA1_80';
const SSRC_A = 0xa1a1a1a1;
const SSRC_B = 0xb2b2b2b2;

function phone(): { send: SrtpContext; recv: SrtpContext; leg: { inbound: ReturnType<typeof keysFor>; outbound: ReturnType<typeof keysFor> } } {
  const inbound = keysFor(SUITE);
  const outbound = keysFor(SUITE);
  return { send: new SrtpContext(inbound), recv: new SrtpContext(outbound), leg: { inbound, outbound } };
}

describe.each([[1], [0]] as const)('rekeyLeg with %i worker(s)', (workers) => {
  let relay: MediaRelay;
  const endpoints: Endpoint[] = [];
  beforeAll(async () => {
    relay = await MediaRelay.create({ portRange: relayPortRange(50), bindAddress: '127.0.0.1', workers, logLevel: 'silent' });
  });
  afterAll(async () => {
    for (const e of endpoints) e.close();
    await relay?.close();
  });

  it('carries the ROC across the rekey, both directions, and refuses the old keys afterwards', async () => {
    const a = await Endpoint.open();
    const b = await Endpoint.open();
    endpoints.push(a, b);
    const A = phone();
    const B = phone();
    const call = await relay.createCall(`rekey-${workers}`);
    const la = await call.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: a.port }, rtcpMux: true, srtp: A.leg });
    const lb = await call.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: b.port }, rtcpMux: true, srtp: B.leg });
    await call.connect('a', 'b');

    // Both streams wrap their 16-bit sequence number: ROC 1 from here on.
    const seqs = [65532, 65533, 65534, 65535, 0, 1, 2];
    for (const s of seqs) await a.send(protectRtp(A.send, rtpPacket(SSRC_A, s)), la.rtpPort);
    for (const s of seqs) await b.send(protectRtp(B.send, rtpPacket(SSRC_B, s)), lb.rtpPort);
    await b.waitFor(seqs.length);
    await a.waitFor(seqs.length);
    expect(b.received.map((p) => unprotect(B.recv, p).status)).toEqual(new Array(seqs.length).fill(SrtpStatus.Ok));
    expect(a.received.map((p) => unprotect(A.recv, p).status)).toEqual(new Array(seqs.length).fill(SrtpStatus.Ok));

    // Rekey a: A gets fresh keys both ways and keeps its own ROCs (it is the same stream).
    const A2 = phone();
    A2.send.setRoc(SSRC_A, 1, 'outbound');
    A2.recv.setRoc(SSRC_B, 1, 'inbound');
    await call.rekeyLeg('a', A2.leg);
    expect(call.leg('a')?.peerId).toBe('b');

    for (const s of [3, 4, 5]) await a.send(protectRtp(A2.send, rtpPacket(SSRC_A, s)), la.rtpPort);
    await b.waitFor(seqs.length + 3);
    const after = b.received.slice(seqs.length).map((p) => unprotect(B.recv, p));
    expect(after.map((g) => g.status)).toEqual([SrtpStatus.Ok, SrtpStatus.Ok, SrtpStatus.Ok]);
    expect(after.map((g) => g.clear.readUInt16BE(2))).toEqual([3, 4, 5]);
    for (const s of [3, 4, 5]) await b.send(protectRtp(B.send, rtpPacket(SSRC_B, s)), lb.rtpPort);
    await a.waitFor(seqs.length + 3);
    // The relay's new outbound context for a carried B's ROC: A's new receive context decrypts.
    expect(a.received.slice(seqs.length).map((p) => unprotect(A2.recv, p).status)).toEqual([SrtpStatus.Ok, SrtpStatus.Ok, SrtpStatus.Ok]);
    expect(call.leg('a')?.stats().counters.authFailures).toBe(0);

    // A packet under the old key is refused (the old context is gone).
    await a.send(protectRtp(A.send, rtpPacket(SSRC_A, 6)), la.rtpPort);
    for (let i = 0; i < 50 && (call.leg('a')?.stats().counters.authFailures ?? 0) === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(call.leg('a')?.stats().counters.authFailures).toBe(1);
    expect(b.received).toHaveLength(seqs.length + 3);
    await call.close();
  });

  it('refuses to rekey a plain RTP leg, or to reuse another leg\'s key', async () => {
    const call = await relay.createCall(`rekey-bad-${workers}`);
    await call.addLeg({ id: 'p' });
    await expect(call.rekeyLeg('p', phone().leg)).rejects.toMatchObject({ code: 'RELAY_ERR_BAD_OPTION' });
    const A = phone();
    const B = phone();
    await call.addLeg({ id: 'a', srtp: A.leg });
    await call.addLeg({ id: 'b', srtp: B.leg });
    await expect(call.rekeyLeg('a', { inbound: keysFor(SUITE), outbound: B.leg.outbound })).rejects.toMatchObject({ code: 'RELAY_ERR_KEY_REUSE' });
    await call.close();
  });
});
