/**
 * One SDES key-param (RFC 4568 §6.1, grammar §9.1):
 *   "inline:" key||salt ["|" lifetime] ["|" MKI ":" length]
 * Decoded bytes are returned to the caller, which turns them into a MasterKey and wipes them.
 */
import type { ProtectionProfile } from '../srtp/protection-profile';
import { decodeBase64Strict } from './base64';
import { KeyError, KeyErrorCode } from './errors';
import { checkMkiLength, mkiFromValue } from './mki';
import { parseLifetime } from './sdes-lifetime';
import { wipe } from './sodium';
import { printable } from './suite-resolution';

export interface RawKeyParam {
  readonly key: Uint8Array;
  readonly salt: Uint8Array;
  readonly lifetime: number | null;
  readonly mki: Uint8Array | null;
}

const MKI_FORM = /^([0-9]+):([0-9]+)$/;
/** 128 bytes hold at most 309 decimal digits; refuse longer before BigInt parses them. */
const MAX_MKI_DIGITS = 309;

export function parseKeyParam(text: string, profile: ProtectionProfile, position: number): RawKeyParam {
  const where = `key ${position}`;
  if (text.length === 0) throw new KeyError(KeyErrorCode.MissingKeyParams, `${where}: empty key-param`);
  const colon = text.indexOf(':');
  const method = colon < 0 ? text : text.slice(0, colon);
  if (method !== 'inline') {
    throw new KeyError(KeyErrorCode.UnsupportedKeyMethod, `${where}: key method ${printable(method)} is not supported; only "inline" (RFC 4568 §6.1)`);
  }
  const fields = text.slice(colon + 1).split('|');
  if (fields.length > 3) {
    throw new KeyError(KeyErrorCode.TooManyKeyFields, `${where}: ${fields.length - 1} fields after the key; at most lifetime and MKI`);
  }
  let lifetime: number | null = null;
  let mki: Uint8Array | null = null;
  const extra = fields.slice(1);
  if (extra.length === 2) {
    lifetime = parseLifetimeAt(extra[0], where);
    mki = parseMki(extra[1], where);
  } else if (extra.length === 1) {
    // One field: an MKI always has "value:length", a lifetime never has a colon.
    if (extra[0].includes(':')) mki = parseMki(extra[0], where);
    else lifetime = parseLifetimeAt(extra[0], where);
  }
  let keySalt: Uint8Array;
  try {
    keySalt = decodeBase64Strict(fields[0]);
  } catch (err) {
    if (err instanceof KeyError) throw new KeyError(err.code, `${where}: ${err.message}`);
    throw err;
  }
  const need = profile.masterKeyLength + profile.masterSaltLength;
  if (keySalt.length !== need) {
    const got = keySalt.length;
    wipe(keySalt);
    throw new KeyError(KeyErrorCode.BadKeyLength, `${where}: key||salt decodes to ${got} bytes; ${profile.name} needs ${profile.masterKeyLength}+${profile.masterSaltLength} = ${need}`);
  }
  const key = keySalt.slice(0, profile.masterKeyLength);
  const salt = keySalt.slice(profile.masterKeyLength);
  wipe(keySalt);
  return { key, salt, lifetime, mki };
}

function parseLifetimeAt(text: string, where: string): number {
  try {
    return parseLifetime(text);
  } catch (err) {
    if (err instanceof KeyError) throw new KeyError(err.code, `${where}: ${err.message}`);
    throw err;
  }
}

function parseMki(text: string, where: string): Uint8Array {
  const m = MKI_FORM.exec(text);
  if (m === null) throw new KeyError(KeyErrorCode.BadMki, `${where}: MKI field ${printable(text)} is not "value:length" in decimal`);
  const [, valueText, lengthText] = m;
  if (lengthText.length > 3) {
    throw new KeyError(KeyErrorCode.BadMkiLength, `${where}: MKI length of ${lengthText.length} digits is outside 1..128 bytes (RFC 4568 §6.1)`);
  }
  const length = Number(lengthText);
  try {
    checkMkiLength(length);
    if (valueText.length > MAX_MKI_DIGITS) throw new KeyError(KeyErrorCode.BadMki, `MKI value has ${valueText.length} digits, too many for ${length} byte(s)`);
    return mkiFromValue(BigInt(valueText), length);
  } catch (err) {
    if (err instanceof KeyError) throw new KeyError(err.code, `${where}: ${err.message}`);
    throw err;
  }
}
