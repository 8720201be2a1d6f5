/**
 * Fuzzed a=crypto lines: seeded mutations of valid lines and random strings. Whatever the
 * input, the parser returns a key set or throws a KeyError with a catalog code; it never throws
 * anything else, never hangs, and never echoes key material in a message.
 */
import { formatCryptoAttribute, generateKeySet, initKeys, KEY_ERROR_CATALOG, KeyError, parseCryptoAttribute } from '../../../src/keys';
import { resolveProfile } from '../../../src/srtp/protection-profile';
import { prng } from './helpers';

const ALPHABET = 'AZaz09+/=:;|^ \t-_.inlineKDRWSHUNENCRYPTED_SRTP2^48\u0000\u00e9\u{1F600}\r\n';

beforeAll(async () => {
  await initKeys();
});

function seeds(): string[] {
  const lines = [
    'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4',
    'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4;inline:QUJjZGVmMTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5|2^20|2:4',
    'a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32 KDR=1 UNENCRYPTED_SRTCP WSH=128 -X=1',
  ];
  for (const name of ['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_256_CM_HMAC_SHA1_80', 'AES_192_CM_HMAC_SHA1_32']) {
    lines.push(formatCryptoAttribute(3, generateKeySet(resolveProfile(name), { keyCount: 2, mkiLength: 2, lifetime: 2 ** 31 })));
  }
  return lines;
}

function keyFragments(lines: readonly string[]): string[] {
  return lines.flatMap((l) => [...l.matchAll(/inline:([A-Za-z0-9+/]{12})/g)].map((m) => m[1]));
}

function mutate(line: string, rnd: () => number): string {
  let s = line;
  const steps = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < steps; i++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const op = Math.floor(rnd() * 7);
    const ch = ALPHABET[Math.floor(rnd() * ALPHABET.length)];
    if (op === 0) s = s.slice(0, at) + s.slice(at + 1);
    else if (op === 1) s = s.slice(0, at) + ch + s.slice(at);
    else if (op === 2) s = s.slice(0, at) + ch + s.slice(at + 1);
    else if (op === 3) s = s.slice(0, at);
    else if (op === 4) s = s.slice(0, at) + s.slice(at, at + Math.floor(rnd() * 40)).repeat(2) + s.slice(at + 40);
    else if (op === 5) {
      const parts = s.split(' ');
      const a = Math.floor(rnd() * parts.length);
      const b = Math.floor(rnd() * parts.length);
      [parts[a], parts[b]] = [parts[b], parts[a]];
      s = parts.join(' ');
    } else s = s.replace(/[0-9]+/, String(Math.floor(rnd() * 2 ** (rnd() * 60))));
  }
  return s;
}

function randomLine(rnd: () => number): string {
  const n = Math.floor(rnd() * 120);
  let s = rnd() < 0.5 ? 'a=crypto:' : '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
  return s;
}

describe('a=crypto parser under fuzzing', () => {
  it('5000 seeded inputs: a key set or a catalogued KeyError, nothing else', () => {
    const rnd = prng(0x5d35);
    const base = seeds();
    const fragments = keyFragments(base);
    const codes = new Set(Object.keys(KEY_ERROR_CATALOG));
    const seenCodes = new Set<string>();
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const input = i % 5 === 4 ? randomLine(rnd) : mutate(base[i % base.length], rnd);
      try {
        const attr = parseCryptoAttribute(input);
        accepted++;
        // Anything accepted must survive a write/read cycle unchanged.
        const again = formatCryptoAttribute(attr.tag, attr.keySet);
        const reread = parseCryptoAttribute(again);
        if (formatCryptoAttribute(reread.tag, reread.keySet) !== again) throw new Error(`round trip changed ${JSON.stringify(input)}`);
        attr.keySet.release();
        reread.keySet.release();
      } catch (err) {
        if (!(err instanceof KeyError)) throw new Error(`non-KeyError for input ${JSON.stringify(input)}: ${String(err)}`);
        if (!codes.has(err.code)) throw new Error(`uncatalogued code ${err.code}`);
        seenCodes.add(err.code);
        const leaked = fragments.find((f) => err.message.includes(f));
        if (leaked !== undefined) throw new Error(`message echoes key material: ${err.code}`);
      }
    }
    // The corpus exercises both outcomes and many distinct error codes.
    expect(accepted).toBeGreaterThan(100);
    expect(seenCodes.size).toBeGreaterThanOrEqual(12);
  });

  it('non-string input is a KeyError, not a TypeError', () => {
    for (const bad of [undefined, null, 42, {}, ['a=crypto:1']]) {
      expect(() => parseCryptoAttribute(bad as unknown as string)).toThrow(KeyError);
    }
  });

  it('pathological sizes stay fast (bounded line length and digit counts)', () => {
    const start = Date.now();
    const huge = `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|${'9'.repeat(30000)}:128`;
    expect(() => parseCryptoAttribute(huge)).toThrow(KeyError);
    expect(() => parseCryptoAttribute(`a=crypto:1 AES_CM_128_HMAC_SHA1_80 ${'inline:x;'.repeat(3000)}`)).toThrow(KeyError);
    expect(() => parseCryptoAttribute('a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:' + 'A'.repeat(32000))).toThrow(KeyError);
    expect(Date.now() - start).toBeLessThan(2000);
  });
});
