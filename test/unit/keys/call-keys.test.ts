/**
 * Call-scoped keying (seed 003 "Media encryption" steps 1-7) with origin separation by MKI:
 * both phones of a call get the same two sets per stream, the relay's legs get what they need
 * to verify (passthrough) and to protect what the relay itself originates, and no
 * (master key, SSRC, index) is ever protected by both a phone and the relay (RFC 3711 §9.1).
 */
import { inspect } from 'node:util';
import sodium from 'libsodium-wrappers';
import {
  formatCryptoAttribute, handOffRollover, KeyErrorCode, KeyManager, openSealed, parseCryptoAttribute, relayLegContextOptions,
  toSrtpContextOptions, wipeContextOptions, wipeRelayLegOptions, type MasterKeySet,
} from '../../../src/keys';
import { SrtpContext, SrtpStatus, type ProtectionProfile, type SrtpContextOptions } from '../../../src/srtp';
import { hex, rtpPacket } from './helpers';

const SUITES = ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_256_GCM'];

function context(set: MasterKeySet): SrtpContext {
  const options = toSrtpContextOptions(set);
  try {
    return new SrtpContext(options);
  } finally {
    wipeContextOptions(options);
  }
}

function contextFrom(options: SrtpContextOptions): SrtpContext {
  try {
    return new SrtpContext(options);
  } finally {
    wipeContextOptions(options);
  }
}

function protect(ctx: SrtpContext, packet: Uint8Array): Buffer {
  expect(ctx.protectRtp(packet)).toBe(SrtpStatus.Ok);
  return Buffer.from(ctx.output.subarray(0, ctx.outputLength));
}

/** The MKI field of an SRTP packet: before the HMAC tag (RFC 3711 §3.1), after the AEAD tag (RFC 7714 §8). */
function mkiOf(packet: Uint8Array, profile: ProtectionProfile, mkiLength: number): string {
  const end = profile.aead ? packet.length : packet.length - profile.srtpTagLength;
  return hex(packet.subarray(end - mkiLength, end));
}

function material(set: MasterKeySet): string[] {
  return set.deliver().keys.map((k) => hex(k.key) + hex(k.salt));
}

describe('KeyManager call-scoped keying (seed 003)', () => {
  let km: KeyManager;
  beforeEach(async () => {
    km = await KeyManager.create({ env: {} });
  });
  afterEach(() => km.close());

  const phones = { a: ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'], b: ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'] };

  it('makes two sets per call stream, each with an endpoint key (MKI 1) and a relay-origin key (MKI 2)', () => {
    const k = km.createCallStreamKeys({ callId: 'c1', stream: 'audio', ...phones });
    expect(k.profile.name).toBe('AEAD_AES_128_GCM'); // policy preference over both phones' lists
    expect(k.generation).toBe(1);
    for (const dir of [k.aToB, k.bToA]) {
      expect(dir.endpoint.keys.map((x) => x.mkiHex)).toEqual(['01']);
      expect(dir.relayOrigin.keys.map((x) => x.mkiHex)).toEqual(['02']);
      expect(dir.receive.keys.map((x) => x.mkiHex)).toEqual(['01', '02']);
      expect(dir.relayOutbound.keys.map((x) => x.mkiHex)).toEqual(['02', '01']); // the engine protects with the first
    }
    const all = [k.aToB, k.bToA].flatMap((d) => material(d.receive));
    expect(new Set(all).size).toBe(4);
  });

  it('both phones receive both sets: each sends with its endpoint key and accepts both origins of the other direction', () => {
    const k = km.createCallStreamKeys({ callId: 'c1', stream: 'audio', ...phones });
    const [a] = km.endpointCallKeys('c1', 'A');
    const [b] = km.endpointCallKeys('c1', 'B');
    expect(a.send).toBe(k.aToB.endpoint);
    expect(b.receive).toBe(k.aToB.receive);
    expect(b.send).toBe(k.bToA.endpoint);
    expect(a.receive).toBe(k.bToA.receive);
    // No phone is ever given a relay-origin key to send with.
    for (const send of [a.send, b.send]) for (const key of send.keys) expect(key.mkiHex).toBe('01');
    // The relay leg toward A verifies A's endpoint key and protects toward A with the B→A relay-origin key.
    const legA = k.relayLeg('A');
    expect(legA.inbound).toBe(k.aToB.endpoint);
    expect(legA.outbound).toBe(k.bToA.relayOutbound);
    expect(k.relayOrigin('A')).toBe(k.bToA.relayOrigin);
    expect(k.relayLeg('B')).toEqual({ inbound: k.bToA.endpoint, outbound: k.aToB.relayOutbound });
  });

  it('delivers a=crypto lines with MKIs: send line has MKI 1, receive line both MKIs (RFC 4568 §6.1)', () => {
    km.createCallStreamKeys({ callId: 'c1', stream: 'audio', a: ['AES_CM_128_HMAC_SHA1_80'], b: ['AES_CM_128_HMAC_SHA1_80'] });
    const [a] = km.endpointCallKeys('c1', 'A');
    const [b] = km.endpointCallKeys('c1', 'B');
    const send = formatCryptoAttribute(1, a.send);
    const receive = formatCryptoAttribute(1, b.receive);
    expect(send).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/=]+\|1:1$/);
    expect(receive).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/=]+\|1:1;inline:[A-Za-z0-9+/=]+\|2:1$/);
    const parsedSend = parseCryptoAttribute(send);
    const parsedReceive = parseCryptoAttribute(receive);
    try {
      // The receive line's MKI 1 key is the send line's key.
      expect(parsedReceive.keySet.keys[0].sameMaterialAs(parsedSend.keySet.keys[0])).toBe(true);
      expect(parsedReceive.keySet.keys[1].sameMaterialAs(parsedSend.keySet.keys[0])).toBe(false);
    } finally {
      parsedSend.keySet.release();
      parsedReceive.keySet.release();
    }
  });

  describe.each(SUITES.map((s) => [s]))('%s with the SRTP engine', (suite) => {
    it('phone→phone, relay→phone, and no (key, SSRC, index) shared between phone and relay', () => {
      const k = km.createCallStreamKeys({ callId: 'c', stream: 'audio', a: [suite], b: [suite] });
      const aSend = context(k.endpoint('A').send);
      const bRecv = context(k.endpoint('B').receive);
      // A second context on B's receive set for the relay's packets: one context would take them,
      // with the phone's SSRC and sequence numbers, for replays of the phone's.
      const bRecvRelay = context(k.endpoint('B').receive);
      const relayToB = contextFrom(relayLegContextOptions(k, 'B').outbound);
      const relayFromA = contextFrom(relayLegContextOptions(k, 'A').inbound);
      // The same SSRC and sequence numbers on purpose: a transcoder keeps the SSRC; a relay
      // stream could pick the phone's by chance. Origin separation does not depend on SSRCs.
      for (let seq = 1; seq <= 4; seq++) {
        const fromPhone = protect(aSend, rtpPacket(0xabcd, seq));
        const fromRelay = protect(relayToB, rtpPacket(0xabcd, seq));
        expect(mkiOf(fromPhone, k.profile, 1)).toBe('01');
        expect(mkiOf(fromRelay, k.profile, 1)).toBe('02');
        expect(fromPhone.equals(fromRelay)).toBe(false);
        // Same header and index, different master key: the ciphertexts of equal payloads differ.
        expect(fromPhone.subarray(12, 12 + 160).equals(fromRelay.subarray(12, 12 + 160))).toBe(false);
        // The relay verifies A's packets; it never accepts a relay-origin packet as A's.
        expect(relayFromA.verifyRtp(fromPhone)).toBe(SrtpStatus.Ok);
        expect(relayFromA.verifyRtp(fromRelay)).toBe(SrtpStatus.UnknownMki);
        // Phone B decrypts both origins with its one receive set.
        expect(bRecv.unprotectRtp(fromPhone)).toBe(SrtpStatus.Ok);
        expect(Buffer.from(bRecv.output.subarray(0, bRecv.outputLength)).equals(Buffer.from(rtpPacket(0xabcd, seq)))).toBe(true);
        expect(bRecvRelay.unprotectRtp(fromRelay)).toBe(SrtpStatus.Ok);
        expect(bRecvRelay.unprotectRtp(fromRelay)).toBe(SrtpStatus.Replayed);
      }
      // Each master key protected its own packets: the phone's only MKI 1, the relay's only MKI 2.
      expect(aSend.keyUsage().map((u) => [u.mki, u.srtpPackets])).toEqual([['01', 4]]);
      expect(relayToB.keyUsage().map((u) => [u.mki, u.srtpPackets])).toEqual([['02', 4], ['01', 0]]);
      for (const c of [aSend, bRecv, bRecvRelay, relayToB, relayFromA]) c.close();
    });
  });

  it('the other direction’s keys never verify (A→B packets fail with B→A keys)', () => {
    const k = km.createCallStreamKeys({ callId: 'c', stream: 'audio', a: ['AES_CM_128_HMAC_SHA1_80'], b: ['AES_CM_128_HMAC_SHA1_80'] });
    const aSend = context(k.endpoint('A').send);
    const aRecv = context(k.endpoint('A').receive);
    expect(aRecv.unprotectRtp(protect(aSend, rtpPacket(1, 1)))).toBe(SrtpStatus.AuthFailed);
  });

  it('rekey makes a fresh pair (next generation), carries the ROC, and keeps the old pair until release', () => {
    const k1 = km.createCallStreamKeys({ callId: 'c', stream: 'audio', a: ['AES_CM_128_HMAC_SHA1_80'], b: ['AES_CM_128_HMAC_SHA1_80'] });
    const aSend = context(k1.endpoint('A').send);
    const bRecv = context(k1.endpoint('B').receive);
    // Cross a SEQ wrap so the ROC is 1 when the keys change.
    for (const seq of [65534, 65535, 0, 1]) expect(bRecv.unprotectRtp(protect(aSend, rtpPacket(7, seq)))).toBe(SrtpStatus.Ok);
    const k2 = km.rekeyCallStream('c', 'audio');
    expect(k2.generation).toBe(2);
    expect(km.callStreamKeys('c', 'audio')).toBe(k2);
    const old = new Set([k1.aToB, k1.bToA].flatMap((d) => material(d.receive)));
    for (const m of [k2.aToB, k2.bToA].flatMap((d) => material(d.receive))) expect(old.has(m)).toBe(false);
    expect(k1.released).toBe(false);
    const aSend2 = context(k2.endpoint('A').send);
    const bRecv2 = context(k2.endpoint('B').receive);
    expect(handOffRollover({ context: aSend, direction: 'outbound' }, [{ context: aSend2, direction: 'outbound' }], [7])).toEqual(new Map([[7, 1]]));
    handOffRollover({ context: bRecv, direction: 'inbound' }, [{ context: bRecv2, direction: 'inbound' }], [7]);
    expect(bRecv2.unprotectRtp(protect(aSend2, rtpPacket(7, 2)))).toBe(SrtpStatus.Ok);
    expect(bRecv2.getRoc(7)).toBe(1);
    // Old-key packets no longer verify under the new receive set.
    expect(bRecv2.unprotectRtp(protect(aSend, rtpPacket(7, 3)))).toBe(SrtpStatus.AuthFailed);
    km.releaseCallStream('c', 'audio');
    expect(k1.released && k2.released).toBe(true);
    expect(() => km.callStreamKeys('c', 'audio')).toThrow(expect.objectContaining({ code: KeyErrorCode.UnknownCall }));
    for (const c of [aSend, bRecv, aSend2, bRecv2]) c.close();
  });

  it('no master key repeats across directions, origins, streams, generations and calls (100 calls)', () => {
    const seen = new Set<string>();
    let n = 0;
    for (let c = 0; c < 100; c++) {
      for (const stream of ['audio', 'video']) {
        const k = km.createCallStreamKeys({ callId: `call-${c}`, stream, ...phones });
        const k2 = c % 10 === 0 ? km.rekeyCallStream(`call-${c}`, stream) : null;
        for (const x of k2 === null ? [k] : [k, k2]) {
          for (const m of [x.aToB, x.bToA].flatMap((d) => material(d.receive))) {
            seen.add(m);
            n++;
          }
        }
      }
    }
    expect(n).toBe(100 * 2 * 4 + 10 * 2 * 4);
    expect(seen.size).toBe(n);
  });

  it('call keys and per-leg keys of one call never share material; both scopes coexist', () => {
    km.createLegKeys({ callId: 'c', legId: 'sdes-side', streams: ['audio'], ...phones });
    const k = km.createCallStreamKeys({ callId: 'c', stream: 'audio', ...phones });
    const legSets = km.endpointKeys('c', 'A', 'sdes-side')[0];
    for (const set of [legSets.send, legSets.receive]) {
      for (const key of set.keys) for (const ck of [...k.aToB.keys, ...k.bToA.keys]) expect(key.sameMaterialAs(ck)).toBe(false);
    }
    km.releaseLeg('c', 'sdes-side');
    expect(km.hasCall('c')).toBe(true);
    expect(k.released).toBe(false);
  });

  it('refuses a duplicate stream, an unknown one, and call keys without MKIs', async () => {
    km.createCallStreamKeys({ callId: 'c', stream: 'audio', ...phones });
    expect(() => km.createCallStreamKeys({ callId: 'c', stream: 'audio', ...phones })).toThrow(expect.objectContaining({ code: KeyErrorCode.DuplicateCall }));
    expect(() => km.rekeyCallStream('c', 'video')).toThrow(expect.objectContaining({ code: KeyErrorCode.UnknownCall }));
    expect(() => km.endpointCallKeys('nope', 'A')).toThrow(expect.objectContaining({ code: KeyErrorCode.UnknownCall }));
    expect(() => km.createCallStreamKeys({ callId: 'd', stream: 'audio', a: ['AES_CM_128_HMAC_SHA1_80'], b: ['AEAD_AES_256_GCM'] }))
      .toThrow(expect.objectContaining({ code: KeyErrorCode.NoCommonSuite }));
    const noMki = await KeyManager.create({ env: {}, keys: { mkiLength: 0 } });
    expect(() => noMki.createCallStreamKeys({ callId: 'c', stream: 'audio', ...phones })).toThrow(expect.objectContaining({ code: KeyErrorCode.MkiRequired }));
    noMki.close();
  });

  it('with several keys per origin, each origin gets its own MKI range', async () => {
    const km2 = await KeyManager.create({ env: {}, keys: { keyCount: 2, mkiLength: 2 } });
    const k = km2.createCallStreamKeys({ callId: 'c', stream: 'audio', ...phones });
    expect(k.aToB.endpoint.keys.map((x) => x.mkiHex)).toEqual(['0001', '0002']);
    expect(k.aToB.relayOrigin.keys.map((x) => x.mkiHex)).toEqual(['0003', '0004']);
    expect(k.reference().aToB).toEqual({ endpointMkis: ['1', '2'], relayOriginMkis: ['3', '4'] });
    km2.close();
    expect(k.released).toBe(true);
  });

  it('never shows key bytes in JSON, inspect or strings; the reference is plain and byte-free', () => {
    const k = km.createCallStreamKeys({ callId: 'c', stream: 'audio', ...phones });
    const secrets = [k.aToB, k.bToA].flatMap((d) => d.receive.deliver().keys.flatMap((x) => [hex(x.key), hex(x.salt), Buffer.from(x.key).toString('base64')]));
    const ref = k.reference();
    const views = [JSON.stringify(k), JSON.stringify(k.aToB), inspect(k), inspect(k.bToA), String(k), JSON.stringify(ref), JSON.stringify(km.endpointCallKeys('c', 'A'))];
    for (const v of views) for (const s of secrets) expect(v).not.toContain(s);
    expect(JSON.parse(JSON.stringify(ref))).toEqual({
      scope: 'call', callId: 'c', stream: 'audio', generation: 1, profile: 'AEAD_AES_128_GCM', mkiLength: 1,
      aToB: { endpointMkis: ['1'], relayOriginMkis: ['2'] }, bToA: { endpointMkis: ['1'], relayOriginMkis: ['2'] },
    });
  });

  it('relay leg options carry copies that wipeRelayLegOptions zeroes', () => {
    const k = km.createCallStreamKeys({ callId: 'c', stream: 'audio', ...phones });
    const opts = relayLegContextOptions(k, 'A');
    const keys = [opts.inbound.keys, opts.outbound.keys].flat() as { key: Uint8Array; salt: Uint8Array; mki?: Uint8Array }[];
    expect(keys.map((x) => hex(x.mki ?? new Uint8Array()))).toEqual(['01', '02', '01']);
    wipeRelayLegOptions(opts);
    for (const x of keys) expect([...x.key, ...x.salt].every((b) => b === 0)).toBe(true);
    expect(k.released).toBe(false);
  });

  it('releaseCall and close wipe every generation; later use throws', () => {
    const k1 = km.createCallStreamKeys({ callId: 'c', stream: 'audio', ...phones });
    const k2 = km.rekeyCallStream('c', 'audio');
    const v = km.createCallStreamKeys({ callId: 'c', stream: 'video', ...phones });
    km.releaseCall('c');
    expect([k1, k2, v].every((k) => k.released)).toBe(true);
    expect(km.hasCall('c')).toBe(false);
    km.releaseCall('c'); // idempotent
    const other = km.createCallStreamKeys({ callId: 'd', stream: 'audio', ...phones });
    km.close();
    expect(other.released).toBe(true);
    expect(() => km.callKeys('d')).toThrow(expect.objectContaining({ code: KeyErrorCode.Released }));
  });

  it('sealed delivery to a phone carries its send set (MKI 1) and its receive set (MKIs 1 and 2)', () => {
    const k = km.createCallStreamKeys({ callId: 'c', stream: 'audio', ...phones });
    const device = sodium.crypto_box_keypair();
    const sealed = km.deliverCallSealed('c', 'B', device.publicKey);
    for (const m of [k.aToB, k.bToA].flatMap((d) => material(d.receive))) expect(sealed.sealed).not.toContain(m);
    const opened = openSealed(sealed, device.publicKey, device.privateKey);
    expect(opened.map((o) => [o.label, o.set.keys.map((x) => x.mkiHex)])).toEqual([['audio/send', ['01']], ['audio/receive', ['01', '02']]]);
    expect(opened[0].set.keys[0].sameMaterialAs(k.bToA.endpoint.keys[0])).toBe(true);
    expect(opened[1].set.keys[1].sameMaterialAs(k.aToB.relayOrigin.keys[0])).toBe(true);
    for (const o of opened) o.set.release();
  });

  it('persist → restore gives the same keys, MKIs and generation (failover)', async () => {
    const nodeKey = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff)).toString('base64');
    const primary = await KeyManager.create({ env: {}, nodeKey });
    const standby = await KeyManager.create({ env: {}, nodeKey });
    primary.createCallStreamKeys({ callId: 'c', stream: 'audio', ...phones });
    const k = primary.rekeyCallStream('c', 'audio');
    primary.createLegKeys({ callId: 'c', legId: 'trunk', streams: ['audio'], ...phones });
    const record = primary.persist('c');
    expect(JSON.stringify(record)).not.toContain(hex(k.aToB.endpoint.deliver().keys[0].key));
    const ref = JSON.parse(JSON.stringify(k.reference())) as ReturnType<typeof k.reference>; // as a snapshot stores it
    standby.restore('c', record);
    const r = standby.resolveCallKeys(ref);
    expect(r.reference()).toEqual(k.reference());
    expect(() => standby.resolveCallKeys({ ...ref, generation: 1 })).toThrow(expect.objectContaining({ code: KeyErrorCode.UnknownCall }));
    expect(standby.endpointKeys('c', 'A', 'trunk')).toHaveLength(1);
    // The standby's receive set decrypts what the primary's phone A protects.
    const aSend = context(k.endpoint('A').send);
    const bRecv = context(r.endpoint('B').receive);
    expect(bRecv.unprotectRtp(protect(aSend, rtpPacket(9, 1)))).toBe(SrtpStatus.Ok);
    expect(() => standby.restore('c', record)).toThrow(expect.objectContaining({ code: KeyErrorCode.DuplicateCall }));
    aSend.close();
    bRecv.close();
    primary.close();
    standby.close();
  });
});
