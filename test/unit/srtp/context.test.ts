/**
 * SrtpContext behaviour for every profile: round trips with CSRCs, extensions and padding;
 * negative cases (RFC 3711 §3.3, §3.4, §9.2); the rule that a rejected packet changes no state.
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { PROTECTION_PROFILES, SrtpContext, SrtpErrorCode, SrtpStatus, type ProtectionProfile, type SrtpContextOptions } from '../../../src/srtp';
import { buildRtcpSr, buildRtp } from '../../helpers/rtp-packet';

function keysFor(p: ProtectionProfile) {
  return { key: randomBytes(p.masterKeyLength), salt: randomBytes(p.masterSaltLength) };
}

function pair(p: ProtectionProfile, extra: Partial<SrtpContextOptions> = {}) {
  const keys = keysFor(p);
  const opts = { profile: p.name, keys, allowNull: true, ...extra } as SrtpContextOptions;
  return { tx: new SrtpContext(opts), rx: new SrtpContext(opts), keys };
}

const out = (c: SrtpContext) => Buffer.from(c.output.subarray(0, c.outputLength));

describe.each(PROTECTION_PROFILES.map((p) => [p.name, p] as const))('%s', (_name, p) => {
  it('round-trips RTP with CSRCs, a header extension and padding, and encrypts the payload', () => {
    const { tx, rx } = pair(p);
    const pkt = buildRtp({ seq: 65530, ssrc: 0x11223344, csrcs: [1, 2, 3], extension: { profile: 0xbede, body: randomBytes(8) }, payload: randomBytes(171), padding: 5 });
    expect(tx.protectRtp(pkt)).toBe(SrtpStatus.Ok);
    const prot = out(tx);
    expect(prot.length).toBe(pkt.length + p.srtpTagLength);
    expect(prot.subarray(0, 12 + 12 + 12).equals(pkt.subarray(0, 36))).toBe(true);
    if (p.cipher !== 'null') expect(prot.subarray(36, pkt.length).equals(pkt.subarray(36))).toBe(false);
    expect(rx.unprotectRtp(prot)).toBe(SrtpStatus.Ok);
    expect(out(rx).equals(pkt)).toBe(true);
  });

  it('round-trips RTCP, encrypted and with E=0 (UNENCRYPTED_SRTCP)', () => {
    for (const encryptSrtcp of [true, false]) {
      const { tx, rx, keys } = pair(p, { encryptSrtcp });
      const sr = buildRtcpSr(0xcafebabe, 2);
      expect(tx.protectRtcp(sr)).toBe(SrtpStatus.Ok);
      const prot = out(tx);
      expect(prot.length).toBe(sr.length + 4 + p.srtcpTagLength);
      const trailer = p.aead ? prot.readUInt32BE(sr.length + 16) : prot.readUInt32BE(sr.length);
      expect(trailer).toBe((encryptSrtcp && p.cipher !== 'null' ? 0x80000000 : 0) + 1);
      expect(rx.unprotectRtcp(prot)).toBe(SrtpStatus.Ok);
      expect(out(rx).equals(sr)).toBe(true);
      expect(rx.unprotectRtcp(prot)).toBe(SrtpStatus.Replayed);
      // A receiver that negotiated the other E setting refuses (RFC 3711 §3.4, RFC 4568 §6.3.2).
      if (p.cipher !== 'null') {
        const other = new SrtpContext({ profile: p.name, keys, allowNull: true, encryptSrtcp: !encryptSrtcp });
        expect(other.unprotectRtcp(prot)).toBe(SrtpStatus.PolicyMismatch);
      }
    }
  });

  it('rejects a tampered header, payload or tag, and the rejection changes nothing', () => {
    const { tx, rx } = pair(p);
    const pkt = buildRtp({ seq: 100, ssrc: 7 });
    tx.protectRtp(pkt);
    const good = out(tx);
    for (const at of [1, 3, 9, 20, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[at] ^= 0x01;
      expect([at, rx.unprotectRtp(bad)]).toEqual([at, SrtpStatus.AuthFailed]);
    }
    expect(rx.getRoc(7)).toBeUndefined();
    expect(rx.keyUsage()[0].srtpPackets).toBe(0);
    expect(rx.unprotectRtp(good)).toBe(SrtpStatus.Ok);
    expect(rx.keyUsage()[0].srtpPackets).toBe(1);
  });

  it('rejects truncated packets as too short or malformed', () => {
    const { tx, rx } = pair(p);
    tx.protectRtp(buildRtp({ seq: 1, ssrc: 9, payload: Buffer.alloc(0) }));
    const good = out(tx);
    expect(rx.unprotectRtp(good.subarray(0, 11))).toBe(SrtpStatus.TooShort);
    expect(rx.unprotectRtp(good.subarray(0, 12 + p.srtpTagLength - 1))).toBe(SrtpStatus.TooShort);
    const v1 = Buffer.from(good); v1[0] = 0x40;
    expect(rx.unprotectRtp(v1)).toBe(SrtpStatus.Malformed);
    expect(rx.unprotectRtcp(Buffer.alloc(7))).toBe(SrtpStatus.TooShort);
    expect(rx.unprotectRtp(good)).toBe(SrtpStatus.Ok);
  });

  it('refuses a wrong key or salt length with a typed error', () => {
    expect(() => new SrtpContext({ profile: p.name, allowNull: true, keys: { key: randomBytes(p.masterKeyLength + 1), salt: randomBytes(p.masterSaltLength) } }))
      .toThrow(expect.objectContaining({ code: SrtpErrorCode.BadKeyLength }));
    expect(() => new SrtpContext({ profile: p.name, allowNull: true, keys: { key: randomBytes(p.masterKeyLength), salt: randomBytes(p.masterSaltLength - 1) } }))
      .toThrow(expect.objectContaining({ code: SrtpErrorCode.BadSaltLength }));
  });

  it('a wrong key fails authentication', () => {
    const { tx } = pair(p);
    const other = new SrtpContext({ profile: p.name, allowNull: true, keys: keysFor(p) });
    tx.protectRtp(buildRtp({ seq: 5, ssrc: 5 }));
    expect(other.unprotectRtp(out(tx))).toBe(SrtpStatus.AuthFailed);
  });
});

describe('replay protection (RFC 3711 §3.3.2)', () => {
  const p = PROTECTION_PROFILES[0];
  it('drops replays and packets older than the window, accepts late ones inside it', () => {
    const { tx, rx } = pair(p);
    const prot: Buffer[] = [];
    for (let seq = 0; seq < 300; seq++) { tx.protectRtp(buildRtp({ seq, ssrc: 1 })); prot.push(out(tx)); }
    expect(rx.unprotectRtp(prot[200])).toBe(SrtpStatus.Ok);
    expect(rx.unprotectRtp(prot[200])).toBe(SrtpStatus.Replayed);
    expect(rx.unprotectRtp(prot[73])).toBe(SrtpStatus.Ok); // 127 behind: last slot of a 128 window
    expect(rx.unprotectRtp(prot[72])).toBe(SrtpStatus.TooOld);
    expect(rx.unprotectRtp(prot[150])).toBe(SrtpStatus.Ok);
    expect(rx.unprotectRtp(prot[150])).toBe(SrtpStatus.Replayed);
    expect(rx.unprotectRtp(prot[299])).toBe(SrtpStatus.Ok);
    expect(rx.unprotectRtp(prot[150])).toBe(SrtpStatus.TooOld); // a seen index that fell out of the window
    expect(rx.unprotectRtp(prot[172])).toBe(SrtpStatus.Ok);
    expect(rx.unprotectRtp(prot[171])).toBe(SrtpStatus.TooOld);
  });

  it('honours a configured window and refuses one below 64', () => {
    const { tx, rx } = pair(p, { replayWindow: 1024 });
    const prot: Buffer[] = [];
    for (let seq = 0; seq < 1100; seq++) { tx.protectRtp(buildRtp({ seq, ssrc: 1 })); prot.push(out(tx)); }
    expect(rx.unprotectRtp(prot[1099])).toBe(SrtpStatus.Ok);
    expect(rx.unprotectRtp(prot[100])).toBe(SrtpStatus.Ok);
    expect(rx.unprotectRtp(prot[75])).toBe(SrtpStatus.TooOld);
    expect(() => new SrtpContext({ profile: p.name, keys: keysFor(p), replayWindow: 32 })).toThrow(expect.objectContaining({ code: SrtpErrorCode.BadReplayWindow }));
  });

  it('never protects the same (SSRC, index) twice', () => {
    const { tx } = pair(p);
    expect(tx.protectRtp(buildRtp({ seq: 10, ssrc: 1 }))).toBe(SrtpStatus.Ok);
    expect(tx.protectRtp(buildRtp({ seq: 10, ssrc: 1 }))).toBe(SrtpStatus.Replayed);
  });

  it('applies to SRTCP indexes', () => {
    const { tx, rx } = pair(p);
    const prot: Buffer[] = [];
    for (let i = 0; i < 200; i++) { tx.protectRtcp(buildRtcpSr(3)); prot.push(out(tx)); }
    expect(rx.unprotectRtcp(prot[199])).toBe(SrtpStatus.Ok);
    expect(rx.unprotectRtcp(prot[199])).toBe(SrtpStatus.Replayed);
    expect(rx.unprotectRtcp(prot[72])).toBe(SrtpStatus.Ok); // index 73, 127 behind 200
    expect(rx.unprotectRtcp(prot[71])).toBe(SrtpStatus.TooOld);
  });
});

describe('ROC estimation (RFC 3711 Appendix A)', () => {
  for (const p of [PROTECTION_PROFILES[0], PROTECTION_PROFILES.find((x) => x.name === 'AEAD_AES_128_GCM') as ProtectionProfile]) {
    it(`${p.name}: survives reordering and a long loss burst across the sequence wrap`, () => {
      const { tx, rx } = pair(p);
      const prot = new Map<number, Buffer>();
      for (let i = 0; i <= 3 * 65536 + 100; i += 1) {
        const seq = (60000 + i) & 0xffff;
        tx.protectRtp(buildRtp({ seq, ssrc: 42, payload: Buffer.alloc(8, i & 0xff) }));
        if (i % 97 === 0 || i > 3 * 65536) prot.set(i, out(tx));
      }
      // Deliver every 97th packet in pairs swapped (reordering), dropping the rest (loss bursts
      // of 96 packets, several across each wrap), then a tail in reverse order.
      const keys = [...prot.keys()].filter((i) => i <= 3 * 65536);
      for (let k = 0; k + 1 < keys.length; k += 2) {
        expect([k, rx.unprotectRtp(prot.get(keys[k + 1]) as Buffer)]).toEqual([k, SrtpStatus.Ok]);
        expect(rx.unprotectRtp(prot.get(keys[k]) as Buffer)).toBe(SrtpStatus.Ok);
      }
      const tail = [...prot.keys()].filter((i) => i > 3 * 65536).reverse();
      for (const i of tail) expect(rx.unprotectRtp(prot.get(i) as Buffer)).toBe(SrtpStatus.Ok);
      expect(rx.getRoc(42)).toBe(tx.getRoc(42, 'outbound'));
      expect(rx.getRoc(42)).toBe(3);
    });
  }

  it('a late joiner with the signaled ROC decrypts; without it, authentication fails', () => {
    const p = PROTECTION_PROFILES[0];
    const { tx, keys } = pair(p);
    tx.setRoc(77, 5, 'outbound');
    tx.protectRtp(buildRtp({ seq: 1234, ssrc: 77 }));
    const prot = out(tx);
    const blind = new SrtpContext({ profile: p.name, keys });
    expect(blind.unprotectRtp(prot)).toBe(SrtpStatus.AuthFailed);
    const joiner = new SrtpContext({ profile: p.name, keys });
    joiner.setRoc(77, 5);
    expect(joiner.unprotectRtp(prot)).toBe(SrtpStatus.Ok);
    expect(joiner.getRoc(77)).toBe(5);
  });

  it('a forged packet that would move the ROC changes nothing', () => {
    const p = PROTECTION_PROFILES[0];
    const { tx, rx } = pair(p);
    tx.protectRtp(buildRtp({ seq: 65000, ssrc: 8 }));
    expect(rx.unprotectRtp(out(tx))).toBe(SrtpStatus.Ok);
    const forged = buildRtp({ seq: 10, ssrc: 8, payload: randomBytes(170) });
    expect(rx.unprotectRtp(forged)).toBe(SrtpStatus.AuthFailed);
    expect(rx.getRoc(8)).toBe(0);
    tx.protectRtp(buildRtp({ seq: 65001, ssrc: 8 }));
    expect(rx.unprotectRtp(out(tx))).toBe(SrtpStatus.Ok);
  });
});

describe('MKI (RFC 3711 §3.1, §8.1)', () => {
  for (const name of ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_256_GCM']) {
    it(`${name}: selects the master key by MKI, rejects an unknown MKI`, () => {
      const p = PROTECTION_PROFILES.find((x) => x.name === name) as ProtectionProfile;
      const k1 = { ...keysFor(p), mki: Uint8Array.of(0, 0, 0, 1) };
      const k2 = { ...keysFor(p), mki: Uint8Array.of(0, 0, 0, 2) };
      const tx = new SrtpContext({ profile: name, keys: [k1, k2] });
      const rx = new SrtpContext({ profile: name, keys: [k1, k2] });
      tx.protectRtp(buildRtp({ seq: 1, ssrc: 1 }));
      const a = out(tx);
      tx.setActiveKey(1);
      tx.protectRtp(buildRtp({ seq: 2, ssrc: 1 }));
      const b = out(tx);
      tx.protectRtcp(buildRtcpSr(1));
      const c = out(tx);
      expect(rx.unprotectRtp(a)).toBe(SrtpStatus.Ok);
      expect(rx.unprotectRtp(b)).toBe(SrtpStatus.Ok);
      expect(rx.unprotectRtcp(c)).toBe(SrtpStatus.Ok);
      expect(rx.keyUsage().map((u) => u.srtpPackets)).toEqual([1, 1]);
      const only1 = new SrtpContext({ profile: name, keys: [k1] });
      expect(only1.unprotectRtp(b)).toBe(SrtpStatus.UnknownMki);
    });
  }

  it('refuses several keys without MKI, and duplicate MKIs', () => {
    const p = PROTECTION_PROFILES[0];
    expect(() => new SrtpContext({ profile: p.name, keys: [keysFor(p), keysFor(p)] })).toThrow(expect.objectContaining({ code: SrtpErrorCode.BadMki }));
    const m = Uint8Array.of(1);
    expect(() => new SrtpContext({ profile: p.name, keys: [{ ...keysFor(p), mki: m }, { ...keysFor(p), mki: m }] })).toThrow(expect.objectContaining({ code: SrtpErrorCode.DuplicateMki }));
  });
});

describe('key lifetime (RFC 3711 §9.2)', () => {
  it('fires a soft-limit event, then refuses to protect or unprotect past the lifetime', () => {
    const p = PROTECTION_PROFILES[0];
    const keys = { ...keysFor(p), lifetime: 16 };
    const tx = new SrtpContext({ profile: p.name, keys, softLimitMargin: 4 });
    const rx = new SrtpContext({ profile: p.name, keys });
    const events: string[] = [];
    tx.on('keysoftlimit', (e) => events.push(`soft:${e.stream}:${e.used}`));
    tx.on('keyexpired', (e) => events.push(`expired:${e.stream}:${e.used}`));
    const prot: Buffer[] = [];
    for (let seq = 0; seq < 16; seq++) { expect(tx.protectRtp(buildRtp({ seq, ssrc: 1 }))).toBe(SrtpStatus.Ok); prot.push(out(tx)); }
    expect(tx.protectRtp(buildRtp({ seq: 16, ssrc: 1 }))).toBe(SrtpStatus.KeyExpired);
    expect(events).toEqual(['soft:srtp:14', 'expired:srtp:16']);
    for (const pk of prot) expect(rx.unprotectRtp(pk)).toBe(SrtpStatus.Ok);
    const extra = new SrtpContext({ profile: p.name, keys: { ...keys, lifetime: 100 } });
    extra.protectRtp(buildRtp({ seq: 50, ssrc: 2 }));
    expect(rx.unprotectRtp(out(extra))).toBe(SrtpStatus.KeyExpired);
  });

  it('caps SRTCP at 2^31 and SRTP at 2^48', () => {
    const p = PROTECTION_PROFILES[0];
    const tx = new SrtpContext({ profile: p.name, keys: keysFor(p) });
    expect(tx.keyUsage()[0]).toMatchObject({ srtpLifetime: 2 ** 48, srtcpLifetime: 2 ** 31 });
    expect(() => new SrtpContext({ profile: p.name, keys: { ...keysFor(p), lifetime: 2 ** 49 } })).toThrow(expect.objectContaining({ code: SrtpErrorCode.BadLifetime }));
  });
});

describe('profiles and options', () => {
  it('accepts aliases and refuses unknown names and NULL without opt-in', () => {
    const p = PROTECTION_PROFILES.find((x) => x.name === 'AES_256_CM_HMAC_SHA1_80') as ProtectionProfile;
    expect(new SrtpContext({ profile: 'AES_CM_256_HMAC_SHA1_80', keys: keysFor(p) }).profile.name).toBe('AES_256_CM_HMAC_SHA1_80');
    expect(() => new SrtpContext({ profile: 'AES_CM_128_HMAC_SHA1_64', keys: keysFor(p) })).toThrow(expect.objectContaining({ code: SrtpErrorCode.UnknownProfile }));
    const n = PROTECTION_PROFILES.find((x) => x.name === 'NULL_HMAC_SHA1_80') as ProtectionProfile;
    expect(() => new SrtpContext({ profile: n.name, keys: keysFor(n) })).toThrow(expect.objectContaining({ code: SrtpErrorCode.ProfileNotEnabled }));
  });

  it('_32 profiles use an 80-bit SRTCP tag by default and 32 bits on request', () => {
    const p = PROTECTION_PROFILES.find((x) => x.name === 'AES_CM_128_HMAC_SHA1_32') as ProtectionProfile;
    const keys = keysFor(p);
    for (const [tag, extra] of [[10, {}], [4, { srtcpTagLength: 4 }]] as const) {
      const tx = new SrtpContext({ profile: p.name, keys, ...extra });
      const rx = new SrtpContext({ profile: p.name, keys, ...extra });
      const sr = buildRtcpSr(1);
      tx.protectRtcp(sr);
      expect(tx.outputLength).toBe(sr.length + 4 + tag);
      expect(rx.unprotectRtcp(out(tx))).toBe(SrtpStatus.Ok);
    }
  });

  it('UNENCRYPTED_SRTP leaves the payload clear but authenticated; UNAUTHENTICATED_SRTP carries no tag', () => {
    const p = PROTECTION_PROFILES[0];
    const keys = keysFor(p);
    const clear = new SrtpContext({ profile: p.name, keys, encryptSrtp: false });
    const pkt = buildRtp({ seq: 1, ssrc: 1 });
    clear.protectRtp(pkt);
    expect(out(clear).subarray(0, pkt.length).equals(pkt)).toBe(true);
    const rx = new SrtpContext({ profile: p.name, keys, encryptSrtp: false });
    const tampered = out(clear); tampered[20] ^= 1;
    expect(rx.unprotectRtp(tampered)).toBe(SrtpStatus.AuthFailed);
    const noauth = new SrtpContext({ profile: p.name, keys, authenticateSrtp: false });
    noauth.protectRtp(pkt);
    expect(noauth.outputLength).toBe(pkt.length);
    expect(() => new SrtpContext({ profile: 'AEAD_AES_128_GCM', keys: { key: randomBytes(16), salt: randomBytes(12) }, encryptSrtp: false })).toThrow(expect.objectContaining({ code: SrtpErrorCode.BadOption }));
  });

  it('key derivation rate != 0 round-trips across re-derivations', () => {
    const p = PROTECTION_PROFILES[0];
    const { tx, rx } = pair(p, { kdr: 16 });
    for (let seq = 0; seq < 100; seq++) {
      expect(tx.protectRtp(buildRtp({ seq, ssrc: 3 }))).toBe(SrtpStatus.Ok);
      expect(rx.unprotectRtp(out(tx))).toBe(SrtpStatus.Ok);
      expect(tx.protectRtcp(buildRtcpSr(3))).toBe(SrtpStatus.Ok);
      expect(rx.unprotectRtcp(out(tx))).toBe(SrtpStatus.Ok);
    }
  });
});

describe('buffers, verify and lifecycle', () => {
  const p = PROTECTION_PROFILES[0];
  it('protects and unprotects in place and into caller buffers', () => {
    const { tx, rx } = pair(p);
    const pkt = buildRtp({ seq: 1, ssrc: 1 });
    const buf = Buffer.alloc(1500);
    pkt.copy(buf);
    expect(tx.protectRtp(buf, buf, pkt.length)).toBe(SrtpStatus.Ok);
    expect(tx.output).toBe(buf);
    const n = tx.outputLength;
    expect(rx.unprotectRtp(buf, buf, n)).toBe(SrtpStatus.Ok);
    expect(buf.subarray(0, rx.outputLength).equals(pkt)).toBe(true);
    expect(tx.protectRtp(buildRtp({ seq: 2, ssrc: 1 }), Buffer.alloc(10))).toBe(SrtpStatus.OutputTooSmall);
  });

  it('verifyRtp authenticates and commits replay state without decrypting', () => {
    const { tx, rx } = pair(p);
    tx.protectRtp(buildRtp({ seq: 1, ssrc: 1 }));
    const prot = out(tx);
    const copy = Buffer.from(prot);
    expect(rx.verifyRtp(prot)).toBe(SrtpStatus.Ok);
    expect(prot.equals(copy)).toBe(true);
    expect(rx.verifyRtp(prot)).toBe(SrtpStatus.Replayed);
    const forged = Buffer.from(prot); forged[3] ^= 4; // a fresh index, so it reaches authentication
    expect(rx.verifyRtp(forged)).toBe(SrtpStatus.AuthFailed);
  });

  it('close wipes keys, is idempotent, and later packets get Closed', () => {
    const { tx } = pair(p);
    tx.close();
    tx.close();
    expect(tx.protectRtp(buildRtp({ seq: 1, ssrc: 1 }))).toBe(SrtpStatus.Closed);
    expect(() => tx.setRoc(1, 1)).toThrow(expect.objectContaining({ code: SrtpErrorCode.Closed }));
  });

  it('derives session keys when the first packet needs them; a forged first packet changes no stream state; close wipes them', () => {
    const { tx, rx } = pair(p);
    type Key = { srtpCipherOnce: unknown; srtcp: unknown; key: Uint8Array };
    const keyOf = (c: SrtpContext): Key => (c as unknown as { ring: { keys: Key[] } }).ring.keys[0];
    // A context set up and never used holds no session keys (none to wipe, none to derive).
    expect(keyOf(tx).srtpCipherOnce).toBeNull();
    expect(keyOf(rx).srtpCipherOnce).toBeNull();
    expect(tx.protectRtp(buildRtp({ seq: 7, ssrc: 9 }))).toBe(SrtpStatus.Ok);
    const good = out(tx);
    expect(keyOf(tx).srtpCipherOnce).not.toBeNull();
    expect(keyOf(tx).srtcp).toBeNull();
    // The receiver's first packet is a forgery: keys get derived to check it, nothing else moves.
    const forged = Buffer.from(good); forged[forged.length - 1] ^= 1;
    expect(rx.unprotectRtp(forged)).toBe(SrtpStatus.AuthFailed);
    expect(rx.getRoc(9)).toBeUndefined();
    expect(rx.highestIndex(9, false)).toBe(-1);
    expect(rx.unprotectRtp(good)).toBe(SrtpStatus.Ok);
    tx.close();
    const wiped = keyOf(tx);
    expect(wiped.srtpCipherOnce).toBeNull();
    expect(wiped.key.every((b) => b === 0)).toBe(true);
    // Nothing is derived again from a closed context (its master key is zeros now).
    expect(tx.protectRtp(buildRtp({ seq: 8, ssrc: 9 }))).toBe(SrtpStatus.Closed);
    expect(wiped.srtpCipherOnce).toBeNull();
  });

  it('makes per-direction stream state and the SRTCP transform with the first packet that needs them; close drops them and wipes keys', () => {
    const { tx, rx } = pair(p);
    type Transform = { inbound: Map<number, unknown> | null; outbound: Map<number, unknown> | null; scratch: unknown };
    type Internals = { rtp: Transform; rtcpOnce: Transform | null; ring: { keys: { key: Uint8Array; salt: Uint8Array; srtpCipherOnce: unknown }[] } };
    const inner = (c: SrtpContext): Internals => c as unknown as Internals;
    const overhead = tx.protectRtcpOverhead;
    // Set up and unused: no stream maps, no scratch stream, no SRTCP transform.
    for (const c of [tx, rx]) {
      expect(inner(c).rtp.inbound).toBeNull();
      expect(inner(c).rtp.outbound).toBeNull();
      expect(inner(c).rtp.scratch).toBeNull();
      expect(inner(c).rtcpOnce).toBeNull();
    }
    expect(tx.peekProtectIndex(5, 0, true)).toBe(1);
    expect(rx.highestIndex(5, true)).toBe(-1);
    expect(inner(tx).rtcpOnce).toBeNull(); // read-only accessors make nothing
    expect(tx.protectRtp(buildRtp({ seq: 1, ssrc: 5 }))).toBe(SrtpStatus.Ok);
    expect(inner(tx).rtp.outbound?.size).toBe(1);
    expect(inner(tx).rtp.inbound).toBeNull();
    expect(inner(tx).rtcpOnce).toBeNull();
    // A forged first packet uses the scratch stream only: no inbound map yet.
    const forged = out(tx); forged[forged.length - 1] ^= 1;
    expect(rx.unprotectRtp(forged)).toBe(SrtpStatus.AuthFailed);
    expect(inner(rx).rtp.inbound).toBeNull();
    forged[forged.length - 1] ^= 1;
    expect(rx.unprotectRtp(forged)).toBe(SrtpStatus.Ok);
    expect(inner(rx).rtp.inbound?.size).toBe(1);
    expect(inner(rx).rtp.outbound).toBeNull();
    // SRTCP: the transform comes with the first packet, and only its protect side's map.
    const sr = buildRtcpSr(5, 1);
    expect(tx.protectRtcp(sr)).toBe(SrtpStatus.Ok);
    expect(tx.outputLength - sr.length).toBe(overhead);
    expect(tx.protectRtcpOverhead).toBe(overhead);
    expect(tx.peekProtectIndex(5, 0, true)).toBe(2);
    const rtcp = inner(tx).rtcpOnce as Transform;
    expect(rtcp.outbound?.size).toBe(1);
    expect(rtcp.inbound).toBeNull();
    expect(rx.unprotectRtcp(out(tx))).toBe(SrtpStatus.Ok);
    expect(rx.highestIndex(5, true)).toBe(1);
    const key = inner(tx).ring.keys[0];
    const cipher = key.srtpCipherOnce as { hmac: { tail: Int32Array; digest: Uint8Array }; salt: Uint8Array } | null;
    expect(cipher?.hmac.tail.some((w) => w !== 0)).toBe(true); // key states are in there before close
    tx.close();
    expect(inner(tx).rtp.outbound).toBeNull();
    expect(rtcp.outbound).toBeNull();
    expect(key.key.every((b) => b === 0)).toBe(true);
    expect(key.salt.every((b) => b === 0)).toBe(true);
    // Session keys: the cipher's salt and HMAC key states (one array with its digest view) are zeros.
    expect(cipher?.hmac.tail.some((w) => w !== 0)).toBe(false);
    expect(cipher?.hmac.digest.some((b) => b !== 0)).toBe(false);
    expect(cipher?.salt.some((b) => b !== 0)).toBe(false);
  });

  it('never shows key material in JSON or inspect', () => {
    const keys = keysFor(p);
    const ctx = new SrtpContext({ profile: p.name, keys });
    const text = JSON.stringify(ctx) + inspect(ctx, { depth: 10, showHidden: true });
    expect(text).not.toContain(Buffer.from(keys.key).toString('hex'));
    expect(text).not.toContain(String(keys.key[0]) + ', ' + String(keys.key[1]));
  });
});
