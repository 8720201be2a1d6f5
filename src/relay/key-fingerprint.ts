/**
 * Comparing key material without keeping it. The control plane must know whether two legs use
 * the same keys (verified passthrough) or share a master key in a way that would reuse a
 * (key, SSRC, index) (RFC 3711 §9.1), but must not hold keys after handing them to a worker.
 * It keeps HMAC-SHA256 digests under a random per-relay secret instead: equal inputs give equal
 * digests, and a digest reveals nothing without the secret, which never leaves the process.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { MasterKeyInput, SrtpContextOptions } from '../srtp/srtp-context-options';
import { resolveProfile } from '../srtp/protection-profile';
import { RelayError, RelayErrorCode } from './errors';

export interface ContextFingerprint {
  /** Everything that shapes the packets on the wire: profile, keys, MKIs, KDR, tag and encryption options. */
  readonly wire: string;
  /** One digest per master key (key and salt), to detect any shared master key. */
  readonly masterKeys: readonly string[];
  /** Canonical profile name, for stats. */
  readonly profile: string;
}

export class KeyFingerprinter {
  private readonly secret = randomBytes(32);

  fingerprint(options: SrtpContextOptions): ContextFingerprint {
    let profile;
    try {
      profile = resolveProfile(options.profile, { allowNull: options.allowNull === true });
    } catch (err) {
      throw new RelayError(RelayErrorCode.BadSrtpOptions, (err as Error).message);
    }
    const keys = (Array.isArray(options.keys) ? options.keys : [options.keys]) as readonly MasterKeyInput[];
    const wire = createHmac('sha256', this.secret);
    const params = [
      profile.name,
      options.kdr ?? 0,
      profile.aead ? profile.srtcpTagLength : (options.srtcpTagLength ?? profile.srtcpTagLength),
      options.encryptSrtp ?? true,
      options.encryptSrtcp ?? true,
      options.authenticateSrtp ?? true,
      keys.length,
    ].join('|');
    wire.update(params);
    const masterKeys: string[] = [];
    for (const k of keys) {
      const h = createHmac('sha256', this.secret).update(k.key).update(k.salt).digest('hex');
      masterKeys.push(h);
      wire.update(h);
      wire.update(k.mki !== undefined ? Buffer.from(k.mki.buffer, k.mki.byteOffset, k.mki.byteLength).toString('hex') : '-');
    }
    return { wire: wire.digest('hex'), masterKeys, profile: profile.name };
  }

  /** Drop the secret (relay close); later fingerprints are meaningless. */
  wipe(): void {
    this.secret.fill(0);
  }
}

export function shareMasterKey(a: ContextFingerprint, b: ContextFingerprint): boolean {
  return a.masterKeys.some((k) => b.masterKeys.includes(k));
}
