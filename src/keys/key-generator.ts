/**
 * Fresh master key sets from libsodium's CSPRNG (RFC 3711 §9.1 asks for master keys that are
 * random and secret; the salt is random too, as RFC 7714 §8.1 relies on it for GCM IVs).
 */
import type { ProtectionProfile } from '../srtp/protection-profile';
import { KeyError, KeyErrorCode } from './errors';
import { MasterKey } from './master-key';
import { MasterKeySet } from './master-key-set';
import { checkMkiLength, mkiFromValue } from './mki';
import { DEFAULT_SESSION_PARAMS, type SessionParams } from './session-params';
import { MAX_SRTP_LIFETIME } from './sdes-lifetime';

export interface KeySetOptions {
  /**
   * Master keys to create. More than one needs MKIs: the sender starts with the first and
   * rolls over to the next before the lifetime runs out (RFC 3711 §8.1). Default 1.
   */
  readonly keyCount?: number;
  /** MKI length in bytes, 0 for none. Default 0 with one key, 4 with several. */
  readonly mkiLength?: number;
  /** First MKI value; later keys count up from it. Default 1. */
  readonly firstMki?: number;
  /** Packets per master key; default the SRTP maximum 2^48 (RFC 3711 §9.2). */
  readonly lifetime?: number;
  readonly params?: SessionParams;
}

export const MAX_KEYS_PER_SET = 64;

export function generateKeySet(profile: ProtectionProfile, options: KeySetOptions = {}): MasterKeySet {
  const keyCount = options.keyCount ?? 1;
  if (!Number.isInteger(keyCount) || keyCount < 1 || keyCount > MAX_KEYS_PER_SET) {
    throw new KeyError(KeyErrorCode.BadOption, `keyCount ${keyCount} is outside 1..${MAX_KEYS_PER_SET}`);
  }
  const mkiLength = options.mkiLength ?? (keyCount > 1 ? 4 : 0);
  if (mkiLength !== 0) checkMkiLength(mkiLength);
  if (keyCount > 1 && mkiLength === 0) {
    throw new KeyError(KeyErrorCode.MkiRequired, `${keyCount} master keys need an MKI (RFC 3711 §8.1)`);
  }
  const lifetime = options.lifetime;
  if (lifetime !== undefined && (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_SRTP_LIFETIME)) {
    throw new KeyError(KeyErrorCode.BadLifetime, `lifetime ${lifetime} is outside 1..2^48`);
  }
  const firstMki = options.firstMki ?? 1;
  const keys: MasterKey[] = [];
  for (let i = 0; i < keyCount; i++) {
    keys.push(MasterKey.generate(profile.masterKeyLength, profile.masterSaltLength, {
      ...(mkiLength > 0 ? { mki: mkiFromValue(BigInt(firstMki + i), mkiLength) } : {}),
      ...(lifetime !== undefined ? { lifetime } : {}),
    }));
  }
  return new MasterKeySet(profile, keys, options.params ?? DEFAULT_SESSION_PARAMS);
}
