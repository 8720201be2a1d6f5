import { generateKeySet, initKeys, parseCryptoAttribute, toSrtpContextOptions, wipeContextOptions } from '../../../src/keys';
import { resolveProfile, type MasterKeyInput } from '../../../src/srtp';

beforeAll(async () => {
  await initKeys();
});

describe('toSrtpContextOptions', () => {
  it('maps SDES session parameters onto the engine options', () => {
    const attr = parseCryptoAttribute('a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4 KDR=3 UNENCRYPTED_SRTP UNENCRYPTED_SRTCP UNAUTHENTICATED_SRTP WSH=512');
    const o = toSrtpContextOptions(attr.keySet, { softLimitMargin: 100 });
    const keys = o.keys as readonly MasterKeyInput[];
    expect(o).toMatchObject({ profile: 'AES_CM_128_HMAC_SHA1_80', allowNull: false, kdr: 8, replayWindow: 512, encryptSrtp: false, encryptSrtcp: false, authenticateSrtp: false, softLimitMargin: 100 });
    expect(keys).toHaveLength(1);
    expect(Buffer.from(keys[0].key).toString('hex')).toBe('3d2d6e40255e7821426a75667239293f');
    expect(Buffer.from(keys[0].mki ?? []).toString('hex')).toBe('00000001');
    expect(keys[0].lifetime).toBe(2 ** 20);
  });

  it('defaults stay with the engine; NULL suites carry allowNull; wiping clears the copies only', () => {
    const set = generateKeySet(resolveProfile('NULL_HMAC_SHA1_32', { allowNull: true }), { keyCount: 2 });
    const o = toSrtpContextOptions(set);
    expect(o.allowNull).toBe(true);
    expect(o).not.toHaveProperty('kdr');
    expect(o).not.toHaveProperty('replayWindow');
    wipeContextOptions(o);
    for (const k of o.keys as readonly MasterKeyInput[]) expect([...k.key, ...k.salt].every((b) => b === 0)).toBe(true);
    expect(set.released).toBe(false);
    expect([...set.deliver().keys[0].key].some((b) => b !== 0)).toBe(true);
  });
});
