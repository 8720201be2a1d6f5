/**
 * The built `srtp-relay` command end to end (`node dist/cli/main.js`): `srtp protect|unprotect`
 * over stdin/stdout and `keys derive`. Needs the build (npm test and test:interop build first);
 * the line protocol itself is unit-tested in test/unit/cli/srtp-lines.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import libsrtp from '../../vectors/libsrtp-packets.json';
import kdf from '../../vectors/kdf-kdr-zero.json';

const CLI = join(__dirname, '../../../dist/cli/main.js');
const inline = (keyHex: string, saltHex: string): string => Buffer.concat([Buffer.from(keyHex, 'hex'), Buffer.from(saltHex, 'hex')]).toString('base64');

function cli(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', timeout: 20000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

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
