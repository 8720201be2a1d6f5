/**
 * werift, loaded on first use. It is a whole WebRTC stack (about 1.5 s to load on a busy
 * machine); a media worker that never opens a WebRTC leg should not pay for it at start or on a
 * restart after a crash.
 */
import { createRequire } from 'node:module';

type Werift = typeof import('werift');

let loaded: Werift | null = null;

export function werift(): Werift {
  if (loaded === null) loaded = createRequire(__filename)('werift') as Werift;
  return loaded;
}
