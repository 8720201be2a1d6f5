/**
 * Suite names go through the engine's `resolveProfile`, so aliases and the NULL opt-in live in
 * one table (src/srtp/protection-profile.ts). This maps its SrtpError into the key manager's
 * catalog, naming the input but never any key.
 */
import { SrtpError, SrtpErrorCode } from '../srtp/errors';
import { resolveProfile, type ProtectionProfile } from '../srtp/protection-profile';
import { KeyError, KeyErrorCode } from './errors';

export interface SuiteOptions {
  /** Accept NULL_HMAC_SHA1_* (no confidentiality). Default false: secure by default. */
  readonly allowNull?: boolean;
}

export function resolveSuite(name: string, options: SuiteOptions = {}): ProtectionProfile {
  try {
    return resolveProfile(name, { allowNull: options.allowNull === true });
  } catch (err) {
    if (err instanceof SrtpError && err.code === SrtpErrorCode.ProfileNotEnabled) {
      throw new KeyError(KeyErrorCode.SuiteNotAllowed, err.message);
    }
    if (err instanceof SrtpError) {
      // The engine's message lists the known names; keep the input short in ours.
      throw new KeyError(KeyErrorCode.UnknownSuite, `unknown crypto suite ${printable(name)}`);
    }
    throw err;
  }
}

/**
 * Quote input text in an error message only when it looks like a name or number (short, no
 * base64-only characters such as '+', '/', ':' or '='). Anything else could be a shifted key
 * field, so only its length is shown: messages never carry key material.
 */
export function printable(text: string): string {
  return /^[A-Za-z0-9_.^-]{1,32}$/.test(text) ? `"${text}"` : `(${text.length} characters, not shown)`;
}
