/** Forking the benchmark's compiled children (dist/bench/relay/*.js) and stopping processes. */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../repo-root';

/** Path of a compiled child entry; fails loudly when `npm run build` has not been run. */
export function compiledEntry(name: string): string {
  const file = join(repoRoot(), 'dist', 'bench', 'relay', `${name}.js`);
  if (!existsSync(file)) throw new Error(`${file} not found: run \`npm run build\` first (the benchmark forks compiled children)`);
  return file;
}

export function forkEntry(name: string, execArgv: readonly string[] = []): ChildProcess {
  return fork(compiledEntry(name), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [...execArgv] });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export function stopProcess(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
