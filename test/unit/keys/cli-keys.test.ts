import { Command } from 'commander';
import { addKeysNewCommand, newCryptoLine } from '../../../src/cli/keys-new';
import { addKeysParseCommand } from '../../../src/cli/keys-parse';
import { initKeys, parseCryptoAttribute } from '../../../src/keys';

const RFC_LINE = 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4';

async function run(...args: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  const program = new Command().exitOverride();
  const keys = program.command('keys');
  addKeysNewCommand(keys);
  addKeysParseCommand(keys);
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['keys', ...args], { from: 'user' });
    return { out: out.join('\n'), err: err.join('\n'), exitCode: process.exitCode as number | undefined };
  } finally {
    process.exitCode = before;
    log.mockRestore();
    error.mockRestore();
  }
}

beforeAll(async () => {
  await initKeys();
});

describe('srtp-relay keys new', () => {
  it('prints a fresh, parseable crypto attribute for the suite', async () => {
    const { out, exitCode } = await run('new', '--suite', 'AEAD_AES_256_GCM');
    expect(exitCode).toBeUndefined();
    const attr = parseCryptoAttribute(out.trim());
    expect(attr.profile.name).toBe('AEAD_AES_256_GCM');
    expect(attr.tag).toBe(1);
    const second = (await run('new', '--suite', 'AEAD_AES_256_GCM')).out;
    expect(second).not.toBe(out);
  });

  it('supports tag, several keys with MKI, and lifetime', () => {
    expect(newCryptoLine({ suite: 'AES_CM_128_HMAC_SHA1_32', tag: 4, keys: 2, mkiLength: 1, lifetime: 2 ** 20 })).toMatch(/^a=crypto:4 AES_CM_128_HMAC_SHA1_32 inline:\S+\|2\^20\|1:1;inline:\S+\|2\^20\|2:1$/);
  });

  it('an unknown suite prints the error code and exits non-zero', async () => {
    const { out, err, exitCode } = await run('new', '--suite', 'AES_999');
    expect(out).toBe('');
    expect(err).toMatch(/^error KEY_ERR_UNKNOWN_SUITE: /);
    expect(exitCode).toBe(1);
  });
});

describe('srtp-relay keys parse', () => {
  it('explains a line without printing key bytes', async () => {
    const { out, exitCode } = await run('parse', RFC_LINE);
    expect(exitCode).toBeUndefined();
    expect(out).toContain('tag: 1');
    expect(out).toContain('suite: AES_CM_128_HMAC_SHA1_80');
    expect(out).toContain('key 1: 16+14 bytes, lifetime 1048576, MKI 1 (0x00000001)');
    expect(out).toContain('KDR: not set');
    expect(out).not.toContain('3d2d6e40');
    expect(out).not.toContain('PS1uQCVe');
  });

  it('prints key and salt only with --show-key', async () => {
    const { out } = await run('parse', '--show-key', RFC_LINE);
    expect(out).toContain('key:  3d2d6e40255e7821426a75667239293f');
    expect(out).toContain('salt: 2c2335685c603d265d7b71695051');
  });

  it('a bad line prints the precise error code and exits non-zero', async () => {
    const { out, err, exitCode } = await run('parse', `${RFC_LINE}|x`);
    expect(out).toBe('');
    expect(err).toMatch(/^error KEY_ERR_TOO_MANY_KEY_FIELDS: /);
    expect(exitCode).toBe(1);
    expect((await run('parse', `${RFC_LINE} FEC_ORDER=FEC_SRTP`)).err).toMatch(/KEY_ERR_UNSUPPORTED_SESSION_PARAM/);
  });
});
