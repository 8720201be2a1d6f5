/**
 * Suite choice by policy (seed 003: the key manager picks the suite both devices support).
 * A preference list, strongest first, intersected with what each device supports. No common
 * suite is an error: the controller must decide on RTP fallback explicitly, never silently.
 */
import type { ProfileName, ProtectionProfile } from '../srtp/protection-profile';
import { KeyError, KeyErrorCode } from './errors';
import { printable, resolveSuite, type SuiteOptions } from './suite-resolution';

/** Default preference: AEAD first (RFC 7714), then counter mode with the 80-bit tag. */
export const DEFAULT_SUITE_PREFERENCE: readonly ProfileName[] = Object.freeze([
  'AEAD_AES_256_GCM',
  'AEAD_AES_128_GCM',
  'AES_256_CM_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
]);

export class SuitePolicy {
  readonly preference: readonly ProtectionProfile[];
  readonly allowNull: boolean;

  constructor(preference: readonly string[] = DEFAULT_SUITE_PREFERENCE, options: SuiteOptions = {}) {
    if (preference.length === 0) throw new KeyError(KeyErrorCode.EmptyPreference, 'the suite preference list is empty');
    this.allowNull = options.allowNull === true;
    const list: ProtectionProfile[] = [];
    for (const name of preference) {
      const p = resolveSuite(name, options);
      if (!list.includes(p)) list.push(p);
    }
    this.preference = Object.freeze(list);
  }

  /** Whether a suite (by any accepted name) is in the preference list. */
  accepts(name: string): boolean {
    try {
      return this.preference.includes(resolveSuite(name, { allowNull: this.allowNull }));
    } catch {
      return false;
    }
  }

  /**
   * The first preferred suite that every device supports. Each device lists suite names;
   * unknown names in a device list are ignored (a device may know suites we do not).
   */
  choose(...devices: readonly (readonly string[])[]): ProtectionProfile {
    const supported = devices.map((names) => new Set(names.map((n) => this.tryResolve(n)).filter((p): p is ProtectionProfile => p !== null)));
    const found = this.preference.find((p) => supported.every((s) => s.has(p)));
    if (found === undefined) {
      throw new KeyError(KeyErrorCode.NoCommonSuite, `no common SRTP suite: policy prefers ${this.preference.map((p) => p.name).join(', ')}; devices support ${devices.map((d) => `[${d.map(printable).join(', ')}]`).join(' and ')}`);
    }
    return found;
  }

  private tryResolve(name: string): ProtectionProfile | null {
    try {
      return resolveSuite(name, { allowNull: this.allowNull });
    } catch {
      return null;
    }
  }
}
