/**
 * Cross-check against werift-rtp's SRTP (npm werift-rtp 0.8, an independent TypeScript
 * implementation): werift encrypts and we decrypt, we encrypt and werift decrypts, and since
 * both are deterministic for the same keys, SSRC, sequence/ROC and SRTCP index, the protected
 * packets must be byte-equal.
 *
 * werift-rtp 0.8 implements two profiles, AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM
 * (its own src/srtp/const.ts); the other profiles are covered by libsrtp-differential.test.ts. Its sender
 * derives the ROC with a +/-100 sequence-number heuristic and its receiver has no replay window,
 * so packets go to werift in sending order with small losses only (still crossing the 16-bit
 * wrap, so ROC 1 is exercised); our receiver gets werift's packets reordered. werift re-serialises
 * the RTP header from its parsed form, so the generator emits canonical RFC 8285 extensions, and
 * each header's round trip through werift is asserted before comparing.
 *
 * Seed: random per run and printed; rerun with INTEROP_SEED=<seed>.
 */
import {
  ProtectionProfileAeadAes128Gcm, ProtectionProfileAes128CmHmacSha1_80, RtpHeader, SrtcpSession, SrtpSession,
} from 'werift-rtp';
import { SrtpStatus } from '../../src/srtp';
import { newContext, runEngine } from './engine-adapter';
import { buildRtcp, buildRtp, hex, Prng, randomRtpShape } from './packet-generator';

const SEED = process.env.INTEROP_SEED !== undefined ? Number(process.env.INTEROP_SEED) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
const SCALE = Number(process.env.INTEROP_SCALE ?? '1');
const RTP_PACKETS = Math.max(1, Math.round(2000 * SCALE));
const RTCP_PACKETS = Math.max(1, Math.round(300 * SCALE));

beforeAll(() => {
  console.log(`werift cross-check: seed ${SEED} (rerun with INTEROP_SEED=${SEED}), ${RTP_PACKETS} RTP + ${RTCP_PACKETS} RTCP packets per profile`);
});

const PROFILES = [
  { name: 'AES_CM_128_HMAC_SHA1_80', werift: ProtectionProfileAes128CmHmacSha1_80, keyLength: 16, saltLength: 14 },
  { name: 'AEAD_AES_128_GCM', werift: ProtectionProfileAeadAes128Gcm, keyLength: 16, saltLength: 12 },
] as const;

function rngFor(name: string): Prng {
  let h = SEED;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return new Prng(h);
}

function weriftConfig(profile: number, key: Buffer, salt: Buffer): ConstructorParameters<typeof SrtpSession>[0] {
  return { profile, keys: { localMasterKey: key, localMasterSalt: salt, remoteMasterKey: key, remoteMasterSalt: salt } };
}

/** Runs `f`, turning werift's exceptions (how it rejects packets) into null. */
function tryWerift(f: () => Buffer): Buffer | null {
  try {
    return f();
  } catch {
    return null;
  }
}

describe.each(PROFILES.map((p) => [p.name, p] as const))('werift-rtp cross-check: %s', (name, p) => {
  test('SRTP: byte-equal protect both ways, each side decrypts the other', () => {
    const rng = rngFor(`${name} rtp`);
    const key = rng.bytes(p.keyLength);
    const salt = rng.bytes(p.saltLength);
    const ours = newContext({ profile: name, keys: { key, salt } });
    const oursRx = newContext({ profile: name, keys: { key, salt } });
    const werift = new SrtpSession(weriftConfig(p.werift, key, salt));
    const weriftRx = new SrtpSession(weriftConfig(p.werift, key, salt));
    const bad: string[] = [];
    const report = (msg: string): void => { if (bad.length < 8) bad.push(`[seed ${SEED}] ${name} ${msg}`); };

    // Two SSRCs, one of them starting just below the sequence wrap.
    const streams = [
      { ssrc: rng.u32(), seq: 0x10000 - rng.int(50, 600), ts: rng.u32() },
      { ssrc: rng.u32(), seq: rng.int(0, 0xf000), ts: rng.u32() },
    ];
    const sent: Array<{ plain: Buffer; werift: Buffer }> = [];
    let wrapped = 0;
    for (let i = 0; i < RTP_PACKETS; i++) {
      const st = rng.pick(streams);
      const before = st.seq;
      st.seq = (st.seq + (rng.chance(0.05) ? rng.int(2, 6) : 1)) & 0xffff;
      if (st.seq < before) wrapped++;
      st.ts = (st.ts + 160) >>> 0;
      const plain = buildRtp(rng, randomRtpShape(rng, st.ssrc, st.seq, st.ts));
      const header = RtpHeader.deSerialize(plain);
      const headerBytes = header.serialize(header.serializeSize);
      if (!headerBytes.equals(plain.subarray(0, header.payloadOffset))) {
        report(`werift does not round-trip the header of ${hex(plain)} (got ${hex(headerBytes)}); fix the generator`);
        continue;
      }
      const theirs = werift.encrypt(plain.subarray(header.payloadOffset), header);
      const mine = runEngine(ours, 'protectRtp', plain);
      if (mine.status !== SrtpStatus.Ok || !theirs.equals(mine.packet as Buffer)) {
        report(`protect #${i} ${hex(plain)}\n  werift ${hex(theirs)}\n  ours   ${hex(mine.packet)} (status ${mine.status})`);
      }
      // werift's receiver, in sending order, decrypts ours.
      const back = tryWerift(() => weriftRx.decrypt(mine.packet ?? Buffer.alloc(0)));
      if (back === null || !back.equals(plain)) report(`werift cannot decrypt our #${i} ${hex(mine.packet)}: ${hex(back ?? undefined)}`);
      sent.push({ plain, werift: theirs });
    }
    expect(wrapped).toBeGreaterThan(0);

    // Our receiver gets werift's packets locally reordered.
    const order = sent.map((_, i) => i);
    for (let i = 0; i < order.length; i++) {
      if (rng.chance(0.1)) {
        const j = Math.min(order.length - 1, i + rng.int(1, 8));
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
    }
    for (const i of order) {
      const s = sent[i] as { plain: Buffer; werift: Buffer };
      const r = runEngine(oursRx, 'unprotectRtp', s.werift);
      if (r.status !== SrtpStatus.Ok || !(r.packet as Buffer).equals(s.plain)) report(`we cannot unprotect werift's #${i} ${hex(s.werift)}: status ${r.status}`);
      if (rng.chance(0.03)) {
        // A tampered copy: ours rejects it (auth or replay), and so does a fresh werift receiver.
        const t = Buffer.from(s.werift);
        const at = rng.int(0, t.length - 1);
        t[at] = (t[at] as number) ^ (1 << rng.int(0, 7));
        const oursV = runEngine(oursRx, 'unprotectRtp', t).status;
        const weriftV = tryWerift(() => new SrtpSession(weriftConfig(p.werift, key, salt)).decrypt(t));
        if (oursV === SrtpStatus.Ok || weriftV !== null) report(`tampered byte ${at} of ${hex(t)}: ours ${oursV}, werift ${weriftV === null ? 'rejected' : 'accepted'}`);
      }
    }
    expect(bad).toEqual([]);
    ours.close();
    oursRx.close();
  });

  test('SRTCP: byte-equal protect (index from 1) both ways, each side decrypts the other', () => {
    const rng = rngFor(`${name} rtcp`);
    const key = rng.bytes(p.keyLength);
    const salt = rng.bytes(p.saltLength);
    const ours = newContext({ profile: name, keys: { key, salt } });
    const oursRx = newContext({ profile: name, keys: { key, salt } });
    const werift = new SrtcpSession(weriftConfig(p.werift, key, salt));
    const weriftRx = new SrtcpSession(weriftConfig(p.werift, key, salt));
    const ssrcs = [rng.u32(), rng.u32(), rng.u32()];
    const bad: string[] = [];
    const report = (msg: string): void => { if (bad.length < 8) bad.push(`[seed ${SEED}] ${name} ${msg}`); };
    const kinds: Record<string, number> = {};
    for (let i = 0; i < RTCP_PACKETS; i++) {
      const { kind, packet } = buildRtcp(rng, rng.pick(ssrcs));
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      const theirs = werift.encrypt(packet);
      const mine = runEngine(ours, 'protectRtcp', packet);
      if (mine.status !== SrtpStatus.Ok || !theirs.equals(mine.packet as Buffer)) {
        report(`protectRtcp #${i} (${kind}) ${hex(packet)}\n  werift ${hex(theirs)}\n  ours   ${hex(mine.packet)} (status ${mine.status})`);
      }
      const back = tryWerift(() => weriftRx.decrypt(mine.packet ?? Buffer.alloc(0)));
      if (back === null || !back.equals(packet)) report(`werift cannot decrypt our SRTCP #${i} ${hex(mine.packet)}`);
      const r = runEngine(oursRx, 'unprotectRtcp', theirs);
      if (r.status !== SrtpStatus.Ok || !(r.packet as Buffer).equals(packet)) report(`we cannot unprotect werift's SRTCP #${i} ${hex(theirs)}: status ${r.status}`);
    }
    expect(bad).toEqual([]);
    expect(Object.keys(kinds).sort()).toEqual(['RR', 'SR', 'compound']);
    ours.close();
    oursRx.close();
  });
});
