/**
 * The operator console's files (src/console, built into dist/console): read once when the server
 * starts and served from memory, so a request can only ever name one of these few files (no path
 * from the URL reaches the file system). The page holds no data; everything it shows comes from
 * the token-protected API, so the files themselves are public (docs/console.md).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface ConsoleAsset {
  readonly contentType: string;
  readonly body: Buffer;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
});

/** A handful of files: bounds on what is held in memory, whatever the directory holds. */
const MAX_FILES = 64;
const MAX_FILE_BYTES = 1 << 20;
const NAME = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*$/;

/** Where `npm run build` puts the console: dist/console beside dist/api (src/console under ts-jest). */
export const DEFAULT_CONSOLE_DIR = path.resolve(__dirname, '../console');

export class ConsoleAssets {
  private constructor(private readonly files: ReadonlyMap<string, ConsoleAsset>) {}

  /** The servable files of `dir` (none when it does not exist). */
  static load(dir: string = DEFAULT_CONSOLE_DIR): ConsoleAssets {
    const files = new Map<string, ConsoleAsset>();
    let names: string[] = [];
    try {
      names = readdirSync(dir).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const name of names) {
      const contentType = CONTENT_TYPES[path.extname(name)];
      if (contentType === undefined || !NAME.test(name) || files.size >= MAX_FILES) continue;
      const file = path.join(dir, name);
      const stat = statSync(file);
      if (!stat.isFile() || stat.size > MAX_FILE_BYTES) continue;
      files.set(name, { contentType, body: readFileSync(file) });
    }
    return new ConsoleAssets(files);
  }

  get(name: string): ConsoleAsset | undefined {
    return this.files.get(name);
  }

  names(): string[] {
    return [...this.files.keys()];
  }
}
