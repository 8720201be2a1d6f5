import { format, inspect } from 'node:util';
import { initKeys } from '../../../src/keys';
import { KeyErrorCode } from '../../../src/keys/errors';
import { MasterKey } from '../../../src/keys/master-key';
import { MasterKeySet } from '../../../src/keys/master-key-set';
import { generateKeySet } from '../../../src/keys/key-generator';
import { resolveProfile } from '../../../src/srtp/protection-profile';
import { hex } from './helpers';

beforeAll(async () => {
  await initKeys();
});

const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const SALT = Uint8Array.from({ length: 14 }, (_, i) => 0x10 + i);

function leaks(text: string): boolean {
  return text.includes(hex(KEY)) || text.includes(hex(SALT)) || text.includes(Buffer.from(KEY).toString('base64')) || text.includes('160') /* first key byte, decimal, as arrays print */;
}

describe('MasterKey redaction', () => {
  const k = MasterKey.fromBytes(KEY, SALT, { mki: Uint8Array.of(0, 1), lifetime: 1024 });

  it.each([
    ['JSON.stringify', () => JSON.stringify(k)],
    ['JSON of a containing object', () => JSON.stringify({ call: 'c1', key: k })],
    ['util.inspect', () => inspect(k, { depth: 5, showHidden: true })],
    ['inspect of a containing object', () => inspect({ key: k }, { depth: 5 })],
    ['String()', () => String(k)],
    ['template literal', () => `${k}`],
    ['concatenation', () => 'k=' + k],
    ['util.format %s %o %j', () => format('%s %o %j', k, k, k)],
  ])('%s shows no key bytes', (_name, render) => {
    const text = render();
    expect(leaks(text)).toBe(false);
    expect(text).toMatch(/redacted/);
  });

  it('shows lengths, MKI and lifetime (not secret) in JSON', () => {
    expect(JSON.parse(JSON.stringify(k))).toEqual({ keyLength: 16, saltLength: 14, mki: '0001', mkiLength: 2, lifetime: 1024, released: false, redacted: true });
  });

  it('a key set redacts too', () => {
    const set = new MasterKeySet(resolveProfile('AES_CM_128_HMAC_SHA1_80'), [MasterKey.fromBytes(KEY, SALT)]);
    expect(leaks(JSON.stringify(set) + inspect(set) + String(set))).toBe(false);
  });
});

describe('MasterKey delivery and release', () => {
  it('deliver() returns copies of the bytes', () => {
    const k = MasterKey.fromBytes(KEY, SALT);
    const d = k.deliver();
    expect(hex(d.key)).toBe(hex(KEY));
    expect(hex(d.salt)).toBe(hex(SALT));
    d.key.fill(0);
    expect(hex(k.deliver().key)).toBe(hex(KEY));
  });

  it('fromBytes copies: wiping the caller buffer does not change the key', () => {
    const mine = Uint8Array.from(KEY);
    const k = MasterKey.fromBytes(mine, SALT);
    mine.fill(0);
    expect(hex(k.deliver().key)).toBe(hex(KEY));
  });

  it('release() wipes the bytes (memzero) and later deliveries throw', () => {
    const k = MasterKey.fromBytes(KEY, SALT);
    const zero = MasterKey.fromBytes(new Uint8Array(16), new Uint8Array(14));
    expect(k.sameMaterialAs(zero)).toBe(false);
    k.release();
    expect(k.released).toBe(true);
    // The private bytes are now all zero: they compare equal to an all-zero key.
    expect(k.sameMaterialAs(zero)).toBe(true);
    expect(() => k.deliver()).toThrow(expect.objectContaining({ code: KeyErrorCode.Released }));
    k.release(); // idempotent
  });

  it('generate() draws fresh random bytes of the asked lengths', () => {
    const a = MasterKey.generate(32, 12);
    const b = MasterKey.generate(32, 12);
    expect(a.keyLength).toBe(32);
    expect(a.saltLength).toBe(12);
    expect(a.sameMaterialAs(b)).toBe(false);
    expect(hex(a.deliver().key)).not.toBe('00'.repeat(32));
  });

  it('a set release wipes every key', () => {
    const set = generateKeySet(resolveProfile('AEAD_AES_128_GCM'), { keyCount: 3 });
    set.release();
    expect(set.released).toBe(true);
    expect(() => set.deliver()).toThrow(expect.objectContaining({ code: KeyErrorCode.Released }));
  });
});

describe('libsodium readiness', () => {
  it('refuses to generate keys before initKeys()', () => {
    jest.isolateModules(() => {
      // A fresh copy of the module graph where initKeys() has not run.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('../../../src/keys/sodium') as typeof import('../../../src/keys/sodium');
      expect(() => fresh.randomBytes(16)).toThrow(expect.objectContaining({ code: 'KEY_ERR_NOT_READY' }));
    });
  });
});
