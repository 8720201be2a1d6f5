import { randomBytes } from 'node:crypto';
import { KeyFingerprinter } from '../../../src/relay/key-fingerprint';
import { choosePairMode, PairMode, type LegKeying } from '../../../src/relay/pair-mode';
import { RelayErrorCode } from '../../../src/relay';
import type { SrtpContextOptions } from '../../../src/srtp';

const fp = new KeyFingerprinter();
const key = (profile = 'AES_CM_128_HMAC_SHA1_80', len = 16): SrtpContextOptions => ({ profile, keys: { key: randomBytes(len), salt: randomBytes(14) } });
const leg = (inbound: SrtpContextOptions, outbound: SrtpContextOptions): LegKeying => ({ inbound: fp.fingerprint(inbound), outbound: fp.fingerprint(outbound) });

describe('choosePairMode (docs/relay.md pair modes)', () => {
  it('plain legs forward; SRTP to plain decrypts; plain to SRTP encrypts', () => {
    const s = leg(key(), key());
    expect(choosePairMode(null, null)).toBe(PairMode.Forward);
    expect(choosePairMode(s, null)).toBe(PairMode.Decrypt);
    expect(choosePairMode(null, s)).toBe(PairMode.Encrypt);
  });

  it('passthrough only with identical keys and wire parameters (end-to-end keying)', () => {
    const ab = key();
    const ba = key();
    const a = leg(ab, ba);
    const b = leg(ba, ab);
    expect(choosePairMode(a, b)).toBe(PairMode.Passthrough);
    expect(choosePairMode(b, a)).toBe(PairMode.Passthrough);
    // Same bytes copied into new arrays: still the same keys.
    const copy = (o: SrtpContextOptions): SrtpContextOptions => {
      const k = o.keys as { key: Uint8Array; salt: Uint8Array };
      return { profile: 'SRTP_AES128_CM_HMAC_SHA1_80', keys: { key: Uint8Array.from(k.key), salt: Uint8Array.from(k.salt) } };
    };
    expect(choosePairMode(a, leg(key(), copy(ab)))).toBe(PairMode.Passthrough);
  });

  it('recrypts between different keys or suites', () => {
    expect(choosePairMode(leg(key(), key()), leg(key(), key()))).toBe(PairMode.Recrypt);
    expect(choosePairMode(leg(key(), key()), leg(key('AEAD_AES_256_GCM', 32), key('AEAD_AES_256_GCM', 32)))).toBe(PairMode.Recrypt);
  });

  it('refuses the same master key with different parameters (would reuse a key/SSRC/index)', () => {
    const ab = key();
    const a = leg(ab, key());
    const b = leg(key(), { ...ab, srtcpTagLength: 4 });
    expect(() => choosePairMode(a, b)).toThrow(expect.objectContaining({ code: RelayErrorCode.KeyReuse }));
  });

  it('passthrough when the receiver accepts every key the sender uses, under the same MKI (seed 003 call keys)', () => {
    const mk = (mki: number) => ({ key: randomBytes(16), salt: randomBytes(14), mki: Uint8Array.of(mki) });
    const profile = 'AES_CM_128_HMAC_SHA1_80';
    const endpointAB = mk(1);
    const relayAB = mk(2);
    const endpointBA = mk(1);
    const relayBA = mk(2);
    // Leg toward A verifies A's endpoint key; leg toward B protects with the relay-origin key first.
    const a = leg({ profile, keys: [endpointAB] }, { profile, keys: [relayBA, endpointBA] });
    const b = leg({ profile, keys: [endpointBA] }, { profile, keys: [relayAB, endpointAB] });
    expect(choosePairMode(a, b)).toBe(PairMode.Passthrough);
    expect(choosePairMode(b, a)).toBe(PairMode.Passthrough);
    expect(a.outbound.active).toBe(fp.fingerprint({ profile, keys: relayBA }).masterKeys[0]);
    // The sender's key under another MKI on the receiving side would not verify there: refused.
    const renumbered = leg({ profile, keys: [mk(1)] }, { profile, keys: [relayAB, { ...endpointAB, mki: Uint8Array.of(7) }] });
    expect(() => choosePairMode(a, renumbered)).toThrow(expect.objectContaining({ code: RelayErrorCode.KeyReuse }));
    // A receiver lacking one of the sender's keys: not passthrough, and sharing another is reuse.
    const twoKeys = leg({ profile, keys: [endpointAB, mk(3)] }, { profile, keys: [mk(2)] });
    expect(() => choosePairMode(twoKeys, b)).toThrow(expect.objectContaining({ code: RelayErrorCode.KeyReuse }));
    // Unrelated keys: recrypt.
    expect(choosePairMode(leg({ profile, keys: [mk(1)] }, { profile, keys: [mk(2)] }), b)).toBe(PairMode.Recrypt);
  });

  it('fingerprints reveal no key bytes and differ per relay', () => {
    const k = key();
    const one = fp.fingerprint(k);
    const two = new KeyFingerprinter().fingerprint(k);
    const hex = Buffer.from((k.keys as { key: Uint8Array }).key).toString('hex');
    expect(JSON.stringify(one)).not.toContain(hex);
    expect(one.wire).not.toBe(two.wire);
  });
});
