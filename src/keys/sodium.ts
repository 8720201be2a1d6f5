/**
 * One place that waits for libsodium. Its WebAssembly module loads asynchronously, so the key
 * manager is created through an async entry point (`initKeys()` / `KeyManager.create()`) and every
 * synchronous function afterwards asks `sodiumApi()`, which fails loudly instead of producing
 * weak or empty key material when someone forgot to await readiness.
 */
import sodium from 'libsodium-wrappers';
import { KeyError, KeyErrorCode } from './errors';

export type Sodium = typeof sodium;

let ready = false;

/** Resolve once libsodium is usable. Safe to call any number of times. */
export async function initKeys(): Promise<void> {
  if (ready) return;
  await sodium.ready;
  ready = true;
}

/** The libsodium API; throws KEY_ERR_NOT_READY before `initKeys()` resolved. */
export function sodiumApi(): Sodium {
  if (!ready) throw new KeyError(KeyErrorCode.NotReady, 'libsodium is not initialised; await initKeys() before using the key manager');
  return sodium;
}

/** Fresh bytes from libsodium's CSPRNG (randombytes_buf). */
export function randomBytes(length: number): Uint8Array {
  return sodiumApi().randombytes_buf(length);
}

/**
 * Overwrite bytes with zeros through libsodium's memzero, which the optimiser cannot drop.
 * Works before readiness too (falls back to fill), so release paths never throw.
 */
export function wipe(bytes: Uint8Array | null | undefined): void {
  if (bytes === null || bytes === undefined || bytes.length === 0) return;
  if (ready) sodium.memzero(bytes);
  else bytes.fill(0);
}
