import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The srtp-relay checkout holding this file (works from src/ under ts-jest and from dist/). */
export function repoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'srtp-relay') return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    if (dirname(dir) === dir) throw new Error(`no srtp-relay package.json above ${from}`);
  }
}
