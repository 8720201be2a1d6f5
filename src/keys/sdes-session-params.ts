/**
 * SDES session parameters (RFC 4568 §6.3, grammar §9.1). Known ones are checked; FEC_ORDER and
 * FEC_KEY (§6.3.5, §6.3.6) are refused by name because the relay does no SRTP-FEC; unknown
 * ones are refused unless they start with "-", which marks an optional extension (§6.3.8).
 */
import type { ProtectionProfile } from '../srtp/protection-profile';
import { KeyError, KeyErrorCode } from './errors';
import type { SessionParams } from './session-params';
import { printable } from './suite-resolution';

/** The SRTP engine's largest replay window; a WSH above it cannot be honoured. */
export const MAX_WSH = 32768;
/** RFC 4568 §6.3.7: WSH below 64 is not allowed. */
export const MIN_WSH = 64;
/** RFC 4568 §6.3.1: KDR is an exponent n of 2^n, with n at most 24. */
export const MAX_KDR_EXPONENT = 24;

export interface ParsedSessionParams {
  readonly params: SessionParams;
  /** Optional ("-" prefixed) parameters we do not know and ignored, for the CLI to show. */
  readonly ignored: readonly string[];
}

const FLAGS = ['UNENCRYPTED_SRTP', 'UNENCRYPTED_SRTCP', 'UNAUTHENTICATED_SRTP'] as const;

export function parseSessionParams(tokens: readonly string[], profile: ProtectionProfile): ParsedSessionParams {
  let kdrExponent: number | null = null;
  let windowSizeHint: number | null = null;
  const flags = new Set<string>();
  const seen = new Set<string>();
  const ignored: string[] = [];
  for (const token of tokens) {
    const eq = token.indexOf('=');
    const name = eq < 0 ? token : token.slice(0, eq);
    const value = eq < 0 ? null : token.slice(eq + 1);
    if (name.startsWith('-')) {
      ignored.push(token.length <= 64 ? token.replace(/[^\x21-\x7e]/g, '?') : `${token.slice(0, 64)}...`);
      continue;
    }
    if (seen.has(name)) throw new KeyError(KeyErrorCode.DuplicateSessionParam, `session parameter ${printable(name)} appears twice`);
    seen.add(name);
    switch (name) {
      case 'KDR':
        kdrExponent = parseKdr(value);
        break;
      case 'WSH':
        windowSizeHint = parseWsh(value);
        break;
      case 'FEC_ORDER':
      case 'FEC_KEY':
        throw new KeyError(KeyErrorCode.UnsupportedSessionParam, `session parameter ${name} (RFC 4568 §6.3.5-6) is not supported: the relay does no SRTP FEC`);
      default:
        if ((FLAGS as readonly string[]).includes(name)) {
          if (value !== null) throw new KeyError(KeyErrorCode.UnknownSessionParam, `session parameter ${name} takes no value`);
          flags.add(name);
        } else {
          throw new KeyError(KeyErrorCode.UnknownSessionParam, `unknown session parameter ${printable(name)} (not optional: no "-" prefix, RFC 4568 §6.3.8)`);
        }
    }
  }
  // AEAD (RFC 7714) encrypts and authenticates in one operation; these flags cannot apply.
  if (profile.aead) {
    for (const f of ['UNENCRYPTED_SRTP', 'UNAUTHENTICATED_SRTP']) {
      if (flags.has(f)) throw new KeyError(KeyErrorCode.ParamNotAllowedForSuite, `${f} cannot be used with the AEAD suite ${profile.name}`);
    }
  }
  return {
    params: {
      kdrExponent,
      unencryptedSrtp: flags.has('UNENCRYPTED_SRTP'),
      unencryptedSrtcp: flags.has('UNENCRYPTED_SRTCP'),
      unauthenticatedSrtp: flags.has('UNAUTHENTICATED_SRTP'),
      windowSizeHint,
    },
    ignored,
  };
}

function parseKdr(value: string | null): number {
  // Decimal without leading zeros (RFC 4568 §6.3.1).
  if (value === null || !/^(0|[1-9][0-9]?)$/.test(value) || Number(value) > MAX_KDR_EXPONENT) {
    throw new KeyError(KeyErrorCode.BadKdr, `KDR ${printable(value ?? '')} is not an exponent 0..${MAX_KDR_EXPONENT} (RFC 4568 §6.3.1)`);
  }
  return Number(value);
}

function parseWsh(value: string | null): number {
  if (value === null || !/^[1-9][0-9]{0,9}$/.test(value) || Number(value) < MIN_WSH || Number(value) > MAX_WSH) {
    throw new KeyError(KeyErrorCode.BadWsh, `WSH ${printable(value ?? '')} is not a window of ${MIN_WSH}..${MAX_WSH} packets (RFC 4568 §6.3.7)`);
  }
  return Number(value);
}
