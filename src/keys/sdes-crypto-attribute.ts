/**
 * The SDES crypto attribute (RFC 4568 §9.1):
 *   a=crypto:<tag> <crypto-suite> <key-params>[;<key-params>...] [<session-param> ...]
 * Parsing never throws anything but KeyError, whatever the input (test/unit/keys fuzzes it),
 * and a failed parse wipes every byte it decoded.
 */
import type { ProtectionProfile } from '../srtp/protection-profile';
import { encodeBase64 } from './base64';
import { KeyError, KeyErrorCode } from './errors';
import { MAX_KEYS_PER_SET } from './key-generator';
import { MasterKey } from './master-key';
import { MasterKeySet } from './master-key-set';
import { mkiToValue } from './mki';
import { formatSessionParams } from './session-params';
import { parseKeyParam, type RawKeyParam } from './sdes-key-param';
import { formatLifetime } from './sdes-lifetime';
import { parseSessionParams } from './sdes-session-params';
import { wipe } from './sodium';
import { printable, resolveSuite, type SuiteOptions } from './suite-resolution';

/** Far above any real line (64 keys with 128-byte MKIs), low enough to bound parsing work. */
export const MAX_CRYPTO_LINE_LENGTH = 32768;

export interface CryptoAttribute {
  /** RFC 4568 §6.1: 1 to 9 digits; the answer repeats the accepted offer's tag. */
  readonly tag: number;
  readonly profile: ProtectionProfile;
  /** The sender's master keys and session parameters (secret; redacts itself). */
  readonly keySet: MasterKeySet;
  /** Optional "-" session parameters that were ignored (RFC 4568 §6.3.8). */
  readonly ignoredParams: readonly string[];
}

export function parseCryptoAttribute(input: string, options: SuiteOptions = {}): CryptoAttribute {
  if (typeof input !== 'string') throw new KeyError(KeyErrorCode.NotCryptoAttribute, 'a=crypto line must be a string');
  if (input.length > MAX_CRYPTO_LINE_LENGTH) {
    throw new KeyError(KeyErrorCode.LineTooLong, `a=crypto line of ${input.length} characters exceeds ${MAX_CRYPTO_LINE_LENGTH}`);
  }
  let text = input.trim();
  if (text.startsWith('a=')) text = text.slice(2);
  if (!text.startsWith('crypto:')) throw new KeyError(KeyErrorCode.NotCryptoAttribute, 'line does not start with "a=crypto:" or "crypto:"');
  // RFC 4568 §9.1 separates fields with 1*WSP (space or tab).
  const fields = text.slice('crypto:'.length).split(/[ \t]+/).filter((f) => f.length > 0);
  const [tagText, suiteText, keyParamsText, ...sessionTokens] = fields;
  if (tagText === undefined || !/^[0-9]{1,9}$/.test(tagText)) {
    throw new KeyError(KeyErrorCode.BadTag, `tag ${printable(tagText ?? '')} is not 1 to 9 decimal digits (RFC 4568 §9.1)`);
  }
  if (suiteText === undefined) throw new KeyError(KeyErrorCode.MissingSuite, 'crypto suite is missing after the tag');
  const profile = resolveSuite(suiteText, options);
  if (keyParamsText === undefined) throw new KeyError(KeyErrorCode.MissingKeyParams, `key-params are missing after ${profile.name}`);
  // Session parameters are checked before any key is decoded, so a refused line decodes nothing.
  const session = parseSessionParams(sessionTokens, profile);

  const parts = keyParamsText.split(';');
  if (parts.length > MAX_KEYS_PER_SET) {
    throw new KeyError(KeyErrorCode.TooManyKeys, `${parts.length} master keys in one line; at most ${MAX_KEYS_PER_SET}`);
  }
  const raws: RawKeyParam[] = [];
  const keys: MasterKey[] = [];
  try {
    parts.forEach((part, i) => raws.push(parseKeyParam(part, profile, i + 1)));
    checkMkis(raws);
    for (const r of raws) {
      keys.push(MasterKey.fromBytes(r.key, r.salt, {
        ...(r.mki !== null ? { mki: r.mki } : {}),
        ...(r.lifetime !== null ? { lifetime: r.lifetime } : {}),
      }));
    }
    return { tag: Number(tagText), profile, keySet: new MasterKeySet(profile, keys, session.params), ignoredParams: session.ignored };
  } catch (err) {
    for (const k of keys) k.release();
    throw err;
  } finally {
    for (const r of raws) {
      wipe(r.key);
      wipe(r.salt);
    }
  }
}

/** RFC 4568 §6.1: several keys are told apart by MKI, so each needs one, of one length. */
function checkMkis(raws: readonly RawKeyParam[]): void {
  if (raws.length < 2) return;
  const seen = new Set<string>();
  const length = raws[0].mki?.length ?? 0;
  raws.forEach((r, i) => {
    if (r.mki === null) throw new KeyError(KeyErrorCode.MkiRequired, `key ${i + 1} has no MKI; a line with ${raws.length} keys needs one on each`);
    if (r.mki.length !== length) throw new KeyError(KeyErrorCode.MkiLengthMismatch, `key ${i + 1}: MKI length ${r.mki.length} differs from ${length} of key 1`);
    const hex = Buffer.from(r.mki).toString('hex');
    if (seen.has(hex)) throw new KeyError(KeyErrorCode.DuplicateMki, `key ${i + 1}: MKI value ${mkiToValue(r.mki)} repeats an earlier key's`);
    seen.add(hex);
  });
}

export interface FormatOptions {
  /** Start with "a=" (default true); false gives the attribute value for SDP libraries. */
  readonly prefix?: boolean;
}

/**
 * Write a key set as an a=crypto line. This is a delivery of key material (the line carries
 * the keys in base64), so only signaling paths that are themselves protected should carry it.
 */
export function formatCryptoAttribute(tag: number, set: MasterKeySet, options: FormatOptions = {}): string {
  if (!Number.isInteger(tag) || tag < 0 || tag > 999_999_999) throw new KeyError(KeyErrorCode.BadTag, `tag ${tag} is not 0..999999999`);
  const delivered = set.deliver();
  try {
    const keyParams = delivered.keys.map((k) => {
      const keySalt = new Uint8Array(k.key.length + k.salt.length);
      keySalt.set(k.key, 0);
      keySalt.set(k.salt, k.key.length);
      let out = `inline:${encodeBase64(keySalt)}`;
      wipe(keySalt);
      if (k.lifetime !== undefined) out += `|${formatLifetime(k.lifetime)}`;
      if (k.mki !== undefined) out += `|${mkiToValue(k.mki)}:${k.mki.length}`;
      return out;
    });
    const params = formatSessionParams(set.params);
    return `${options.prefix === false ? '' : 'a='}crypto:${tag} ${set.profile.name} ${keyParams.join(';')}${params.length > 0 ? ` ${params.join(' ')}` : ''}`;
  } finally {
    for (const k of delivered.keys) {
      wipe(k.key);
      wipe(k.salt);
    }
  }
}
