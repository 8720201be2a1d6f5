/**
 * Forged, mutated, truncated and random packets are REJECTED, by every profile, and leave no
 * trace: the genuine stream still decrypts (in order and late within the window) afterwards.
 *
 * What the protocol authenticates decides what must be rejected:
 * - SRTP with HMAC (RFC 3711 §4.2): header and payload, and the ROC (not sent, but hashed);
 *   the MKI is not authenticated but selects the key, so a changed MKI names an unknown key or
 *   the wrong one; the tag itself is compared.
 * - SRTCP with HMAC (§3.4): everything up to and including the E flag and SRTCP index.
 * - AEAD (RFC 7714 §8-§9): header (and SRTCP E||index) as associated data, the ciphertext and
 *   the tag; the MKI as above.
 * So no single changed byte of a genuine packet may be accepted. The one mode that leaves
 * bytes unauthenticated, UNAUTHENTICATED_SRTP (RFC 4568 §6.3.3), is checked to accept a
 * changed payload, which shows the test can tell the difference.
 *
 * Seeded: the seed is printed; rerun with SRTP_FUZZ_SEED=<seed>. Bounded.
 */
import { PROTECTION_PROFILES, SrtpContext, SrtpStatus, srtpStatusName, type ProtectionProfile } from '../../../src/srtp';
import { buildRtcpSr, buildRtp } from '../../helpers/rtp-packet';
import { Prng, testSeed } from '../../helpers/prng';

const SEED = testSeed('SRTP_FUZZ_SEED');
const GENUINE_RTP = 24;
const GENUINE_RTCP = 12;
const SSRC = 0x0badcafe;
const MKI0 = Uint8Array.of(1, 2);
const MKI1 = Uint8Array.of(1, 3);
const STATUSES = new Set(Object.values(SrtpStatus).filter((v) => typeof v === 'number'));

beforeAll(() => {
  console.log(`srtp fuzz: seed ${SEED} (rerun with SRTP_FUZZ_SEED=${SEED})`);
});

interface Setup {
  rng: Prng;
  tx: SrtpContext;
  rx: SrtpContext;
}

/** Two master keys told apart by MKI; the sender protects with the first, the receiver knows both. */
function setup(p: ProtectionProfile, salt: number): Setup {
  const rng = new Prng(SEED ^ Math.imul(p.dtlsId + 1, 0x9e3779b1) ^ salt);
  const keys = [
    { key: rng.bytes(p.masterKeyLength), salt: rng.bytes(p.masterSaltLength), mki: MKI0 },
    { key: rng.bytes(p.masterKeyLength), salt: rng.bytes(p.masterSaltLength), mki: MKI1 },
  ];
  return { rng, tx: new SrtpContext({ profile: p, keys, allowNull: true }), rx: new SrtpContext({ profile: p, keys, allowNull: true }) };
}

/** Every way to damage one genuine packet: each byte changed, truncations, an extension, the other key's MKI. */
function damaged(rng: Prng, genuine: Uint8Array, mkiAt: number): { what: string; packet: Uint8Array }[] {
  const out: { what: string; packet: Uint8Array }[] = [];
  for (let i = 0; i < genuine.length; i++) {
    const m = Uint8Array.from(genuine);
    m[i] ^= rng.int(1, 255);
    out.push({ what: `byte ${i} changed`, packet: m });
  }
  for (let k = 0; k < 3; k++) {
    const cut = rng.int(0, genuine.length - 1);
    out.push({ what: `truncated to ${cut}`, packet: genuine.slice(0, cut) });
  }
  const longer = new Uint8Array(genuine.length + rng.int(1, 4));
  longer.set(genuine);
  longer.set(rng.bytes(longer.length - genuine.length), genuine.length);
  out.push({ what: 'bytes appended', packet: longer });
  const otherKey = Uint8Array.from(genuine);
  otherKey.set(MKI1, mkiAt);
  out.push({ what: "the other key's MKI", packet: otherKey });
  return out;
}

function describeFailure(what: string, op: string, st: SrtpStatus): string {
  return `[seed ${SEED}] ${what}: ${op} returned ${srtpStatusName(st)}`;
}

describe.each(PROTECTION_PROFILES.map((p) => [p.name, p] as const))('fuzz %s', (_name, p) => {
  const aead = p.aead;
  const rtpTag = p.srtpTagLength;

  it('rejects every damaged SRTP packet, with no state change: the genuine stream decrypts afterwards, late ones too', () => {
    const { rng, tx, rx } = setup(p, 1);
    const out = new Uint8Array(2048);
    const bad: string[] = [];
    const firstSeq = rng.int(0, 0xffff);
    const plain: Buffer[] = [];
    const wire: Uint8Array[] = [];
    for (let i = 0; i < GENUINE_RTP; i++) {
      const pkt = buildRtp({
        seq: (firstSeq + i) & 0xffff, ssrc: SSRC, payload: rng.bytes(rng.int(0, 48)),
        csrcs: rng.chance(0.3) ? [rng.u32()] : [],
        extension: rng.chance(0.3) ? { profile: 0xbede, body: rng.bytes(4) } : undefined,
      });
      expect(tx.protectRtp(pkt)).toBe(SrtpStatus.Ok);
      plain.push(pkt);
      wire.push(Uint8Array.from(tx.output.subarray(0, tx.outputLength)));
    }
    const mutatedSsrcs = new Set<number>();
    const late: number[] = [];
    for (let i = 0; i < GENUINE_RTP; i++) {
      const g = wire[i];
      // MKI: before the HMAC tag (RFC 3711 §3.1), after the AEAD tag (RFC 7714 §8).
      const mkiAt = aead ? g.length - MKI0.length : g.length - rtpTag - MKI0.length;
      for (const d of damaged(rng, g, mkiAt)) {
        if (d.packet.length >= 12) mutatedSsrcs.add(Buffer.from(d.packet).readUInt32BE(8));
        const u = rx.unprotectRtp(d.packet, out);
        if (u === SrtpStatus.Ok) bad.push(describeFailure(`RTP ${i} ${d.what}`, 'unprotectRtp', u));
        const v = rx.verifyRtp(d.packet);
        if (v === SrtpStatus.Ok) bad.push(describeFailure(`RTP ${i} ${d.what}`, 'verifyRtp', v));
        // An SRTP packet is never SRTCP: the RTCP functions refuse it too.
        const c = rx.unprotectRtcp(d.packet, out);
        if (c === SrtpStatus.Ok) bad.push(describeFailure(`RTP ${i} ${d.what}`, 'unprotectRtcp', c));
      }
      // A genuine packet given with a shorter length is a truncation too.
      const short = rx.unprotectRtp(g, out, g.length - 1);
      if (short === SrtpStatus.Ok) bad.push(describeFailure(`RTP ${i} length - 1`, 'unprotectRtp', short));
      if (i % 5 === 3) {
        late.push(i); // delivered at the end, behind newer packets but inside the window
        continue;
      }
      expect(rx.unprotectRtp(g, out)).toBe(SrtpStatus.Ok);
      expect(Buffer.from(rx.output.subarray(0, rx.outputLength))).toEqual(plain[i]);
      expect(rx.unprotectRtp(g, out)).toBe(SrtpStatus.Replayed);
      expect(rx.verifyRtp(g)).toBe(SrtpStatus.Replayed);
      expect(rx.unprotectRtcp(g, out)).not.toBe(SrtpStatus.Ok);
    }
    for (const i of late) {
      expect(rx.verifyRtp(wire[i])).toBe(SrtpStatus.Ok);
      expect(rx.unprotectRtp(wire[i], out)).toBe(SrtpStatus.Replayed);
    }
    mutatedSsrcs.delete(SSRC);
    for (const ssrc of mutatedSsrcs) {
      if (rx.getRoc(ssrc) !== undefined) bad.push(`[seed ${SEED}] a rejected packet created a stream for SSRC ${ssrc}`);
    }
    expect(bad).toEqual([]);
  });

  it('rejects every damaged SRTCP packet (E flag and index included); the genuine stream decrypts afterwards', () => {
    const { rng, tx, rx } = setup(p, 2);
    const out = new Uint8Array(2048);
    const bad: string[] = [];
    const rtcpTag = aead ? 0 : p.srtcpTagLength;
    const plain: Buffer[] = [];
    const wire: Uint8Array[] = [];
    for (let i = 0; i < GENUINE_RTCP; i++) {
      const sr = buildRtcpSr(SSRC, rng.int(0, 2));
      sr.set(rng.bytes(sr.length - 8), 8);
      expect(tx.protectRtcp(sr)).toBe(SrtpStatus.Ok);
      plain.push(sr);
      wire.push(Uint8Array.from(tx.output.subarray(0, tx.outputLength)));
    }
    for (let i = 0; i < GENUINE_RTCP; i++) {
      const g = wire[i];
      const mkiAt = g.length - rtcpTag - MKI0.length;
      const eAt = mkiAt - 4;
      const damage = damaged(rng, g, mkiAt);
      const eFlipped = Uint8Array.from(g);
      eFlipped[eAt] ^= 0x80;
      damage.push({ what: 'E flag flipped', packet: eFlipped });
      const otherIndex = Uint8Array.from(g);
      otherIndex[eAt + 3] ^= 0x01;
      damage.push({ what: 'SRTCP index changed', packet: otherIndex });
      for (const d of damage) {
        const u = rx.unprotectRtcp(d.packet, out);
        if (u === SrtpStatus.Ok) bad.push(describeFailure(`RTCP ${i} ${d.what}`, 'unprotectRtcp', u));
        const v = rx.verifyRtcp(d.packet);
        if (v === SrtpStatus.Ok) bad.push(describeFailure(`RTCP ${i} ${d.what}`, 'verifyRtcp', v));
        const r = rx.unprotectRtp(d.packet, out);
        if (r === SrtpStatus.Ok) bad.push(describeFailure(`RTCP ${i} ${d.what}`, 'unprotectRtp', r));
      }
      expect(rx.unprotectRtcp(g, out)).toBe(SrtpStatus.Ok);
      expect(Buffer.from(rx.output.subarray(0, rx.outputLength))).toEqual(plain[i]);
      expect(rx.unprotectRtcp(g, out)).toBe(SrtpStatus.Replayed);
      expect(rx.verifyRtcp(g)).toBe(SrtpStatus.Replayed);
      expect(rx.unprotectRtp(g, out)).not.toBe(SrtpStatus.Ok);
    }
    expect(bad).toEqual([]);
  });

  it('authenticates the ROC: a packet protected under another ROC is refused, the right one accepted', () => {
    const { rng, tx, rx } = setup(p, 3);
    const seq = rng.int(0, 0x7fff);
    tx.setRoc(SSRC, 1, 'outbound');
    const pkt = buildRtp({ seq, ssrc: SSRC, payload: rng.bytes(20) });
    expect(tx.protectRtp(pkt)).toBe(SrtpStatus.Ok);
    const g = Uint8Array.from(tx.output.subarray(0, tx.outputLength));
    rx.setRoc(SSRC, 0, 'inbound');
    expect(rx.unprotectRtp(g)).toBe(SrtpStatus.AuthFailed);
    rx.setRoc(SSRC, 1, 'inbound');
    expect(rx.unprotectRtp(g)).toBe(SrtpStatus.Ok);
    expect(Buffer.from(rx.output.subarray(0, rx.outputLength))).toEqual(pkt);
  });

  it('random bytes never pass any unprotect or verify; protect returns a status for anything', () => {
    const { rng, tx, rx } = setup(p, 4);
    const out = new Uint8Array(2048);
    const bad: string[] = [];
    for (let i = 0; i < 400; i++) {
      const pkt = rng.bytes(rng.int(0, 120));
      if (pkt.length > 0 && rng.chance(0.6)) pkt[0] = 0x80 | (pkt[0] & 0x3f); // version 2, mostly
      if (pkt.length > 1 && rng.chance(0.3)) pkt[1] = rng.pick([200, 201, 202, 203]); // RTCP packet types
      const len = rng.chance(0.2) ? rng.int(0, pkt.length) : pkt.length;
      const ops: [string, SrtpStatus][] = [
        ['unprotectRtp', rx.unprotectRtp(pkt, out, len)],
        ['verifyRtp', rx.verifyRtp(pkt, len)],
        ['unprotectRtcp', rx.unprotectRtcp(pkt, out, len)],
        ['verifyRtcp', rx.verifyRtcp(pkt, len)],
      ];
      for (const [op, st] of ops) {
        if (st === SrtpStatus.Ok) bad.push(describeFailure(`random packet ${i}`, op, st));
        if (!STATUSES.has(st)) bad.push(describeFailure(`random packet ${i}`, op, st));
      }
      for (const st of [tx.protectRtp(pkt, out, len), tx.protectRtcp(pkt, out, len)]) {
        if (!STATUSES.has(st)) bad.push(`[seed ${SEED}] random packet ${i}: protect returned ${String(st)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  if (!aead) {
    it('UNAUTHENTICATED_SRTP leaves the payload unprotected, as RFC 4568 §6.3.3 says (the checks above can tell)', () => {
      const { rng } = setup(p, 5);
      const keys = { key: rng.bytes(p.masterKeyLength), salt: rng.bytes(p.masterSaltLength) };
      const tx = new SrtpContext({ profile: p, keys, allowNull: true, authenticateSrtp: false });
      const rx = new SrtpContext({ profile: p, keys, allowNull: true, authenticateSrtp: false });
      expect(tx.protectRtp(buildRtp({ seq: 7, ssrc: SSRC, payload: rng.bytes(32) }))).toBe(SrtpStatus.Ok);
      const m = Uint8Array.from(tx.output.subarray(0, tx.outputLength));
      m[m.length - 1] ^= 0x01;
      expect(rx.unprotectRtp(m)).toBe(SrtpStatus.Ok);
    });
  }
});
