import type { ProtectionProfile } from './protection-profile';

/** One master key (with its salt) of a context. RFC 3711 §3.2.1, §8.1 (MKI), §9.2 (lifetime). */
export interface MasterKeyInput {
  /** Master key; length fixed by the profile. Copied by the context, wiped on close. */
  readonly key: Uint8Array;
  /** Master salt: 14 bytes (AES-CM, NULL) or 12 bytes (GCM, RFC 7714 §12). */
  readonly salt: Uint8Array;
  /** MKI value; required (and of `mkiLength` bytes) when the context uses MKIs. */
  readonly mki?: Uint8Array;
  /**
   * Packets this master key may protect or unprotect, counted separately for SRTP and SRTCP.
   * Capped at 2^48 (SRTP) and 2^31 (SRTCP), RFC 3711 §9.2. Default: those caps.
   */
  readonly lifetime?: number;
}

export interface SrtpContextOptions {
  /** Canonical name, alias, or a profile from `PROTECTION_PROFILES`. */
  readonly profile: string | ProtectionProfile;
  /** One key, or several distinguished by MKI (the first is used to protect until changed). */
  readonly keys: MasterKeyInput | readonly MasterKeyInput[];
  /** Accept NULL_HMAC_SHA1_* profiles. Default false. */
  readonly allowNull?: boolean;
  /** Key derivation rate: 0 (derive once, default) or a power of two up to 2^24 (RFC 3711 §4.3.1). */
  readonly kdr?: number;
  /** SRTP replay window in packets: default 128, at least 64 (RFC 3711 §3.3.2), at most 32768. */
  readonly replayWindow?: number;
  /** SRTCP replay window in packets: default 128, same bounds. */
  readonly srtcpReplayWindow?: number;
  /** SRTCP tag bytes for the HMAC profiles: 10 (default, as libsrtp) or 4 (as ffmpeg does for _32). */
  readonly srtcpTagLength?: number;
  /** RFC 4568 §6.3.2 UNENCRYPTED_SRTP when false. Default true. Not available for AEAD profiles. */
  readonly encryptSrtp?: boolean;
  /** RFC 4568 §6.3.2 UNENCRYPTED_SRTCP when false (SRTCP E flag 0). Default true. */
  readonly encryptSrtcp?: boolean;
  /** RFC 4568 §6.3.3 UNAUTHENTICATED_SRTP when false. Default true. Not available for AEAD profiles. */
  readonly authenticateSrtp?: boolean;
  /** Emit `keysoftlimit` this many packets before a key's lifetime. Default min(2^16, lifetime/8). */
  readonly softLimitMargin?: number;
}

/** Payload of the `keysoftlimit` and `keyexpired` events. Never carries key bytes. */
export interface KeyLimitEvent {
  /** Position of the master key in the context's key list. */
  readonly keyIndex: number;
  /** MKI value as hex, or null when the context has no MKI. */
  readonly mki: string | null;
  /** Which counter reached the limit. */
  readonly stream: 'srtp' | 'srtcp';
  readonly used: number;
  readonly lifetime: number;
}

/** Per master key usage, for stats and rekey decisions. Never carries key bytes. */
export interface KeyUsage {
  readonly keyIndex: number;
  readonly mki: string | null;
  readonly srtpPackets: number;
  readonly srtcpPackets: number;
  readonly srtpLifetime: number;
  readonly srtcpLifetime: number;
  readonly active: boolean;
}
