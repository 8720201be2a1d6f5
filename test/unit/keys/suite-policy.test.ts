import { DEFAULT_SUITE_PREFERENCE, initKeys, KeyErrorCode, SuitePolicy } from '../../../src/keys';

beforeAll(async () => {
  await initKeys();
});

describe('SuitePolicy', () => {
  it('defaults to the issue’s order: GCM 256, GCM 128, AES-256-CM-80, AES-128-CM-80, AES-128-CM-32', () => {
    expect(new SuitePolicy().preference.map((p) => p.name)).toEqual([
      'AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_256_CM_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32',
    ]);
    expect(DEFAULT_SUITE_PREFERENCE[0]).toBe('AEAD_AES_256_GCM');
  });

  it('picks the first preferred suite every device supports (aliases and case accepted)', () => {
    const policy = new SuitePolicy();
    expect(policy.choose(['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'], ['srtp_aead_aes_128_gcm', 'AES_CM_128_HMAC_SHA1_32']).name).toBe('AEAD_AES_128_GCM');
    expect(policy.choose(['AES_CM_128_HMAC_SHA1_32', 'AES_CM_128_HMAC_SHA1_80'], ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']).name).toBe('AES_CM_128_HMAC_SHA1_80');
  });

  it('ignores suite names a device lists that we do not know', () => {
    expect(new SuitePolicy().choose(['F8_128_HMAC_SHA1_80', 'AEAD_AES_256_GCM'], ['AEAD_AES_256_GCM']).name).toBe('AEAD_AES_256_GCM');
  });

  it('no common suite is a clear error, never a silent RTP call', () => {
    const policy = new SuitePolicy();
    expect(() => policy.choose(['AEAD_AES_256_GCM'], ['AES_CM_128_HMAC_SHA1_80'])).toThrow(expect.objectContaining({ code: KeyErrorCode.NoCommonSuite }));
    expect(() => policy.choose(['AES_192_CM_HMAC_SHA1_80'], ['AES_192_CM_HMAC_SHA1_80'])).toThrow(expect.objectContaining({ code: KeyErrorCode.NoCommonSuite }));
    expect(() => policy.choose([], ['AEAD_AES_256_GCM'])).toThrow(expect.objectContaining({ code: KeyErrorCode.NoCommonSuite }));
  });

  it('is configurable; NULL suites need allowNull; bad lists are refused', () => {
    expect(new SuitePolicy(['AES_CM_128_HMAC_SHA1_32']).choose(['AES_CM_128_HMAC_SHA1_32']).name).toBe('AES_CM_128_HMAC_SHA1_32');
    expect(() => new SuitePolicy(['NULL_HMAC_SHA1_80'])).toThrow(expect.objectContaining({ code: KeyErrorCode.SuiteNotAllowed }));
    expect(new SuitePolicy(['NULL_HMAC_SHA1_80'], { allowNull: true }).choose(['NULL_HMAC_SHA1_80']).name).toBe('NULL_HMAC_SHA1_80');
    expect(() => new SuitePolicy(['AES_512'])).toThrow(expect.objectContaining({ code: KeyErrorCode.UnknownSuite }));
    expect(() => new SuitePolicy([])).toThrow(expect.objectContaining({ code: KeyErrorCode.EmptyPreference }));
    // A NULL suite offered by a device is never chosen under a policy without it.
    expect(() => new SuitePolicy().choose(['NULL_HMAC_SHA1_80'], ['NULL_HMAC_SHA1_80'])).toThrow(expect.objectContaining({ code: KeyErrorCode.NoCommonSuite }));
  });
});
