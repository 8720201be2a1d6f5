/**
 * Managed and SDES key sets drive the real SRTP engine (src/srtp): what one side protects the
 * other unprotects, in both directions, for every suite; the other direction's keys do not.
 */
import { answerSdesOffer, completeSdesOffer, createSdesOffer, initKeys, KeyManager, SuitePolicy, toSrtpContextOptions, wipeContextOptions, type MasterKeySet } from '../../../src/keys';
import { PROTECTION_PROFILES, SrtpContext, SrtpStatus } from '../../../src/srtp';
import { rtcpSenderReport, rtpPacket } from './helpers';

beforeAll(async () => {
  await initKeys();
});

function context(set: MasterKeySet): SrtpContext {
  const options = toSrtpContextOptions(set);
  try {
    return new SrtpContext(options);
  } finally {
    wipeContextOptions(options);
  }
}

function protect(ctx: SrtpContext, packet: Uint8Array, rtcp = false): Uint8Array {
  const st = rtcp ? ctx.protectRtcp(packet) : ctx.protectRtp(packet);
  expect(st).toBe(SrtpStatus.Ok);
  return Uint8Array.from(ctx.output.subarray(0, ctx.outputLength));
}

function unprotect(ctx: SrtpContext, packet: Uint8Array, rtcp = false): { status: SrtpStatus; plain: Uint8Array } {
  const status = rtcp ? ctx.unprotectRtcp(packet) : ctx.unprotectRtp(packet);
  return { status, plain: status === SrtpStatus.Ok ? Uint8Array.from(ctx.output.subarray(0, ctx.outputLength)) : new Uint8Array(0) };
}

describe.each(PROTECTION_PROFILES.map((p) => [p.name]))('%s', (name) => {
  it('managed key sets: A→B and B→A protect on one side and unprotect on the other', async () => {
    const km = await KeyManager.create({ suitePreference: [name], allowNull: true, env: {} });
    const [s] = km.createLegKeys({ callId: 'c', streams: ['audio'], a: [name], b: [name] });
    const a = km.endpointKeys('c', 'A')[0];
    const b = km.endpointKeys('c', 'B')[0];
    const aSend = context(a.send);
    const aRecv = context(a.receive);
    const bSend = context(b.send);
    const bRecv = context(b.receive);
    // A second context on A's receive keys that has seen nothing, so replay state plays no part.
    const probe = context(a.receive);
    for (let seq = 1; seq <= 5; seq++) {
      const fromA = rtpPacket(0x1111, seq);
      const fromB = rtpPacket(0x1111, seq); // same SSRC and SEQ on purpose: the keys keep them apart
      const wireA = protect(aSend, fromA);
      const wireB = protect(bSend, fromB);
      expect(Buffer.compare(wireA, wireB)).not.toBe(0);
      expect(unprotect(bRecv, wireA)).toEqual({ status: SrtpStatus.Ok, plain: fromA });
      expect(unprotect(aRecv, wireB)).toEqual({ status: SrtpStatus.Ok, plain: fromB });
      // A's own receive keys (B→A) cannot open what A sent: the directions do not share keys.
      expect(unprotect(probe, wireA).status).toBe(SrtpStatus.AuthFailed);
    }
    const sr = rtcpSenderReport(0x2222);
    expect(unprotect(bRecv, protect(aSend, sr, true), true)).toEqual({ status: SrtpStatus.Ok, plain: sr });
    expect(unprotect(aRecv, protect(bSend, sr, true), true)).toEqual({ status: SrtpStatus.Ok, plain: sr });
    for (const c of [aSend, aRecv, bSend, bRecv, probe]) c.close();
    expect(s.aToB.released).toBe(false);
    km.close();
  });

  it('SDES offer/answer key sets work in both directions', () => {
    const policy = new SuitePolicy([name], { allowNull: true });
    const offer = createSdesOffer(policy, { keys: { keyCount: 2, mkiLength: 1 } });
    const answer = answerSdesOffer(offer.lines, policy);
    const offerer = completeSdesOffer(offer, answer.line, policy);
    const offererSend = context(offerer.send);
    const offererRecv = context(offerer.receive);
    const answererSend = context(answer.send);
    const answererRecv = context(answer.receive);
    const p = rtpPacket(0xabcdef01, 100, 1200);
    expect(unprotect(answererRecv, protect(offererSend, p))).toEqual({ status: SrtpStatus.Ok, plain: p });
    expect(unprotect(offererRecv, protect(answererSend, p))).toEqual({ status: SrtpStatus.Ok, plain: p });
  });
});
