/**
 * Comparing key material without keeping it. The control plane must know whether two legs use
 * the same keys (verified passthrough) or share a master key in a way that would reuse a
 * (key, SSRC, index) (RFC 3711 §9.1), but must not hold keys after handing them to a worker.
 * It keeps HMAC-SHA256 digests under a random per-relay secret instead: equal inputs give equal
 * digests, and a digest reveals nothing without the secret, which never leaves the process.
 * Digests are per key, so the relay can tell a shared key set (verified passthrough, even when
 * the outbound side also holds relay-origin keys) from a shared key used two ways (refused).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { MasterKeyInput, SrtpContextOptions } from '../srtp/srtp-context-options';
import { resolveProfile } from '../srtp/protection-profile';
import { RelayError, RelayErrorCode } from './errors';

export interface ContextFingerprint {
  /** Everything that shapes the packets on the wire: profile, keys in order, MKIs, KDR, tag and encryption options. */
  readonly wire: string;
  /** The wire parameters without the keys (profile, KDR, tag lengths, flags, MKI length). */
  readonly params: string;
  /** One digest per master key (key and salt), in the context's order, to detect any shared master key. */
  readonly masterKeys: readonly string[];
  /** One digest per master key together with its MKI: what a packet under that key carries and verifies with. */
  readonly keyIds: readonly string[];
  /**
   * The master key the context protects with: the first (the engine protects with the first key
   * until told otherwise, docs/srtp-engine-api.md; the relay never switches an outbound context).
   */
  readonly active: string;
  /** Canonical profile name, for stats. */
  readonly profile: string;
}

export class KeyFingerprinter {
  private readonly secret = randomBytes(32);
  private readonly paramsDigests = new Map<string, string>();

  fingerprint(options: SrtpContextOptions): ContextFingerprint {
    let profile;
    try {
      profile = resolveProfile(options.profile, { allowNull: options.allowNull === true });
    } catch (err) {
      throw new RelayError(RelayErrorCode.BadSrtpOptions, (err as Error).message);
    }
    const keys = (Array.isArray(options.keys) ? options.keys : [options.keys]) as readonly MasterKeyInput[];
    if (keys.length === 0) throw new RelayError(RelayErrorCode.BadSrtpOptions, 'SRTP options need keys');
    const params = [
      profile.name,
      options.kdr ?? 0,
      profile.aead ? profile.srtcpTagLength : (options.srtcpTagLength ?? profile.srtcpTagLength),
      options.encryptSrtp ?? true,
      options.encryptSrtcp ?? true,
      options.authenticateSrtp ?? true,
      keys[0].mki?.length ?? 0,
    ].join('|');
    const masterKeys: string[] = [];
    const keyIds: string[] = [];
    for (const k of keys) {
      const h = createHmac('sha256', this.secret).update(k.key).update(k.salt).digest('hex');
      const mki = k.mki !== undefined ? Buffer.from(k.mki.buffer, k.mki.byteOffset, k.mki.byteLength).toString('hex') : '-';
      masterKeys.push(h);
      keyIds.push(`${h}/${mki}`);
    }
    const paramsDigest = this.paramsDigest(params);
    // Built from digests only (no key byte in it), so no further HMAC is needed: equal exactly
    // when parameters, key count and every key with its MKI, in order, are equal.
    return { wire: `${paramsDigest}|${keys.length}|${keyIds.join('|')}`, params: paramsDigest, masterKeys, keyIds, active: masterKeys[0], profile: profile.name };
  }

  /**
   * The digest of the wire parameters (no key in them). A relay sees a handful of combinations
   * (profile, KDR, tag lengths, flags), so each is computed once: one HMAC per key is all a
   * context costs (a call set-up fingerprints four contexts).
   */
  private paramsDigest(params: string): string {
    let d = this.paramsDigests.get(params);
    if (d === undefined) {
      d = createHmac('sha256', this.secret).update(params).digest('hex');
      // Bounded: the combinations are few; past the bound (never in practice) nothing more is kept.
      if (this.paramsDigests.size < 64) this.paramsDigests.set(params, d);
    }
    return d;
  }

  /** Drop the secret (relay close); later fingerprints are meaningless. */
  wipe(): void {
    this.secret.fill(0);
    this.paramsDigests.clear();
  }
}

export function shareMasterKey(a: ContextFingerprint, b: ContextFingerprint): boolean {
  return a.masterKeys.some((k) => b.masterKeys.includes(k));
}

/**
 * Whether every packet that verifies under `inbound` is accepted as it is under `outbound`: same
 * wire parameters, and each of inbound's keys present in outbound's under the same MKI. The
 * outbound context may hold more keys (the relay-origin keys it protects with, seed 003 call
 * keying); its key order (which key it protects with) does not change what it accepts.
 */
export function acceptsAllOf(outbound: ContextFingerprint, inbound: ContextFingerprint): boolean {
  return outbound.params === inbound.params && inbound.keyIds.every((k) => outbound.keyIds.includes(k));
}

/** Whether a context accepts packets under the master key `key` (a `masterKeys`/`active` digest). */
export function acceptsKey(context: ContextFingerprint, key: string): boolean {
  return context.masterKeys.includes(key);
}
