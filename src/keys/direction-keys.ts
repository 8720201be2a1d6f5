/**
 * One direction (A→B or B→A) of a call stream's keys (seed 003 "Media encryption" steps 2-3),
 * split by origin so that no (master key, SSRC, index) is ever protected twice (RFC 3711 §9.1).
 *
 * Seed 003 has both phones hold both sets and the relay hold them only to verify. But the relay
 * also originates packets toward a phone under the same sets (music on hold, a transcoder's or
 * MTP's output, a bridge port, a non-secure transfer target): if it protected them with the
 * sending phone's master key, a stream of its own with the phone's SSRC (a transcoder commonly
 * keeps it) would reuse keystream, or for GCM a nonce (RFC 7714 §8.1). SSRC coordination cannot
 * rule this out, since neither the relay nor the phones choose the other side's SSRCs.
 *
 * So each direction's set holds two kinds of master keys, told apart by MKI (RFC 3711 §3.1,
 * §8.1; several keys with MKIs on one a=crypto line, RFC 4568 §6.1):
 *
 * - endpoint keys (MKIs first..first+n-1): the sending phone protects with these, and only it
 *   is given them as its send set;
 * - relay-origin keys (the next n MKIs): only the relay protects with these.
 *
 * The receiving phone accepts both (its receive set), the relay's inbound context on the
 * sender's leg accepts only the endpoint keys, and the relay's outbound context toward the
 * receiver lists the relay-origin keys first (the engine protects with the first key,
 * docs/srtp-engine-api.md), then the endpoint keys, so the relay can see that what the sender's
 * leg verifies is exactly what the receiver accepts (verified passthrough). Two origins, two
 * master keys: their (key, SSRC, index) triples are disjoint whatever SSRCs and sequence numbers
 * anyone picks. With n > 1 each origin rolls over only within its own keys.
 */
import { inspect } from 'node:util';
import type { ProtectionProfile } from '../srtp/protection-profile';
import { KeyError, KeyErrorCode } from './errors';
import { generateKeySet, type KeySetOptions } from './key-generator';
import type { MasterKey } from './master-key';
import { MasterKeySet, type MasterKeySetInfo } from './master-key-set';

/** Default MKI length of call keys: one byte per packet is the least MKI overhead (RFC 3711 §3.1). */
export const CALL_KEY_MKI_LENGTH = 1;

export interface DirectionKeysInfo {
  readonly endpoint: MasterKeySetInfo;
  readonly relayOrigin: MasterKeySetInfo;
}

export class DirectionKeys {
  readonly profile: ProtectionProfile;
  /** The sending phone's send set: the only keys it protects with. */
  readonly endpoint: MasterKeySet;
  /** Keys only the relay protects with (packets it originates toward the receiving phone). */
  readonly relayOrigin: MasterKeySet;
  /** The receiving phone's receive set: endpoint keys, then relay-origin keys. */
  readonly receive: MasterKeySet;
  /**
   * The relay's outbound context toward the receiving phone: relay-origin keys first (protect),
   * then the endpoint keys (same key set as the receiver's, so passthrough can be recognised).
   */
  readonly relayOutbound: MasterKeySet;

  constructor(endpoint: MasterKeySet, relayOrigin: MasterKeySet) {
    if (endpoint.profile.name !== relayOrigin.profile.name || endpoint.mkiLength !== relayOrigin.mkiLength || endpoint.keys.length !== relayOrigin.keys.length) {
      throw new KeyError(KeyErrorCode.BadOption, 'endpoint and relay-origin keys need one profile, one MKI length and as many keys');
    }
    if (endpoint.mkiLength === 0) throw new KeyError(KeyErrorCode.MkiRequired, 'origin separation needs an MKI on every key (RFC 3711 §3.1)');
    this.profile = endpoint.profile;
    this.endpoint = endpoint;
    this.relayOrigin = relayOrigin;
    // The MasterKeySet constructor refuses a duplicate MKI across the two origins.
    this.receive = new MasterKeySet(endpoint.profile, [...endpoint.keys, ...relayOrigin.keys], endpoint.params);
    this.relayOutbound = new MasterKeySet(endpoint.profile, [...relayOrigin.keys, ...endpoint.keys], endpoint.params);
  }

  /** Every master key of the direction (each once). */
  get keys(): readonly MasterKey[] {
    return this.receive.keys;
  }

  get released(): boolean {
    return this.receive.released;
  }

  /** Wipe both origins' keys. Idempotent. */
  release(): void {
    this.receive.release();
  }

  info(): DirectionKeysInfo {
    return { endpoint: this.endpoint.info(), relayOrigin: this.relayOrigin.info() };
  }

  toJSON(): DirectionKeysInfo & { redacted: true } {
    return { ...this.info(), redacted: true };
  }

  toString(): string {
    return `[DirectionKeys ${this.profile.name} ${this.endpoint.keys.length}+${this.relayOrigin.keys.length} key(s) redacted]`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Fresh keys for one direction: `keyCount` (default 1) endpoint keys with MKIs from `firstMki`
 * (default 1), as many relay-origin keys after them, MKI length `mkiLength` (default 1 byte).
 */
export function generateDirectionKeys(profile: ProtectionProfile, options: KeySetOptions = {}): DirectionKeys {
  const keyCount = options.keyCount ?? 1;
  const mkiLength = options.mkiLength ?? CALL_KEY_MKI_LENGTH;
  if (mkiLength === 0) throw new KeyError(KeyErrorCode.MkiRequired, 'call keys need MKIs to keep endpoint and relay-origin keys apart (RFC 3711 §3.1)');
  const firstMki = options.firstMki ?? 1;
  const endpoint = generateKeySet(profile, { ...options, keyCount, mkiLength, firstMki });
  let relayOrigin: MasterKeySet;
  try {
    relayOrigin = generateKeySet(profile, { ...options, keyCount, mkiLength, firstMki: firstMki + keyCount });
  } catch (err) {
    endpoint.release();
    throw err;
  }
  return new DirectionKeys(endpoint, relayOrigin);
}
