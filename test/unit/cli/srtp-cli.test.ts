/**
 * `srtp-relay srtp protect|unprotect` and `keys derive`: the line protocol in-process, and the
 * built command end to end (npm test builds dist/ before jest runs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import libsrtp from '../../vectors/libsrtp-packets.json';
import kdf from '../../vectors/kdf-kdr-zero.json';
import { SrtpLineProcessor } from '../../../src/cli/srtp-lines';
import { deriveKeysJson } from '../../../src/cli/keys-derive';
import { decodeInlineKey } from '../../../src/cli/inline-key';
import { resolveProfile, SrtpErrorCode } from '../../../src/srtp';

const CLI = join(__dirname, '../../../dist/cli/main.js');
const inline = (keyHex: string, saltHex: string): string => Buffer.concat([Buffer.from(keyHex, 'hex'), Buffer.from(saltHex, 'hex')]).toString('base64');

function cli(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', timeout: 20000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

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

describe('the built srtp-relay command', () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  });
  const v = libsrtp.cases[2];
  const key = inline(v.masterKey, v.masterSalt);

  it('srtp protect and unprotect round-trip through stdin/stdout', () => {
    const prot = cli(['srtp', 'protect', '--suite', v.profile, '--key', key], `${v.plaintext}\n`);
    expect(prot.status).toBe(0);
    expect(prot.stdout.trim()).toBe(v.protected);
    const un = cli(['srtp', 'unprotect', '--suite', v.profile, '--key', key], `${v.protected}\n${v.protected}\n`);
    expect(un.status).toBe(0);
    expect(un.stdout.trim().split('\n')).toEqual([v.plaintext, 'error replayed']);
  });

  it('exits non-zero with a clear error for invalid arguments only', () => {
    const badSuite = cli(['srtp', 'protect', '--suite', 'AES_CM_128_HMAC_SHA1_64', '--key', key], '');
    expect(badSuite.status).not.toBe(0);
    expect(badSuite.stderr).toContain('SRTP_ERR_UNKNOWN_PROFILE');
    const badKey = cli(['srtp', 'unprotect', '--suite', v.profile, '--key', 'AAAA'], '');
    expect(badKey.status).not.toBe(0);
    expect(badKey.stderr).toContain('SRTP_ERR_BAD_KEY_LENGTH');
    const badRoc = cli(['srtp', 'unprotect', '--suite', v.profile, '--key', key, '--roc', '-1'], '');
    expect(badRoc.status).not.toBe(0);
  });

  it('keys derive prints JSON with kdr and index', () => {
    const c = kdf.cases[0] as { masterKey: string; masterSalt: string; expect: Record<string, string> };
    const r = cli(['keys', 'derive', '--suite', 'AES_CM_128_HMAC_SHA1_80', '--key', inline(c.masterKey, c.masterSalt), '--kdr', '0']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).srtp.encryptionKey).toBe(c.expect['0'].toLowerCase());
  });
});
