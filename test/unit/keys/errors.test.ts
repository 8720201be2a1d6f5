import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_ERROR_CATALOG, KeyError, KeyErrorCode, isKeyError } from '../../../src/keys/errors';

const codes = Object.values(KeyErrorCode);
const srcDir = join(__dirname, '../../../src/keys');

describe('KEY_ERR catalog', () => {
  it('has exactly one entry per code and no strays', () => {
    expect(Object.keys(KEY_ERROR_CATALOG).sort()).toEqual([...codes].sort());
  });

  it('names every code KEY_ERR_<UPPER_SNAKE of the member name>, uniquely', () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const [member, code] of Object.entries(KeyErrorCode)) {
      const snake = member.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
      expect(code).toBe(`KEY_ERR_${snake}`);
    }
  });

  it('gives each code an HTTP error status and a description', () => {
    for (const code of codes) {
      const info = KEY_ERROR_CATALOG[code];
      expect(info.statusCode).toBeGreaterThanOrEqual(400);
      expect(info.statusCode).toBeLessThan(600);
      expect(info.message.length).toBeGreaterThan(10);
    }
  });

  it('uses every code somewhere in src/keys (no dead entries)', () => {
    const source = readdirSync(srcDir)
      .filter((f) => f.endsWith('.ts') && f !== 'errors.ts')
      .map((f) => readFileSync(join(srcDir, f), 'utf8'))
      .join('\n');
    const unused = Object.keys(KeyErrorCode).filter((member) => !source.includes(`KeyErrorCode.${member}`));
    expect(unused).toEqual([]);
  });

  it('KeyError carries code, name and status', () => {
    const e = new KeyError(KeyErrorCode.NoCommonSuite, 'x');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('KeyError');
    expect(e.code).toBe('KEY_ERR_NO_COMMON_SUITE');
    expect(e.httpStatus).toBe(409);
    expect(e.statusCode).toBe(409);
    expect(isKeyError(e, KeyErrorCode.NoCommonSuite)).toBe(true);
    expect(isKeyError(e, KeyErrorCode.BadMki)).toBe(false);
    expect(isKeyError(new Error('x'))).toBe(false);
  });
});
