import type { BenchRunner, ImplName } from './bench-types';

/**
 * Loads one runner. Lazy, so a child process measuring one implementation does not load the
 * others (werift, the engine) into its heap.
 */
export async function loadRunner(impl: ImplName): Promise<BenchRunner> {
  switch (impl) {
    case 'ours': return (await import('./runner-ours')).oursRunner;
    case 'werift': return (await import('./runner-werift')).weriftRunner;
    case 'naive': return (await import('./runner-naive')).naiveRunner;
    case 'openssl': return (await import('./runner-native')).opensslRunner;
    case 'libsrtp': return (await import('./runner-native')).libsrtpRunner;
  }
}
