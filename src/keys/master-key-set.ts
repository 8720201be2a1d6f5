/**
 * A master key set: what one sender uses for one direction of one media stream. One protection
 * profile, one or more master keys (several only with MKIs, RFC 3711 §8.1), and the session
 * parameters. A set is a secret container: it redacts like its keys and wipes them on release.
 */
import { inspect } from 'node:util';
import type { ProtectionProfile } from '../srtp/protection-profile';
import { KeyError, KeyErrorCode } from './errors';
import type { DeliveredMasterKey, MasterKey, MasterKeyInfo } from './master-key';
import { wipe } from './sodium';
import { DEFAULT_SESSION_PARAMS, type SessionParams } from './session-params';

export interface DeliveredKeySet {
  readonly profile: ProtectionProfile['name'];
  readonly mkiLength: number;
  readonly keys: readonly DeliveredMasterKey[];
  readonly params: SessionParams;
}

export interface MasterKeySetInfo {
  readonly profile: ProtectionProfile['name'];
  readonly mkiLength: number;
  readonly keys: readonly MasterKeyInfo[];
  readonly params: SessionParams;
}

export class MasterKeySet {
  readonly profile: ProtectionProfile;
  /** 0 when the set uses no MKI; otherwise every key carries an MKI of this many bytes. */
  readonly mkiLength: number;
  readonly keys: readonly MasterKey[];
  readonly params: SessionParams;

  constructor(profile: ProtectionProfile, keys: readonly MasterKey[], params: SessionParams = DEFAULT_SESSION_PARAMS) {
    if (keys.length === 0) throw new KeyError(KeyErrorCode.BadOption, 'a master key set needs at least one key');
    const mkiLength = keys[0].info().mkiLength;
    if (keys.length > 1 && mkiLength === 0) {
      throw new KeyError(KeyErrorCode.MkiRequired, `a set of ${keys.length} master keys needs an MKI on every key (RFC 3711 §8.1)`);
    }
    const seen = new Set<string>();
    keys.forEach((k, i) => {
      const info = k.info();
      if (info.keyLength !== profile.masterKeyLength || info.saltLength !== profile.masterSaltLength) {
        throw new KeyError(KeyErrorCode.BadKeyLength, `key ${i + 1}: ${profile.name} needs ${profile.masterKeyLength}+${profile.masterSaltLength} bytes, got ${info.keyLength}+${info.saltLength}`);
      }
      if (info.mkiLength !== mkiLength) {
        throw new KeyError(KeyErrorCode.MkiLengthMismatch, `key ${i + 1}: MKI length ${info.mkiLength} differs from ${mkiLength} of key 1`);
      }
      if (info.mki !== null) {
        if (seen.has(info.mki)) throw new KeyError(KeyErrorCode.DuplicateMki, `key ${i + 1}: MKI ${info.mki} is used by an earlier key`);
        seen.add(info.mki);
      }
    });
    this.profile = profile;
    this.mkiLength = mkiLength;
    this.keys = Object.freeze([...keys]);
    this.params = Object.freeze({ ...params });
  }

  get released(): boolean {
    return this.keys.every((k) => k.released);
  }

  /** Copies of every key, for handing to a device or an SRTP context; the caller wipes them. */
  deliver(): DeliveredKeySet {
    return { profile: this.profile.name, mkiLength: this.mkiLength, keys: this.keys.map((k) => k.deliver()), params: this.params };
  }

  /** Wipe all keys. Idempotent. */
  release(): void {
    for (const k of this.keys) k.release();
  }

  info(): MasterKeySetInfo {
    return { profile: this.profile.name, mkiLength: this.mkiLength, keys: this.keys.map((k) => k.info()), params: this.params };
  }

  toJSON(): MasterKeySetInfo & { redacted: true } {
    return { ...this.info(), redacted: true };
  }

  toString(): string {
    return `[MasterKeySet ${this.profile.name} ${this.keys.length} key(s) redacted]`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Wipe every byte array of a delivery once it has been used. */
export function wipeDelivered(set: DeliveredKeySet): void {
  for (const k of set.keys) {
    wipe(k.key);
    wipe(k.salt);
  }
}
