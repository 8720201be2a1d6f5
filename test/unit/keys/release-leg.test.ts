/**
 * `KeyManager.releaseLeg`: a leg that leaves a call (hang-up, transfer, failed join) has its sets
 * wiped at once — including the sets a rekey retired from it — while the call's other legs keep
 * theirs. And `sdesOffer({ suites })`: an offer restricted to (and ordered by) given suites.
 */
import { KeyErrorCode, KeyManager, parseCryptoAttribute } from '../../../src/keys';

describe('KeyManager.releaseLeg', () => {
  let km: KeyManager;
  beforeEach(async () => {
    km = await KeyManager.create({ env: {} });
  });
  afterEach(() => km.close());

  const suites = { a: ['AES_CM_128_HMAC_SHA1_80'], b: ['AES_CM_128_HMAC_SHA1_80'] };

  it('wipes the leg’s current and rekeyed-away sets and leaves the other leg alone', () => {
    const [gone] = km.createLegKeys({ callId: 'c1', legId: 'A', streams: ['audio'], ...suites });
    const [kept] = km.createLegKeys({ callId: 'c1', legId: 'B', streams: ['audio'], ...suites });
    const next = km.rekey('c1', 'audio', 'aToB', 'A');
    const keptNext = km.rekey('c1', 'audio', 'bToA', 'B');

    km.releaseLeg('c1', 'A');
    for (const set of [gone.aToB, gone.bToA, next]) expect(set.released).toBe(true);
    expect(() => km.endpointKeys('c1', 'A', 'A')).toThrow(expect.objectContaining({ code: KeyErrorCode.UnknownCall }));
    // B's sets (current and retired) are untouched and still deliverable.
    expect(kept.aToB.released).toBe(false);
    expect(kept.bToA.released).toBe(false);
    expect(keptNext.released).toBe(false);
    expect(km.endpointKeys('c1', 'A', 'B')[0].receive).toBe(keptNext);
    expect(km.hasCall('c1')).toBe(true);

    // The same leg id can be keyed again after its release (a retry of a failed join).
    const [again] = km.createLegKeys({ callId: 'c1', legId: 'A', streams: ['audio'], ...suites });
    expect(again.aToB.released).toBe(false);
  });

  it('is idempotent, and releasing the last leg forgets the call', () => {
    const [s] = km.createLegKeys({ callId: 'c2', legId: 'A', ...suites });
    km.releaseLeg('c2', 'A');
    km.releaseLeg('c2', 'A');
    km.releaseLeg('c2', 'never-keyed');
    km.releaseLeg('no-such-call', 'A');
    expect(s.aToB.released).toBe(true);
    expect(km.hasCall('c2')).toBe(false);
    expect(JSON.stringify(km)).toBe('{"calls":0,"closed":false}');
  });

  it('releaseCall still wipes legs that were rekeyed, leg by leg', () => {
    const [a] = km.createLegKeys({ callId: 'c3', legId: 'A', ...suites });
    const retired = a.bToA;
    km.rekey('c3', 'audio', 'bToA', 'A');
    km.releaseCall('c3');
    expect(retired.released).toBe(true);
    expect(a.aToB.released).toBe(true);
  });
});

describe('KeyManager.sdesOffer with suites', () => {
  it('offers the given suites in the given order, and refuses suites outside the policy', async () => {
    const km = await KeyManager.create({ env: {} });
    try {
      const offer = km.sdesOffer({ suites: ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_256_GCM'] });
      const names = offer.lines.map((l) => {
        const attr = parseCryptoAttribute(l);
        attr.keySet.release();
        return [attr.tag, attr.profile.name];
      });
      expect(names).toEqual([[1, 'AES_CM_128_HMAC_SHA1_80'], [2, 'AEAD_AES_256_GCM']]);
      for (const set of offer.sets.values()) set.release();
      const all = km.sdesOffer();
      expect(all.lines).toHaveLength(km.policy.preference.length);
      for (const set of all.sets.values()) set.release();
      expect(() => km.sdesOffer({ suites: ['NULL_HMAC_SHA1_80'] })).toThrow(expect.objectContaining({ code: KeyErrorCode.NoCommonSuite }));
    } finally {
      km.close();
    }
  });
});
