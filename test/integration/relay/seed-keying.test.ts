/**
 * Seed 003 call keying through the relay over loopback UDP: two simulated phones hold the two
 * call-scoped sets of a stream (A→B, B→A) made by the key manager, the relay's two legs get
 * their share (`relayLegContextOptions`). The relay verifies and forwards the phones' packets
 * byte for byte (dropping forged, replayed and too-old ones), protects what it originates
 * itself (a music-on-hold RTP source) with the relay-origin key, which no phone sends with, and
 * goes back to passthrough afterwards with the phones' ROC and replay state intact. A rekey of
 * the call pair carries the ROC over.
 */
jest.setTimeout(60_000);

import { handOffRollover, KeyManager, relayLegContextOptions, toSrtpContextOptions, wipeContextOptions, wipeRelayLegOptions, type CallStreamKeys, type MasterKeySet, type Side } from '../../../src/keys';
import { MediaRelay, RelayErrorCode, type RelayCall } from '../../../src/relay';
import type { ProtectionProfile } from '../../../src/srtp';
import { relayPortRange } from '../../helpers/port-ranges';
import { Endpoint, keysFor, protectRtcp, protectRtp, rtcpPacket, rtpPacket, settle, SrtpContext, SrtpStatus, unprotect } from './helpers';

const SSRC_A = 0xa0a0a0a0;
const SSRC_B = 0xb0b0b0b0;
const SSRC_MOH = 0x3030;

function context(set: MasterKeySet): SrtpContext {
  const options = toSrtpContextOptions(set);
  try {
    return new SrtpContext(options);
  } finally {
    wipeContextOptions(options);
  }
}

/** The MKI of an SRTP packet: before the HMAC tag (RFC 3711 §3.1), after the AEAD tag (RFC 7714 §8). */
function mkiOf(packet: Uint8Array, profile: ProtectionProfile, mkiLength: number): string {
  const end = profile.aead ? packet.length : packet.length - profile.srtpTagLength;
  return Buffer.from(packet.subarray(end - mkiLength, end)).toString('hex');
}

async function addPhoneLeg(call: RelayCall, id: string, phone: Endpoint, keys: CallStreamKeys, side: Side): Promise<number> {
  const srtp = relayLegContextOptions(keys, side);
  try {
    return (await call.addLeg({ id, remote: { address: '127.0.0.1', port: phone.port }, rtcpMux: true, srtp })).rtpPort;
  } finally {
    wipeRelayLegOptions(srtp);
  }
}

describe.each([['AES_CM_128_HMAC_SHA1_80', 1], ['AEAD_AES_128_GCM', 0]] as const)('seed 003 call keys through the relay (%s, %i worker(s))', (suite, workers) => {
  let km: KeyManager;
  let relay: MediaRelay;
  let call: RelayCall;
  let keys: CallStreamKeys;
  let a: Endpoint;
  let b: Endpoint;
  let moh: Endpoint;
  let portA: number;
  let portB: number;
  let portMoh: number;
  // The phones' SRTP contexts, built from what each phone is delivered.
  let aSend: SrtpContext;
  let aRecv: SrtpContext;
  let bSend: SrtpContext;
  let bRecv: SrtpContext;
  // Phone A's stream starts close to a SEQ wrap, so the rekey at the end happens at ROC 1.
  let seqA = 65400;
  let seqB = 1;
  const sentA: Buffer[] = [];

  const legCounters = (id: string): Record<string, number> => {
    const leg = call.stats().legs.find((l) => l.id === id);
    if (leg === undefined) throw new Error(`no leg ${id}`);
    return leg.counters as unknown as Record<string, number>;
  };
  const fromA = (): Buffer => {
    const p = protectRtp(aSend, rtpPacket(SSRC_A, seqA++ & 0xffff));
    sentA.push(p);
    return p;
  };

  beforeAll(async () => {
    km = await KeyManager.create({ suitePreference: [suite], env: {} });
    relay = await MediaRelay.create({ portRange: relayPortRange(40), bindAddress: '127.0.0.1', workers, logLevel: 'silent' });
    a = await Endpoint.open();
    b = await Endpoint.open();
    moh = await Endpoint.open();
    keys = km.createCallStreamKeys({ callId: 'seed', stream: 'audio', a: [suite], b: [suite] });
    aSend = context(keys.endpoint('A').send);
    aRecv = context(keys.endpoint('A').receive);
    bSend = context(keys.endpoint('B').send);
    bRecv = context(keys.endpoint('B').receive);
    call = await relay.createCall('seed');
    portA = await addPhoneLeg(call, 'a', a, keys, 'A');
    portB = await addPhoneLeg(call, 'b', b, keys, 'B');
    portMoh = (await call.addLeg({ id: 'moh', remote: { address: '127.0.0.1', port: moh.port }, rtcpMux: true, srtp: null, latching: 'strict' })).rtpPort;
  });
  afterAll(async () => {
    for (const e of [a, b, moh]) e?.close();
    await relay?.close();
    km?.close();
  });

  it('(a) chooses verified passthrough and forwards both directions byte for byte', async () => {
    expect(await call.connect('a', 'b')).toEqual({ 'a->b': 'passthrough', 'b->a': 'passthrough' });
    const toB = Array.from({ length: 5 }, fromA);
    for (const p of toB) await a.send(p, portA);
    const sr = protectRtcp(aSend, rtcpPacket(SSRC_A, 1));
    await a.send(sr, portA);
    await b.waitFor(6);
    expect(b.received).toEqual([...toB, sr]);
    for (const p of toB) expect(unprotect(bRecv, p).status).toBe(SrtpStatus.Ok);
    expect(unprotect(bRecv, sr, true).status).toBe(SrtpStatus.Ok);

    const toA = Array.from({ length: 3 }, () => protectRtp(bSend, rtpPacket(SSRC_B, seqB++)));
    for (const p of toA) await b.send(p, portB);
    await a.waitFor(3);
    expect(a.received).toEqual(toA);
    for (const p of toA) expect(unprotect(aRecv, p).status).toBe(SrtpStatus.Ok);
    // Phones send with their endpoint key (MKI 1).
    expect([...toB, ...toA].map((p) => mkiOf(p, keys.profile, 1))).toEqual(new Array(8).fill('01'));
  });

  it('(b) drops forged, replayed, too-old and relay-origin-keyed packets, counting each', async () => {
    const before = b.received.length;
    const c0 = { ...legCounters('a') };
    const forged = fromA();
    forged[20] ^= 0x01;
    await a.send(forged, portA);
    const held = fromA(); // authentic, held back until it is too old
    for (let i = 0; i < 140; i++) await a.send(fromA(), portA);
    const last = sentA[sentA.length - 1];
    await a.send(last, portA); // replay of a packet just forwarded
    await a.send(held, portA); // 140 behind: outside the 128-packet window
    // Phone B holds the A→B relay-origin key (to receive with) but must not be able to inject
    // it on A's leg: A's leg verifies A's endpoint key only.
    const relayKeyed = context(keys.aToB.relayOrigin);
    await b.send(protectRtp(relayKeyed, rtpPacket(SSRC_A, seqA & 0xffff)), portA);
    relayKeyed.close();
    await b.waitFor(before + 140);
    await settle();
    expect(b.received.slice(before)).toEqual(sentA.slice(-140));
    const c1 = legCounters('a');
    expect(c1.authFailures - c0.authFailures).toBe(1);
    expect(c1.replays - c0.replays).toBe(1);
    expect(c1.tooOld - c0.tooOld).toBe(1);
    expect(c1.unknownMki - c0.unknownMki).toBe(1);
    expect(c1.latchEvents).toBe(c0.latchEvents); // nothing moved leg a
    for (const p of b.received.slice(before)) expect(unprotect(bRecv, p).status).toBe(SrtpStatus.Ok);
  });

  it('(c) music on hold toward B is protected with the relay-origin key; passthrough resumes with state intact', async () => {
    expect(await call.connect('b', 'moh')).toEqual({ 'b->moh': 'decrypt', 'moh->b': 'encrypt' });
    const before = b.received.length;
    const music = [1, 2, 3].map((s) => rtpPacket(SSRC_MOH, s));
    for (const p of music) await moh.send(p, portMoh);
    await b.waitFor(before + 3);
    const atB = b.received.slice(before);
    for (const [i, p] of atB.entries()) {
      expect(mkiOf(p, keys.profile, 1)).toBe('02'); // relay-origin key, not phone A's MKI 1
      expect(unprotect(bRecv, p)).toEqual({ status: SrtpStatus.Ok, clear: music[i] });
    }
    // B's packets reach the RTP side decrypted.
    const fromB = rtpPacket(SSRC_B, seqB++);
    await b.send(protectRtp(bSend, fromB), portB);
    await moh.waitFor(1);
    expect(moh.received[0]).toEqual(fromB);
    // Meanwhile A (held, unpaired) is still verified, but routed nowhere.
    const c0 = legCounters('a');
    const duringHold = fromA();
    await a.send(duringHold, portA);
    await settle();
    expect(legCounters('a').droppedNoRoute).toBe(c0.droppedNoRoute + 1);

    // Resume: passthrough again; A's stream continues and B still decrypts it.
    expect(await call.connect('a', 'b')).toEqual({ 'a->b': 'passthrough', 'b->a': 'passthrough' });
    const afterHold = b.received.length;
    const next = [fromA(), fromA()];
    for (const p of next) await a.send(p, portA);
    await a.send(duringHold, portA); // already accepted (during hold): a replay now
    await b.waitFor(afterHold + 2);
    await settle();
    expect(b.received.slice(afterHold)).toEqual(next);
    for (const p of next) expect(unprotect(bRecv, p).status).toBe(SrtpStatus.Ok);
    expect(legCounters('a').replays).toBeGreaterThanOrEqual(2);
  });

  it('(d) a relay-originated stream with phone A’s SSRC and sequence numbers never shares a (key, index) with A', async () => {
    // Phone A's first five packets (ROC 0), and the same RTP packets (same SSRC, SEQ, payload)
    // sent by an RTP source the relay protects toward B, as a transcoder that keeps the SSRC
    // would. The relay's context has not seen this SSRC, so it starts at ROC 0 too: the packet
    // indexes are equal (a fresh receiver verifies both at ROC 0 below).
    const phoneCopies = sentA.slice(0, 5);
    const clear = phoneCopies.map((p) => {
      const probe = context(keys.endpoint('B').receive);
      const r = unprotect(probe, p);
      probe.close();
      expect(r.status).toBe(SrtpStatus.Ok);
      return r.clear;
    });
    await call.connect('b', 'moh');
    const before = b.received.length;
    for (const p of clear) await moh.send(p, portMoh);
    await b.waitFor(before + 5);
    const relayCopies = b.received.slice(before);
    const endpointOnly = context(keys.aToB.endpoint);
    const relayOnly = context(keys.aToB.relayOrigin);
    const fresh = context(keys.endpoint('B').receive);
    for (let i = 0; i < 5; i++) {
      const phone = phoneCopies[i];
      const relayed = relayCopies[i];
      expect(relayed.subarray(0, 12)).toEqual(phone.subarray(0, 12)); // same SSRC and SEQ
      expect(mkiOf(phone, keys.profile, 1)).toBe('01');
      expect(mkiOf(relayed, keys.profile, 1)).toBe('02');
      // Equal plaintext, header and index: equal ciphertext would mean the same keystream (or GCM nonce).
      expect(relayed.subarray(12, 12 + 160).equals(phone.subarray(12, 12 + 160))).toBe(false);
      // Each packet verifies only under its own origin's master key.
      expect(endpointOnly.verifyRtp(relayed)).toBe(SrtpStatus.UnknownMki);
      expect(relayOnly.verifyRtp(phone)).toBe(SrtpStatus.UnknownMki);
      expect(unprotect(relayOnly, relayed)).toEqual({ status: SrtpStatus.Ok, clear: clear[i] });
      expect(unprotect(fresh, relayed)).toEqual({ status: SrtpStatus.Ok, clear: clear[i] });
    }
    for (const c of [endpointOnly, relayOnly, fresh]) c.close();
    await call.connect('a', 'b');
  });

  it('(e) rekeys the call pair with the ROC carried over, back to passthrough', async () => {
    expect(seqA).toBeGreaterThan(65536); // A's stream wrapped: ROC 1
    expect(aSend.getRoc(SSRC_A, 'outbound')).toBe(1);
    const next = km.rekeyCallStream('seed', 'audio');
    expect(next.generation).toBe(2);
    // The relay: new contexts for both legs; the worker carries each SSRC's ROC. Between the
    // two rekeys the sets differ, so the relay recrypts, protecting only with relay-origin keys.
    for (const [id, side] of [['a', 'A'], ['b', 'B']] as const) {
      const srtp = relayLegContextOptions(next, side);
      try {
        await call.rekeyLeg(id, srtp);
      } finally {
        wipeRelayLegOptions(srtp);
      }
      if (id === 'a') expect(call.stats().legs.filter((l) => l.id !== 'moh').map((l) => l.mode)).toEqual(['recrypt', 'recrypt']);
    }
    expect(call.stats().legs.filter((l) => l.id !== 'moh').map((l) => l.mode)).toEqual(['passthrough', 'passthrough']);
    // The phones: new contexts from their new sets, ROC handed off (RFC 3711 §3.3.1).
    const aSend2 = context(next.endpoint('A').send);
    const bRecv2 = context(next.endpoint('B').receive);
    handOffRollover({ context: aSend, direction: 'outbound' }, [{ context: aSend2, direction: 'outbound' }], [SSRC_A]);
    handOffRollover({ context: bRecv, direction: 'inbound' }, [{ context: bRecv2, direction: 'inbound' }], [SSRC_A]);
    const oldKeyed = protectRtp(aSend, rtpPacket(SSRC_A, seqA++ & 0xffff));
    const before = b.received.length;
    const c0 = legCounters('a');
    await a.send(oldKeyed, portA); // the old keys are refused after the swap
    const fresh = [0, 1, 2].map(() => protectRtp(aSend2, rtpPacket(SSRC_A, seqA++ & 0xffff)));
    for (const p of fresh) await a.send(p, portA);
    await b.waitFor(before + 3);
    await settle();
    expect(b.received.slice(before)).toEqual(fresh);
    expect(legCounters('a').authFailures).toBe(c0.authFailures + 1);
    for (const p of fresh) expect(unprotect(bRecv2, p).status).toBe(SrtpStatus.Ok);
    expect(bRecv2.getRoc(SSRC_A)).toBe(1);
    for (const c of [aSend2, bRecv2]) c.close();
  });
});

describe('relay key-reuse guard with call keys and key-identical sets', () => {
  let km: KeyManager;
  let relay: MediaRelay;
  const remote = { address: '127.0.0.1', port: 9 };
  beforeAll(async () => {
    km = await KeyManager.create({ suitePreference: ['AES_CM_128_HMAC_SHA1_80'], env: {} });
    relay = await MediaRelay.create({ portRange: relayPortRange(40), bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent' });
  });
  afterAll(async () => {
    await relay?.close();
    km?.close();
  });

  it('refuses to protect into a leg with a key-identical end-to-end set (the phone protects with that key too)', async () => {
    const ab = keysFor('AES_CM_128_HMAC_SHA1_80');
    const ba = keysFor('AES_CM_128_HMAC_SHA1_80');
    const call = await relay.createCall('identical');
    await call.addLeg({ id: 'a', remote, rtcpMux: true, srtp: { inbound: ab, outbound: ba } });
    await call.addLeg({ id: 'b', remote, rtcpMux: true, srtp: { inbound: ba, outbound: ab } });
    await call.addLeg({ id: 'moh', remote, rtcpMux: true, srtp: null });
    expect(await call.connect('a', 'b')).toEqual({ 'a->b': 'passthrough', 'b->a': 'passthrough' });
    await expect(call.connect('b', 'moh')).rejects.toMatchObject({ code: RelayErrorCode.KeyReuse });
    // The refused connect changed nothing.
    expect(call.stats().legs.find((l) => l.id === 'b')?.peer).toBe('a');
    await call.close();
  });

  it('accepts the call-key arrangement and refuses real reuse around it', async () => {
    const k = km.createCallStreamKeys({ callId: 'guard', stream: 'audio', a: ['AES_CM_128_HMAC_SHA1_80'], b: ['AES_CM_128_HMAC_SHA1_80'] });
    const call = await relay.createCall('guard');
    const optsA = relayLegContextOptions(k, 'A');
    const optsB = relayLegContextOptions(k, 'B');
    await call.addLeg({ id: 'a', remote, rtcpMux: true, srtp: optsA });
    await call.addLeg({ id: 'b', remote, rtcpMux: true, srtp: optsB });
    await call.addLeg({ id: 'moh', remote, rtcpMux: true, srtp: null });
    expect(await call.connect('b', 'moh')).toEqual({ 'b->moh': 'decrypt', 'moh->b': 'encrypt' });
    // A second relay leg protecting with the same relay-origin key: two senders, one key.
    await expect(call.addLeg({ id: 'b2', remote, rtcpMux: true, srtp: { inbound: keysFor('AES_CM_128_HMAC_SHA1_80'), outbound: optsB.outbound } }))
      .rejects.toMatchObject({ code: RelayErrorCode.KeyReuse });
    // A leg whose remote would send with the key the relay protects toward B with right now.
    const relayKey = toSrtpContextOptions(k.aToB.relayOrigin);
    await expect(call.addLeg({ id: 'c', remote, rtcpMux: true, srtp: { inbound: relayKey, outbound: keysFor('AES_CM_128_HMAC_SHA1_80') } }))
      .rejects.toMatchObject({ code: RelayErrorCode.KeyReuse });
    // The endpoint key with another MKI on the receiving side is not the same set: refused, not recrypted.
    const k2 = km.createCallStreamKeys({ callId: 'guard', stream: 'video', a: ['AES_CM_128_HMAC_SHA1_80'], b: ['AES_CM_128_HMAC_SHA1_80'] });
    const v = relayLegContextOptions(k2, 'A');
    const wrongMki = toSrtpContextOptions(k2.aToB.endpoint);
    const renumbered = { ...wrongMki, keys: (wrongMki.keys as readonly { key: Uint8Array; salt: Uint8Array }[]).map((x) => ({ key: x.key, salt: x.salt, mki: Uint8Array.of(9) })) };
    await call.addLeg({ id: 'va', remote, rtcpMux: true, srtp: v });
    await call.addLeg({ id: 'vb', remote, rtcpMux: true, srtp: { inbound: keysFor('AES_CM_128_HMAC_SHA1_80'), outbound: renumbered } });
    await expect(call.connect('va', 'vb')).rejects.toMatchObject({ code: RelayErrorCode.KeyReuse });
    for (const o of [optsA, optsB, v]) wipeRelayLegOptions(o);
    for (const o of [relayKey, wrongMki]) wipeContextOptions(o);
    await call.close();
  });
});
