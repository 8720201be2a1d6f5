/**
 * The library's public entry from source (what ts-jest can import; the built dist/index.js is
 * checked by test/interop/built-entry.test.ts), and package.json pointing at where the build puts it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lib from '../../../src/index';
import { exercisePublicEntry } from '../../helpers/public-entry-check';

const ROOT = join(__dirname, '../../..');

describe('public entry (src/index.ts)', () => {
  it('keys, SDES, engine and typed errors work through it alone', async () => {
    await exercisePublicEntry(lib);
  });

  it('package.json main/types name the build output of src/index.ts', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string; types: string };
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(pkg.main).toBe('dist/index.js');
    expect(pkg.types).toBe('dist/index.d.ts');
  });
});
