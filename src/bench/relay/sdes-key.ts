/**
 * A benchmark SRTP key as SDES carries it (RFC 4568 §6.1 `inline:` base64 of key ‖ salt), so the
 * same value goes into an SDP a=crypto line for rtpengine, into our relay's leg options, and
 * into the load generator's contexts. These are throwaway benchmark keys, never real ones.
 */
import { randomBytes } from 'node:crypto';
import { resolveProfile, type SrtpContextOptions } from '../../srtp';

export interface SdesKey {
  readonly suite: string;
  /** base64(master key ‖ master salt) */
  readonly inline: string;
}

export function randomSdesKey(suite: string): SdesKey {
  const p = resolveProfile(suite);
  return { suite: p.name, inline: randomBytes(p.masterKeyLength + p.masterSaltLength).toString('base64') };
}

export function sdesContextOptions(k: SdesKey): SrtpContextOptions {
  const p = resolveProfile(k.suite);
  const raw = Buffer.from(k.inline, 'base64');
  if (raw.length !== p.masterKeyLength + p.masterSaltLength) {
    throw new Error(`${p.name} inline key must be ${p.masterKeyLength + p.masterSaltLength} bytes, got ${raw.length}`);
  }
  return {
    profile: p.name,
    keys: { key: new Uint8Array(raw.subarray(0, p.masterKeyLength)), salt: new Uint8Array(raw.subarray(p.masterKeyLength)) },
  };
}

/** `a=crypto:<tag> <suite> inline:<key>` */
export function cryptoLine(tag: number, k: SdesKey): string {
  return `a=crypto:${tag} ${k.suite} inline:${k.inline}`;
}

export interface ParsedCrypto extends SdesKey {
  readonly tag: number;
}

/** All a=crypto lines of an SDP (lifetime/MKI parameters after `|` are ignored). */
export function parseCryptoLines(sdp: string): ParsedCrypto[] {
  const out: ParsedCrypto[] = [];
  for (const m of sdp.matchAll(/^a=crypto:(\d+) (\S+) inline:([A-Za-z0-9+/=]+)/gm)) {
    out.push({ tag: Number(m[1]), suite: m[2], inline: m[3] });
  }
  return out;
}
