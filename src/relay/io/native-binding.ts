/**
 * Loading the batched-I/O addon (`build/Release/srtp_relay_io.node`, built from `native/` by
 * `scripts/build-native-io.js` during `npm ci`) and checking that its record layout is the one
 * this code was written for. `loadNativeBinding` never throws: it says why the addon is not
 * usable, and the caller falls back to dgram.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Word offsets of the receive and send records (engine.h). */
export const LAYOUT = Object.freeze({
  RX_SOCKET: 0, RX_LENGTH: 1, RX_FLAGS: 2, RX_PORT: 3, RX_FAMILY: 4, RX_ADDR0: 5, RX_WORDS: 10, RX_FLAG_TRUNCATED: 1,
  TX_SOCKET: 0, TX_REGION: 1, TX_OFFSET: 2, TX_LENGTH: 3, TX_PORT: 4, TX_FAMILY: 5, TX_ADDR0: 6, TX_RESULT: 10, TX_WORDS: 12,
  TX_REGION_RX: 0, TX_REGION_TX: 1,
});

/** The engine object: three ArrayBuffers shared with C (the native side holds them too). */
export interface NativeEngine {
  readonly rx: ArrayBuffer;
  readonly tx: ArrayBuffer;
  readonly meta: ArrayBuffer;
}

export interface NativeBinding {
  createEngine(slots: number, slotSize: number, txSlotSize: number, onBatch: (count: number) => void): NativeEngine;
  bind(engine: NativeEngine, family: 4 | 6, address: string, port: number): number;
  localPort(engine: NativeEngine, id: number): number;
  start(engine: NativeEngine, id: number): void;
  closeSocket(engine: NativeEngine, id: number): void;
  /** Send records [0, count); returns how many failed (each record's RESULT says why). */
  flush(engine: NativeEngine, count: number): number;
  closeEngine(engine: NativeEngine): void;
  parseAddress(text: string, words: Int32Array): 0 | 4 | 6;
  formatAddress(family: number, w0: number, w1: number, w2: number, w3: number): string;
  readonly layout: Readonly<Record<string, number>>;
}

/** Where node-gyp puts the addon: `<repo>/build/Release`, from src/relay/io or dist/relay/io alike. */
export const NATIVE_ADDON_PATH = path.resolve(__dirname, '../../../build/Release/srtp_relay_io.node');

let cached: { binding: NativeBinding | null; reason: string | null } | null = null;

export function loadNativeBinding(): { binding: NativeBinding | null; reason: string | null } {
  if (cached !== null) return cached;
  cached = load();
  return cached;
}

function load(): { binding: NativeBinding | null; reason: string | null } {
  if (process.platform !== 'linux') return { binding: null, reason: `the batched I/O addon is Linux-only (recvmmsg/sendmmsg); this is ${process.platform}` };
  if (!existsSync(NATIVE_ADDON_PATH)) return { binding: null, reason: `addon not built (${path.relative(process.cwd(), NATIVE_ADDON_PATH) || NATIVE_ADDON_PATH} missing: npm ci builds it, or npm run build:native)` };
  let binding: NativeBinding;
  try {
    const mod = { exports: {} as unknown };
    process.dlopen(mod, NATIVE_ADDON_PATH);
    binding = mod.exports as NativeBinding;
  } catch (err) {
    return { binding: null, reason: `addon failed to load: ${(err as Error).message}` };
  }
  for (const [k, v] of Object.entries(LAYOUT)) {
    if (binding.layout[k] !== v) return { binding: null, reason: `addon record layout differs (${k}: ${String(binding.layout[k])}, expected ${v}): rebuild it (npm run build:native)` };
  }
  return { binding, reason: null };
}
