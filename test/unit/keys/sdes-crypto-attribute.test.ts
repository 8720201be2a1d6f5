import vectors from '../../vectors/sdes-rfc4568.json';
import { formatCryptoAttribute, generateKeySet, initKeys, KeyErrorCode, parseCryptoAttribute, parseLifetime, formatLifetime, type CryptoAttribute } from '../../../src/keys';
import { PROTECTION_PROFILES, resolveProfile } from '../../../src/srtp/protection-profile';
import { hex } from './helpers';

beforeAll(async () => {
  await initKeys();
});

const K = 'PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';
const K_HEX = '3d2d6e40255e7821426a75667239293f';
const SUITE = 'AES_CM_128_HMAC_SHA1_80';

function keysOf(attr: CryptoAttribute): { key: string; salt: string; lifetime?: number; mki?: string }[] {
  const d = attr.keySet.deliver();
  return d.keys.map((k) => ({
    key: hex(k.key),
    salt: hex(k.salt),
    ...(k.lifetime !== undefined ? { lifetime: k.lifetime } : {}),
    ...(k.mki !== undefined ? { mki: hex(k.mki) } : {}),
  }));
}

describe('RFC 4568 examples (test/vectors/sdes-rfc4568.json)', () => {
  it.each(vectors.vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const attr = parseCryptoAttribute(v.line);
    expect(attr.tag).toBe(v.tag);
    expect(attr.profile.name).toBe(v.suite);
    expect(keysOf(attr)).toEqual(v.keys);
    // Writing it back gives the RFC's own text: same base64, 2^n lifetime and MKI form.
    expect(formatCryptoAttribute(attr.tag, attr.keySet)).toBe(v.line);
  });
});

describe('accepted variations', () => {
  it('base64 with or without padding gives the same key', () => {
    const set = generateKeySet(resolveProfile('AEAD_AES_128_GCM'));
    const padded = formatCryptoAttribute(5, set);
    expect(padded).toMatch(/==( |$)/); // 28 bytes need padding
    const unpadded = padded.replace(/=+(?=$| )/, '');
    expect(keysOf(parseCryptoAttribute(unpadded))).toEqual(keysOf(parseCryptoAttribute(padded)));
  });

  it('without "a=", with tabs, extra spaces and CRLF', () => {
    const attr = parseCryptoAttribute(`crypto:7\t${SUITE}   inline:${K}  KDR=3\r\n`);
    expect(attr.tag).toBe(7);
    expect(keysOf(attr)[0].key).toBe(K_HEX);
    expect(attr.keySet.params.kdrExponent).toBe(3);
  });

  it('suite aliases resolve through the engine table', () => {
    expect(parseCryptoAttribute(`a=crypto:1 AES_CM_256_HMAC_SHA1_80 inline:${Buffer.alloc(46, 1).toString('base64')}`).profile.name).toBe('AES_256_CM_HMAC_SHA1_80');
  });

  it('lifetime as decimal or 2^n; MKI alone without lifetime', () => {
    expect(keysOf(parseCryptoAttribute(`a=crypto:1 ${SUITE} inline:${K}|1048576`))[0].lifetime).toBe(2 ** 20);
    expect(keysOf(parseCryptoAttribute(`a=crypto:1 ${SUITE} inline:${K}|2^48`))[0].lifetime).toBe(2 ** 48);
    const mkiOnly = keysOf(parseCryptoAttribute(`a=crypto:1 ${SUITE} inline:${K}|258:2`))[0];
    expect(mkiOnly.mki).toBe('0102');
    expect(mkiOnly.lifetime).toBeUndefined();
    expect(parseLifetime('2^31')).toBe(2 ** 31);
    expect(formatLifetime(2 ** 31)).toBe('2^31');
    expect(formatLifetime(1000)).toBe('1000');
  });

  it('a 128-byte MKI (the RFC 4568 maximum)', () => {
    const big = (2n ** 1024n - 1n).toString();
    const k = keysOf(parseCryptoAttribute(`a=crypto:1 ${SUITE} inline:${K}|${big}:128`))[0];
    expect(k.mki).toBe('ff'.repeat(128));
  });

  it('session parameters KDR, UNENCRYPTED_SRTP, UNENCRYPTED_SRTCP, UNAUTHENTICATED_SRTP, WSH', () => {
    const attr = parseCryptoAttribute(`a=crypto:1 ${SUITE} inline:${K} KDR=24 UNENCRYPTED_SRTP UNENCRYPTED_SRTCP UNAUTHENTICATED_SRTP WSH=256 -X-VENDOR=1`);
    expect(attr.keySet.params).toEqual({ kdrExponent: 24, unencryptedSrtp: true, unencryptedSrtcp: true, unauthenticatedSrtp: true, windowSizeHint: 256 });
    expect(attr.ignoredParams).toEqual(['-X-VENDOR=1']);
    expect(formatCryptoAttribute(1, attr.keySet)).toBe(`a=crypto:1 ${SUITE} inline:${K} KDR=24 UNENCRYPTED_SRTP UNENCRYPTED_SRTCP UNAUTHENTICATED_SRTP WSH=256`);
  });

  it('KDR=0 is accepted (exponent, RFC 4568 §6.3.1)', () => {
    expect(parseCryptoAttribute(`a=crypto:1 ${SUITE} inline:${K} KDR=0`).keySet.params.kdrExponent).toBe(0);
  });

  it('NULL suites only with allowNull', () => {
    const line = `a=crypto:1 NULL_HMAC_SHA1_80 inline:${K}`;
    expect(() => parseCryptoAttribute(line)).toThrow(expect.objectContaining({ code: KeyErrorCode.SuiteNotAllowed }));
    expect(parseCryptoAttribute(line, { allowNull: true }).profile.name).toBe('NULL_HMAC_SHA1_80');
  });
});

describe('round trips for every suite', () => {
  const cases = PROTECTION_PROFILES.flatMap((p) => [
    [p.name, {}],
    [p.name, { keyCount: 3, mkiLength: 2, lifetime: 2 ** 30 }],
    [p.name, { keyCount: 2, mkiLength: 128, firstMki: 7 }],
  ] as const);
  it.each(cases)('%s %j: format → parse gives the same key set', (name, opts) => {
    const profile = resolveProfile(name, { allowNull: true });
    const set = generateKeySet(profile, opts);
    const line = formatCryptoAttribute(42, set);
    const back = parseCryptoAttribute(line, { allowNull: true });
    expect(back.tag).toBe(42);
    expect(back.profile).toBe(profile);
    expect(back.keySet.mkiLength).toBe(set.mkiLength);
    expect(back.keySet.keys.map((k, i) => k.sameMaterialAs(set.keys[i]))).toEqual(set.keys.map(() => true));
    expect(back.keySet.keys.map((k) => k.mkiHex)).toEqual(set.keys.map((k) => k.mkiHex));
    expect(back.keySet.keys.map((k) => k.lifetime)).toEqual(set.keys.map((k) => k.lifetime));
    expect(formatCryptoAttribute(42, back.keySet)).toBe(line);
  });
});

describe('every malformed line gets a precise code', () => {
  const gcm = `inline:${Buffer.alloc(28, 2).toString('base64')}`;
  const many = Array.from({ length: 65 }, (_, i) => `inline:${K}|${i + 1}:1`).join(';');
  const cases: [string, string, KeyErrorCode][] = [
    ['empty', '', KeyErrorCode.NotCryptoAttribute],
    ['another attribute', 'a=rtpmap:0 PCMU/8000', KeyErrorCode.NotCryptoAttribute],
    ['no tag', 'a=crypto:', KeyErrorCode.BadTag],
    ['letters in tag', `a=crypto:x1 ${SUITE} inline:${K}`, KeyErrorCode.BadTag],
    ['10-digit tag', `a=crypto:1234567890 ${SUITE} inline:${K}`, KeyErrorCode.BadTag],
    ['no suite', 'a=crypto:1', KeyErrorCode.MissingSuite],
    ['unknown suite', `a=crypto:1 F8_128_HMAC_SHA1_80 inline:${K}`, KeyErrorCode.UnknownSuite],
    ['NULL without opt-in', `a=crypto:1 NULL_HMAC_SHA1_32 inline:${K}`, KeyErrorCode.SuiteNotAllowed],
    ['no key-params', `a=crypto:1 ${SUITE}`, KeyErrorCode.MissingKeyParams],
    ['empty second key-param', `a=crypto:1 ${SUITE} inline:${K}|1:1;`, KeyErrorCode.MissingKeyParams],
    ['key method other than inline', `a=crypto:1 ${SUITE} uri:https://example.com/k`, KeyErrorCode.UnsupportedKeyMethod],
    ['no colon after method', `a=crypto:1 ${SUITE} inline${K}`, KeyErrorCode.UnsupportedKeyMethod],
    ['character outside base64', `a=crypto:1 ${SUITE} inline:${K.slice(0, 10)}!${K.slice(11)}`, KeyErrorCode.BadBase64],
    ['too much padding', `a=crypto:1 ${SUITE} inline:${K}===`, KeyErrorCode.BadBase64],
    ['empty key', `a=crypto:1 ${SUITE} inline:|2^20`, KeyErrorCode.BadBase64],
    ['key too short', `a=crypto:1 ${SUITE} inline:QUJDREVG`, KeyErrorCode.BadKeyLength],
    ['128-bit key for a 256-bit suite', `a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:${K}`, KeyErrorCode.BadKeyLength],
    ['CM key for GCM', `a=crypto:1 AEAD_AES_128_GCM inline:${K}`, KeyErrorCode.BadKeyLength],
    ['lifetime above 2^48', `a=crypto:1 ${SUITE} inline:${K}|2^49`, KeyErrorCode.BadLifetime],
    ['lifetime zero', `a=crypto:1 ${SUITE} inline:${K}|0`, KeyErrorCode.BadLifetime],
    ['lifetime not a number', `a=crypto:1 ${SUITE} inline:${K}|2^x`, KeyErrorCode.BadLifetime],
    ['lifetime after MKI', `a=crypto:1 ${SUITE} inline:${K}|1:4|2^20`, KeyErrorCode.BadLifetime],
    ['MKI length 0', `a=crypto:1 ${SUITE} inline:${K}|1:0`, KeyErrorCode.BadMkiLength],
    ['MKI length 129', `a=crypto:1 ${SUITE} inline:${K}|1:129`, KeyErrorCode.BadMkiLength],
    ['MKI value too big', `a=crypto:1 ${SUITE} inline:${K}|256:1`, KeyErrorCode.BadMki],
    ['MKI not decimal', `a=crypto:1 ${SUITE} inline:${K}|0x1:4`, KeyErrorCode.BadMki],
    ['three fields after key', `a=crypto:1 ${SUITE} inline:${K}|2^20|1:4|x`, KeyErrorCode.TooManyKeyFields],
    ['second key without MKI', `a=crypto:1 ${SUITE} inline:${K}|1:4;inline:${K}`, KeyErrorCode.MkiRequired],
    ['MKI lengths differ', `a=crypto:1 ${SUITE} inline:${K}|1:4;inline:${K}|2:2`, KeyErrorCode.MkiLengthMismatch],
    ['same MKI twice', `a=crypto:1 ${SUITE} inline:${K}|1:4;inline:${K}|1:4`, KeyErrorCode.DuplicateMki],
    ['65 keys', `a=crypto:1 ${SUITE} ${many}`, KeyErrorCode.TooManyKeys],
    ['KDR 25', `a=crypto:1 ${SUITE} inline:${K} KDR=25`, KeyErrorCode.BadKdr],
    ['KDR leading zero', `a=crypto:1 ${SUITE} inline:${K} KDR=01`, KeyErrorCode.BadKdr],
    ['KDR without value', `a=crypto:1 ${SUITE} inline:${K} KDR`, KeyErrorCode.BadKdr],
    ['WSH 63', `a=crypto:1 ${SUITE} inline:${K} WSH=63`, KeyErrorCode.BadWsh],
    ['WSH above the engine maximum', `a=crypto:1 ${SUITE} inline:${K} WSH=65536`, KeyErrorCode.BadWsh],
    ['WSH not a number', `a=crypto:1 ${SUITE} inline:${K} WSH=big`, KeyErrorCode.BadWsh],
    ['KDR twice', `a=crypto:1 ${SUITE} inline:${K} KDR=1 KDR=2`, KeyErrorCode.DuplicateSessionParam],
    ['FEC_ORDER', `a=crypto:1 ${SUITE} inline:${K} FEC_ORDER=FEC_SRTP`, KeyErrorCode.UnsupportedSessionParam],
    ['FEC_KEY', `a=crypto:1 ${SUITE} inline:${K} FEC_KEY=inline:${K}`, KeyErrorCode.UnsupportedSessionParam],
    ['unknown mandatory parameter', `a=crypto:1 ${SUITE} inline:${K} SPECIAL=1`, KeyErrorCode.UnknownSessionParam],
    ['flag with a value', `a=crypto:1 ${SUITE} inline:${K} UNENCRYPTED_SRTP=1`, KeyErrorCode.UnknownSessionParam],
    ['UNENCRYPTED_SRTP with GCM', `a=crypto:1 AEAD_AES_128_GCM ${gcm} UNENCRYPTED_SRTP`, KeyErrorCode.ParamNotAllowedForSuite],
    ['UNAUTHENTICATED_SRTP with GCM', `a=crypto:1 AEAD_AES_128_GCM ${gcm} UNAUTHENTICATED_SRTP`, KeyErrorCode.ParamNotAllowedForSuite],
    ['line too long', `a=crypto:1 ${SUITE} inline:${K} ${'-X '.repeat(20000)}`, KeyErrorCode.LineTooLong],
  ];

  it.each(cases)('%s → %s', (_name, line, code) => {
    let caught: unknown;
    try {
      parseCryptoAttribute(line);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code });
    const message = (caught as Error).message;
    // Error messages never echo key material, in base64 or hex.
    expect(message).not.toContain(K.slice(0, 12));
    expect(message).not.toContain(K_HEX.slice(0, 12));
  });

  it('covers every SDES parse code of the catalog', () => {
    const parseCodes = [
      'NotCryptoAttribute', 'BadTag', 'MissingSuite', 'UnknownSuite', 'SuiteNotAllowed', 'MissingKeyParams', 'UnsupportedKeyMethod',
      'BadBase64', 'BadKeyLength', 'BadLifetime', 'BadMki', 'BadMkiLength', 'MkiRequired', 'MkiLengthMismatch', 'DuplicateMki',
      'TooManyKeys', 'TooManyKeyFields', 'BadKdr', 'BadWsh', 'DuplicateSessionParam', 'UnsupportedSessionParam', 'UnknownSessionParam',
      'ParamNotAllowedForSuite', 'LineTooLong',
    ].map((m) => KeyErrorCode[m as keyof typeof KeyErrorCode]);
    expect(new Set(cases.map((c) => c[2]))).toEqual(new Set(parseCodes));
  });
});
