/**
 * `srtp-relay srtp protect|unprotect` and `keys derive` in-process: the line protocol and key
 * derivation the command runs. The built command end to end is test/interop/cli/srtp-cli.test.ts.
 */
import libsrtp from '../../vectors/libsrtp-packets.json';
import kdf from '../../vectors/kdf-kdr-zero.json';
import { SrtpLineProcessor } from '../../../src/cli/srtp-lines';
import { deriveKeysJson } from '../../../src/cli/keys-derive';
import { decodeInlineKey } from '../../../src/cli/inline-key';
import { resolveProfile, SrtpErrorCode } from '../../../src/srtp';

const inline = (keyHex: string, saltHex: string): string => Buffer.concat([Buffer.from(keyHex, 'hex'), Buffer.from(saltHex, 'hex')]).toString('base64');

describe('srtp line processor', () => {
  const v = libsrtp.cases[0];
  const context = { profile: v.profile, keys: { key: Buffer.from(v.masterKey, 'hex'), salt: Buffer.from(v.masterSalt, 'hex') } };

  it('protects to the libsrtp vector and unprotects it back, keeping replay state across lines', () => {
    const tx = new SrtpLineProcessor({ operation: 'protect', rtcp: false, context });
    expect(tx.process(v.plaintext)).toBe(v.protected);
    const rx = new SrtpLineProcessor({ operation: 'unprotect', rtcp: false, context });
    expect(rx.process(v.protected.toUpperCase())).toBe(v.plaintext);
    expect(rx.process(v.protected)).toBe('error replayed');
    expect(rx.process('')).toBeNull();
    expect(rx.process('xyz')).toBe('error malformed');
    expect(rx.process('800f')).toBe('error too_short');
  });

  it('reports auth failures per line and goes on', () => {
    const rx = new SrtpLineProcessor({ operation: 'unprotect', rtcp: false, context });
    const bad = v.protected.slice(0, -2) + (v.protected.endsWith('00') ? '01' : '00');
    expect(rx.process(bad)).toBe('error auth_failed');
    expect(rx.process(v.protected)).toBe(v.plaintext);
  });

  it('RTCP lines use SRTCP', () => {
    const r = libsrtp.cases[1];
    const tx = new SrtpLineProcessor({ operation: 'protect', rtcp: true, context });
    expect(tx.process(r.plaintext)).toBe(r.protected);
  });

  it('decodes inline keys with and without padding and refuses wrong lengths', () => {
    const p = resolveProfile('AEAD_AES_128_GCM');
    const b64 = inline('000102030405060708090a0b0c0d0e0f', 'a0a1a2a3a4a5a6a7a8a9aaab');
    expect(Buffer.from(decodeInlineKey(p, b64.replace(/=+$/, '')).salt).toString('hex')).toBe('a0a1a2a3a4a5a6a7a8a9aaab');
    expect(() => decodeInlineKey(p, 'AAAA')).toThrow(expect.objectContaining({ code: SrtpErrorCode.BadKeyLength }));
    expect(() => decodeInlineKey(p, 'not base64!')).toThrow(expect.objectContaining({ code: SrtpErrorCode.BadKeyLength }));
  });

  it('keys derive prints the RFC 3711 B.3 session keys', () => {
    const c = kdf.cases[0] as { masterKey: string; masterSalt: string; expect: Record<string, string> };
    const json = JSON.parse(deriveKeysJson({ suite: 'AES_CM_128_HMAC_SHA1_80', key: inline(c.masterKey, c.masterSalt) }));
    expect(json.srtp.encryptionKey).toBe(c.expect['0'].toLowerCase());
    expect(json.srtp.authenticationKey).toBe(c.expect['1'].toLowerCase());
    expect(json.srtcp.salt).toBe(c.expect['5'].toLowerCase());
  });
});
