/**
 * One master key of a context with its usage counters (RFC 3711 §9.2) and, when the key
 * derivation rate is 0, its SRTP and SRTCP ciphers with session keys derived once (RFC 3711 §4.3),
 * each when the first packet of its kind needs it: a context costs no AES key schedule, HMAC
 * state or GHASH table until it carries media (a call set up and torn down unused costs none,
 * and a relay sets up many more contexts than it ever sends through soon), and one whose streams
 * carry no RTCP never holds them for SRTCP. Deriving does not touch ROC, replay or latching
 * state: the packet that asked is still authenticated before any of that changes.
 */
import { checkMasterKeyLengths, deriveSessionKeySet } from './key-derivation';
import { SrtpError, SrtpErrorCode } from './errors';
import type { ProtectionProfile } from './protection-profile';
import type { SrtpCipher } from './srtp-cipher';
import { createSrtpCipher } from './srtp-cipher-factory';
import type { MasterKeyInput } from './srtp-context-options';

/** RFC 3711 §9.2: at most 2^48 SRTP packets and 2^31 SRTCP packets per master key. */
export const MAX_SRTP_LIFETIME = 2 ** 48;
export const MAX_SRTCP_LIFETIME = 2 ** 31;
const DEFAULT_SOFT_MARGIN = 2 ** 16;

export class MasterKey {
  readonly keyIndex: number;
  readonly mki: Uint8Array | null;
  readonly mkiHex: string | null;
  readonly srtpLifetime: number;
  readonly srtcpLifetime: number;
  readonly srtpSoftLimit: number;
  readonly srtcpSoftLimit: number;
  srtpUsed = 0;
  srtcpUsed = 0;
  private key: Uint8Array;
  private salt: Uint8Array;
  private readonly profile: ProtectionProfile;
  private readonly kdr: number;
  /** The SRTP cipher for kdr = 0 once derived (see `srtp`). */
  private srtpCipherOnce: SrtpCipher | null = null;
  /** The SRTCP cipher for kdr = 0 once derived (see srtcpCipher). */
  private srtcp: SrtpCipher | null = null;
  private wiped = false;

  constructor(profile: ProtectionProfile, input: MasterKeyInput, keyIndex: number, mkiLength: number, kdr: number, softLimitMargin: number | undefined) {
    checkMasterKeyLengths(profile, input.key, input.salt);
    this.keyIndex = keyIndex;
    if (mkiLength > 0) {
      if (input.mki === undefined || input.mki.length !== mkiLength) {
        throw new SrtpError(SrtpErrorCode.BadMki, `key ${keyIndex}: every key needs an MKI of ${mkiLength} bytes`);
      }
      this.mki = Uint8Array.from(input.mki);
      this.mkiHex = Buffer.from(this.mki).toString('hex');
    } else {
      this.mki = null;
      this.mkiHex = null;
    }
    const lifetime = input.lifetime;
    if (lifetime !== undefined && (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_SRTP_LIFETIME)) {
      throw new SrtpError(SrtpErrorCode.BadLifetime, `key ${keyIndex}: lifetime must be an integer from 1 to 2^48`);
    }
    this.srtpLifetime = Math.min(lifetime ?? MAX_SRTP_LIFETIME, MAX_SRTP_LIFETIME);
    this.srtcpLifetime = Math.min(lifetime ?? MAX_SRTCP_LIFETIME, MAX_SRTCP_LIFETIME);
    this.srtpSoftLimit = this.srtpLifetime - Math.min(softLimitMargin ?? DEFAULT_SOFT_MARGIN, Math.floor(this.srtpLifetime / 8));
    this.srtcpSoftLimit = this.srtcpLifetime - Math.min(softLimitMargin ?? DEFAULT_SOFT_MARGIN, Math.floor(this.srtcpLifetime / 8));
    // Key and salt share one copy's memory: one ArrayBuffer per key, not two (issue 13 goal 3).
    const copy = new Uint8Array(input.key.length + input.salt.length);
    copy.set(input.key, 0);
    copy.set(input.salt, input.key.length);
    this.key = copy.subarray(0, input.key.length);
    this.salt = copy.subarray(input.key.length);
    this.profile = profile;
    this.kdr = kdr;
  }

  /**
   * The SRTP cipher for kdr = 0, derived on first use (RFC 3711 §4.3.2 labels 0-2); null when
   * session keys are derived per packet index (kdr != 0) or the key is wiped.
   */
  get srtp(): SrtpCipher | null {
    if (this.srtpCipherOnce === null && this.kdr === 0 && !this.wiped) {
      this.srtpCipherOnce = createSrtpCipher(this.profile, deriveSessionKeySet(this.profile, this.key, this.salt, false));
    }
    return this.srtpCipherOnce;
  }

  /** The SRTCP cipher for kdr = 0, derived on first use (RFC 3711 §4.3.2 labels 3-5). */
  srtcpCipher(): SrtpCipher {
    if (this.srtcp === null) this.srtcp = createSrtpCipher(this.profile, deriveSessionKeySet(this.profile, this.key, this.salt, true));
    return this.srtcp;
  }

  /** The cipher for a key derivation rate != 0, at an SRTP index or SRTCP index. */
  deriveAt(profile: ProtectionProfile, kdr: number, srtpIndex: number, srtcpIndex: number, rtcp: boolean): SrtpCipher {
    return createSrtpCipher(profile, deriveSessionKeySet(profile, this.key, this.salt, rtcp, kdr, rtcp ? srtcpIndex : srtpIndex));
  }

  /** True when `buf[offset..offset+mki.length)` is this key's MKI. */
  matchesMki(buf: Uint8Array, offset: number): boolean {
    const mki = this.mki;
    if (mki === null) return false;
    for (let i = 0; i < mki.length; i++) if (buf[offset + i] !== mki[i]) return false;
    return true;
  }

  wipe(): void {
    this.wiped = true;
    this.key.fill(0);
    this.salt.fill(0);
    this.srtpCipherOnce?.wipe();
    this.srtcp?.wipe();
    this.srtpCipherOnce = null;
    this.srtcp = null;
  }
}
