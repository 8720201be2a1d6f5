/**
 * Key set → SrtpContextOptions (src/srtp/srtp-context-options.ts), so the relay builds its
 * contexts the same way for managed keys and SDES keys. The options carry copies of the key
 * bytes (a delivery): the context copies them again, so wipe the options right after
 * constructing the context with `wipeContextOptions`.
 */
import type { MasterKeyInput, SrtpContextOptions } from '../srtp/srtp-context-options';
import type { MasterKeySet } from './master-key-set';
import { wipe } from './sodium';

export interface ContextExtras {
  /** Emit `keysoftlimit` this many packets before a key's lifetime (engine default otherwise). */
  readonly softLimitMargin?: number;
  /** SRTCP replay window; SDES has no parameter for it. */
  readonly srtcpReplayWindow?: number;
  /** SRTCP tag bytes for the _32 profiles (10 as libsrtp, or 4 as ffmpeg). */
  readonly srtcpTagLength?: number;
}

export function toSrtpContextOptions(set: MasterKeySet, extras: ContextExtras = {}): SrtpContextOptions {
  const delivered = set.deliver();
  const keys: MasterKeyInput[] = delivered.keys.map((k) => ({
    key: k.key,
    salt: k.salt,
    ...(k.mki !== undefined ? { mki: k.mki } : {}),
    ...(k.lifetime !== undefined ? { lifetime: k.lifetime } : {}),
  }));
  const p = set.params;
  return {
    profile: set.profile.name,
    keys,
    // NULL profiles reach here only when policy allowed them at parse or generation time.
    allowNull: set.profile.requiresOptIn,
    // SDES carries the KDR as an exponent n of 2^n (RFC 4568 §6.3.1); the engine takes the rate.
    ...(p.kdrExponent !== null ? { kdr: 2 ** p.kdrExponent } : {}),
    ...(p.windowSizeHint !== null ? { replayWindow: p.windowSizeHint } : {}),
    ...(p.unencryptedSrtp ? { encryptSrtp: false } : {}),
    ...(p.unencryptedSrtcp ? { encryptSrtcp: false } : {}),
    ...(p.unauthenticatedSrtp ? { authenticateSrtp: false } : {}),
    ...extras,
  };
}

/** Wipe the key copies in options built by `toSrtpContextOptions`. */
export function wipeContextOptions(options: SrtpContextOptions): void {
  const keys = Array.isArray(options.keys) ? options.keys : [options.keys as MasterKeyInput];
  for (const k of keys as readonly MasterKeyInput[]) {
    wipe(k.key);
    wipe(k.salt);
  }
}
