/**
 * How to start `media-worker`: the compiled `media-worker.js` next to this file in `dist/`.
 * When this module itself runs from TypeScript source (jest with ts-jest), it uses
 * `dist/relay/media-worker.js` if that build is newer than every source file the worker loads
 * (`npm test` builds first), and otherwise a small bootstrap that compiles the `.ts` files on
 * load with the TypeScript compiler's `transpileModule` (a dev dependency, slower to start), so
 * tests never run a stale `dist/`.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Source folders the worker's code comes from. */
const WORKER_SOURCES = ['relay', 'relay/io', 'srtp', 'rtp'];

function newestSource(srcRoot: string): number {
  let newest = 0;
  for (const dir of WORKER_SOURCES) {
    let names: string[] = [];
    try {
      names = readdirSync(path.join(srcRoot, dir));
    } catch {
      continue;
    }
    for (const name of names) if (name.endsWith('.ts')) newest = Math.max(newest, statSync(path.join(srcRoot, dir, name)).mtimeMs);
  }
  return newest;
}

function freshBuild(): string | null {
  const built = path.resolve(__dirname, '../../dist/relay/media-worker.js');
  try {
    const builtAt = statSync(built).mtimeMs;
    return builtAt >= newestSource(path.resolve(__dirname, '..')) ? built : null;
  } catch {
    return null;
  }
}

export interface WorkerEntry {
  readonly filename: string;
  readonly eval: boolean;
}

export function mediaWorkerEntry(): WorkerEntry {
  const ext = path.extname(__filename);
  const entry = path.join(__dirname, `media-worker${ext}`);
  if (ext !== '.ts') return { filename: entry, eval: false };
  const built = freshBuild();
  if (built !== null) return { filename: built, eval: false };
  const tsPath = require.resolve('typescript');
  const bootstrap = `
const fs = require('node:fs');
const ts = require(${JSON.stringify(tsPath)});
require.extensions['.ts'] = (module, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
  });
  module._compile(out.outputText, filename);
};
require(${JSON.stringify(entry)});
`;
  return { filename: bootstrap, eval: true };
}
