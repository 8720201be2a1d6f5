import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Version of an installed npm package, found by walking up from its resolved entry point
 * (some packages, werift-rtp among them, do not export their package.json).
 */
export function packageVersion(name: string): string {
  try {
    for (let dir = dirname(require.resolve(name)); dirname(dir) !== dir; dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version ?? 'unknown';
    }
  } catch {
    // not installed
  }
  return 'unknown';
}
