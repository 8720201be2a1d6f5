/**
 * The `SDES` list and the `SDES-...` flags (rtpengine's docs/ng_control_protocol.md, "SDES"): suite
 * selection (`no-`, `only-`, `order:`, `offerer_pref:`), formatting (`pad`, `lifetime`) and the
 * RFC 4568 section 6.3 session parameters. Suite names are kept in upper case with underscores,
 * as SDP writes them.
 */
import { canonicalKey } from './canonical-key';
import type { NgSdesOptions, NgSdesSessionParam } from './requests';

/** Suites RFC 4568 / RFC 6188 / RFC 7714 define; others are kept but warned about. */
const KNOWN_SUITES = new Set([
  'AEAD_AES_256_GCM', 'AEAD_AES_128_GCM',
  'AES_256_CM_HMAC_SHA1_80', 'AES_256_CM_HMAC_SHA1_32',
  'AES_192_CM_HMAC_SHA1_80', 'AES_192_CM_HMAC_SHA1_32',
  'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32',
  'F8_128_HMAC_SHA1_80', 'NULL_HMAC_SHA1_80', 'NULL_HMAC_SHA1_32',
]);

const SESSION_PARAMS: Readonly<Record<string, [NgSdesSessionParam, boolean]>> = {
  'unencrypted-srtp': ['unencrypted_srtp', true],
  'unencrypted-srtcp': ['unencrypted_srtcp', true],
  'unauthenticated-srtp': ['unauthenticated_srtp', true],
  'encrypted-srtp': ['unencrypted_srtp', false],
  'encrypted-srtcp': ['unencrypted_srtcp', false],
  'authenticated-srtp': ['unauthenticated_srtp', false],
};

function suiteName(raw: string): string {
  return raw.trim().toUpperCase().replace(/-/g, '_');
}

function suiteList(raw: string): string[] {
  return raw.split(/[;,]/).map(suiteName).filter((s) => s.length > 0);
}

export class SdesOptionsBuilder {
  private off = false;
  private pad = false;
  private lifetime = false;
  private noNew = false;
  private prefer = false;
  private isStatic = false;
  private readonly exclude: string[] = [];
  private readonly only: string[] = [];
  private readonly order: string[] = [];
  private readonly offererPreference: string[] = [];
  private readonly sessionParams: Partial<Record<NgSdesSessionParam, boolean>> = {};

  /** Apply one entry (without its `SDES-` prefix); returns a warning when it is not understood. */
  add(entry: string): string | undefined {
    const c = canonicalKey(entry);
    if (c === 'off' || c === 'no' || c === 'disable') this.off = true;
    else if (c === 'pad') this.pad = true;
    else if (c === 'lifetime') this.lifetime = true;
    else if (c === 'nonew') this.noNew = true;
    else if (c === 'prefer') this.prefer = true;
    else if (c === 'static') this.isStatic = true;
    else if (SESSION_PARAMS[c] !== undefined) {
      const [param, on] = SESSION_PARAMS[c];
      this.sessionParams[param] = on;
    } else if (c.startsWith('no-') || c.startsWith('only-')) {
      const suite = suiteName(entry.trim().slice(c.startsWith('no-') ? 3 : 5));
      (c.startsWith('no-') ? this.exclude : this.only).push(suite);
      if (!KNOWN_SUITES.has(suite)) return `SDES: unknown crypto suite "${suite}"`;
    } else if (c.startsWith('order:')) this.order.push(...suiteList(entry.trim().slice(6)));
    else if (c.startsWith('offerer-pref:')) this.offererPreference.push(...suiteList(entry.trim().slice(13)));
    else return `SDES: unknown option "${entry}" ignored`;
    return undefined;
  }

  build(): NgSdesOptions {
    return Object.freeze({
      off: this.off,
      pad: this.pad,
      lifetime: this.lifetime,
      noNew: this.noNew,
      prefer: this.prefer,
      static: this.isStatic,
      excludeSuites: Object.freeze([...new Set(this.exclude)]),
      onlySuites: Object.freeze([...new Set(this.only)]),
      order: Object.freeze([...new Set(this.order)]),
      offererPreference: Object.freeze([...new Set(this.offererPreference)]),
      sessionParams: Object.freeze({ ...this.sessionParams }),
    });
  }
}
