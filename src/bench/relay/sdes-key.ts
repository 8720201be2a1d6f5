/**
 * A benchmark SRTP key as SDES carries it: one a=crypto attribute (RFC 4568 §9.1), held as
 * sdp-transform's fields (tag, suite, key-params, session-params) so it goes into an SDP for
 * rtpengine, into our relay's leg options and into the load generator's contexts, and crosses
 * IPC as plain data. Keys are made, written and read by the project's own SDES code (src/keys:
 * `generateKeySet`, `formatCryptoAttribute`, `parseCryptoAttribute`, `toSrtpContextOptions`), so
 * the benchmark exercises the same parser the relay uses and refuses the same malformed lines.
 * These are throwaway benchmark keys, never real ones.
 */
import { timingSafeEqual } from 'node:crypto';
import { parse } from 'sdp-transform';
import { toSrtpContextOptions, wipeContextOptions } from '../../keys/context-options';
import { generateKeySet } from '../../keys/key-generator';
import { wipeDelivered } from '../../keys/master-key-set';
import { formatCryptoAttribute, parseCryptoAttribute, type CryptoAttribute } from '../../keys/sdes-crypto-attribute';
import { initKeys } from '../../keys/sodium';
import { resolveProfile } from '../../srtp/protection-profile';
import { SrtpContext } from '../../srtp/srtp-context';
import type { SrtpContextOptions } from '../../srtp/srtp-context-options';

/** sdp-transform's `a=crypto` fields: `crypto:<id> <suite> <config>[ <sessionConfig>]`. */
export interface SdesKey {
  readonly id: number;
  readonly suite: string;
  /** key-params: `inline:<base64 key‖salt>[|lifetime][|MKI:length]`. Secret. */
  readonly config: string;
  readonly sessionConfig?: string;
}

/** The attribute text (`crypto:...`, without `a=`) of a key. */
export function sdesAttribute(k: SdesKey): string {
  return `crypto:${k.id} ${k.suite} ${k.config}${k.sessionConfig !== undefined ? ` ${k.sessionConfig}` : ''}`;
}

/** Read one attribute line (`a=crypto:...` or `crypto:...`) with sdp-transform's grammar. */
export function sdesKeyFromLine(line: string): SdesKey {
  const attribute = line.trim().replace(/^a=/, '');
  const [crypto] = parse(`m=audio 9 RTP/SAVP 0\r\na=${attribute}\r\n`).media[0]?.crypto ?? [];
  if (crypto === undefined) throw new Error(`not an a=crypto attribute: ${attribute.split(' ').slice(0, 2).join(' ')} ...`);
  return { id: crypto.id, suite: crypto.suite, config: crypto.config, ...(crypto.sessionConfig !== undefined ? { sessionConfig: crypto.sessionConfig } : {}) };
}

/** A fresh key of `suite` from libsodium's CSPRNG, written by `formatCryptoAttribute`. */
export async function randomSdesKey(suite: string, tag = 1): Promise<SdesKey> {
  await initKeys();
  const set = generateKeySet(resolveProfile(suite));
  try {
    return sdesKeyFromLine(formatCryptoAttribute(tag, set));
  } finally {
    set.release();
  }
}

/** Parse and check a key with the relay's own SDES parser (throws KeyError on a bad line); the caller releases the set. */
export function parseSdesKey(k: SdesKey): CryptoAttribute {
  return parseCryptoAttribute(sdesAttribute(k));
}

/** SRTP context options for a key; the caller wipes them (`wipeContextOptions`) once used. */
export function sdesContextOptions(k: SdesKey): SrtpContextOptions {
  const { keySet } = parseSdesKey(k);
  try {
    return toSrtpContextOptions(keySet);
  } finally {
    keySet.release();
  }
}

/** An SRTP context for a key, with the intermediate key copies wiped. */
export function sdesContext(k: SdesKey): SrtpContext {
  const options = sdesContextOptions(k);
  try {
    return new SrtpContext(options);
  } finally {
    wipeContextOptions(options);
  }
}

/** True when two attributes carry the same suite and master keys (tags and parameters aside). */
export function sameSdesKey(a: SdesKey, b: SdesKey): boolean {
  const [x, y] = [parseSdesKey(a).keySet, parseSdesKey(b).keySet];
  const [dx, dy] = [x.deliver(), y.deliver()];
  try {
    return dx.profile === dy.profile && dx.keys.length === dy.keys.length
      && dx.keys.every((k, i) => timingSafeEqual(k.key, dy.keys[i].key) && timingSafeEqual(k.salt, dy.keys[i].salt));
  } finally {
    wipeDelivered(dx);
    wipeDelivered(dy);
    x.release();
    y.release();
  }
}
