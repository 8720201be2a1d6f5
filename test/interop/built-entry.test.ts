/**
 * The built library (`npm run build` → dist/index.js, package.json `main`) loads in plain Node and
 * works: the same checks as the source entry's unit test, against the compiled JavaScript and its
 * declaration file. `npm test` and `npm run test:interop` build before jest runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as Lib from '../../src/index';
import { exercisePublicEntry } from '../helpers/public-entry-check';

const ROOT = join(__dirname, '../..');

describe('built public entry (dist/index.js)', () => {
  it('is built with its declarations', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts']) {
      if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first (npm test does)`);
    }
  });

  it('loads through package.json main and works', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require(ROOT) as typeof Lib;
    expect(require.resolve(ROOT)).toBe(join(ROOT, 'dist/index.js'));
    await exercisePublicEntry(lib);
  });
});
