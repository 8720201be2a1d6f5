/**
 * Result of a packet operation. The packet path never throws (control plane throws, data plane counts): protect and
 * unprotect return one of these small integers and callers count them per leg.
 */
export enum SrtpStatus {
  Ok = 0,
  /** Shorter than a header plus the tag (and MKI) the profile requires. */
  TooShort = 1,
  /** Not a well-formed RTP/RTCP packet (version, CSRC count, extension length). */
  Malformed = 2,
  AuthFailed = 3,
  /** Index already seen inside the replay window (RFC 3711 §3.3.2). */
  Replayed = 4,
  /** Index behind the replay window: cannot be checked, so it is dropped. */
  TooOld = 5,
  UnknownMki = 6,
  /** The master key reached its lifetime (RFC 3711 §9.2); a rekey is needed. */
  KeyExpired = 7,
  /** The caller's output buffer cannot hold the result. */
  OutputTooSmall = 8,
  /** The context has been closed and its keys wiped. */
  Closed = 9,
  /**
   * The packet's protection differs from the negotiated policy: SRTCP with E=0 where RTCP is to
   * be encrypted, or E=1 where UNENCRYPTED_SRTCP was negotiated (as libsrtp refuses it).
   */
  PolicyMismatch = 10,
}

const NAMES: readonly string[] = [
  'ok', 'too_short', 'malformed', 'auth_failed', 'replayed', 'too_old', 'unknown_mki', 'key_expired', 'output_too_small', 'closed', 'policy_mismatch',
];

/** Stable snake_case name of a status, for counters, logs and the CLI's `error CODE` lines. */
export function srtpStatusName(status: SrtpStatus): string {
  return NAMES[status] ?? 'unknown';
}
