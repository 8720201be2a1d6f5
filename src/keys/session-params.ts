/**
 * SRTP session parameters of an SDES crypto attribute (RFC 4568 §6.3), in the form the relay
 * uses. Managed key sets carry the same structure so both keying modes build contexts alike.
 */
export interface SessionParams {
  /**
   * KDR exponent n: session keys are re-derived every 2^n packets (RFC 4568 §6.3.1,
   * RFC 3711 §4.3.1). Null: derive once (the default when KDR is absent).
   */
  readonly kdrExponent: number | null;
  /** UNENCRYPTED_SRTP (RFC 4568 §6.3.2). */
  readonly unencryptedSrtp: boolean;
  /** UNENCRYPTED_SRTCP (RFC 4568 §6.3.2). */
  readonly unencryptedSrtcp: boolean;
  /** UNAUTHENTICATED_SRTP (RFC 4568 §6.3.3). */
  readonly unauthenticatedSrtp: boolean;
  /** WSH: SRTP replay window size in packets, at least 64 (RFC 4568 §6.3.7). Null: default. */
  readonly windowSizeHint: number | null;
}

export const DEFAULT_SESSION_PARAMS: SessionParams = Object.freeze({
  kdrExponent: null,
  unencryptedSrtp: false,
  unencryptedSrtcp: false,
  unauthenticatedSrtp: false,
  windowSizeHint: null,
});

/** The session-param tokens for an a=crypto line, in a stable order. */
export function formatSessionParams(p: SessionParams): string[] {
  const out: string[] = [];
  if (p.kdrExponent !== null) out.push(`KDR=${p.kdrExponent}`);
  if (p.unencryptedSrtp) out.push('UNENCRYPTED_SRTP');
  if (p.unencryptedSrtcp) out.push('UNENCRYPTED_SRTCP');
  if (p.unauthenticatedSrtp) out.push('UNAUTHENTICATED_SRTP');
  if (p.windowSizeHint !== null) out.push(`WSH=${p.windowSizeHint}`);
  return out;
}
