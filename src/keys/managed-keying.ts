/**
 * Managed keying (seed 003 "Media encryption", steps 1-7): for each media stream the key
 * manager creates two master key sets, one per direction. Endpoint A protects with A→B and
 * unprotects with B→A; endpoint B does the inverse. Both endpoints receive both sets.
 *
 * Distinct sets per direction are what keep a (key, SSRC, index) from ever repeating when both
 * sides happen to pick the same SSRC and sequence numbers (RFC 3711 §9.1; for GCM the IV is
 * built from SSRC and index, RFC 7714 §8.1, so a repeat would reuse a nonce).
 */
import type { ProtectionProfile } from '../srtp/protection-profile';
import { KeyError, KeyErrorCode } from './errors';
import { generateKeySet, type KeySetOptions } from './key-generator';
import type { MasterKeySet } from './master-key-set';

export type Side = 'A' | 'B';

export interface StreamKeys {
  /** Media stream name, e.g. "audio" or "video". */
  readonly stream: string;
  readonly profile: ProtectionProfile;
  /** A sends, B receives. */
  readonly aToB: MasterKeySet;
  /** B sends, A receives. */
  readonly bToA: MasterKeySet;
}

/** What one endpoint gets for one stream. */
export interface EndpointStreamKeys {
  readonly stream: string;
  readonly profile: ProtectionProfile;
  readonly send: MasterKeySet;
  readonly receive: MasterKeySet;
}

export function createStreamKeys(stream: string, profile: ProtectionProfile, options: KeySetOptions = {}): StreamKeys {
  const aToB = generateKeySet(profile, options);
  const bToA = generateKeySet(profile, options);
  assertDistinct([aToB, bToA]);
  return { stream, profile, aToB, bToA };
}

/** The endpoint's view: its send set and the other side's send set as its receive set. */
export function endpointView(streams: readonly StreamKeys[], side: Side): EndpointStreamKeys[] {
  return streams.map((s) => ({
    stream: s.stream,
    profile: s.profile,
    send: side === 'A' ? s.aToB : s.bToA,
    receive: side === 'A' ? s.bToA : s.aToB,
  }));
}

/**
 * Refuse sets that share key material. A CSPRNG collision of 128+ bit keys does not happen in
 * practice; this guards against a broken generator or a caller handing one set out twice.
 */
export function assertDistinct(sets: readonly MasterKeySet[]): void {
  const keys = sets.flatMap((s) => s.keys);
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++) {
      if (keys[i] === keys[j] || keys[i].sameMaterialAs(keys[j])) {
        throw new KeyError(KeyErrorCode.KeyReuse, 'two directions would share a master key; refusing to hand them out');
      }
    }
  }
}
