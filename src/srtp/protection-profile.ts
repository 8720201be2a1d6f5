/**
 * SRTP protection profiles as one frozen data table: suites are data, and behaviour
 * differences come from the table, not from branches on a suite.
 *
 * Sources: RFC 3711 §8.2 (AES_CM_128_HMAC_SHA1_80/_32 defaults), RFC 4568 §6.2 (SDES names),
 * RFC 6188 §3-5 (AES-192/256 counter mode), RFC 7714 §12 (AEAD_AES_128/256_GCM),
 * RFC 5764 §4.1.2 (NULL_HMAC_SHA1 profiles, DTLS-SRTP profile identifiers).
 */
import { SrtpError, SrtpErrorCode } from './errors';

export type CipherKind = 'aes-cm' | 'aes-gcm' | 'null';

export type ProfileName =
  | 'AES_CM_128_HMAC_SHA1_80'
  | 'AES_CM_128_HMAC_SHA1_32'
  | 'AES_192_CM_HMAC_SHA1_80'
  | 'AES_192_CM_HMAC_SHA1_32'
  | 'AES_256_CM_HMAC_SHA1_80'
  | 'AES_256_CM_HMAC_SHA1_32'
  | 'AEAD_AES_128_GCM'
  | 'AEAD_AES_256_GCM'
  | 'NULL_HMAC_SHA1_80'
  | 'NULL_HMAC_SHA1_32';

export interface ProtectionProfile {
  /** Canonical name, as SDES (RFC 4568 / 6188 / 7714) spells it. */
  readonly name: ProfileName;
  /** Other spellings of the same parameters that we accept on input. */
  readonly aliases: readonly string[];
  readonly cipher: CipherKind;
  /** Master key length in bytes; also the session encryption key length (RFC 3711 §8.2). */
  readonly masterKeyLength: number;
  /** Master salt length in bytes: 14 for counter mode, 12 for GCM (RFC 7714 §12). */
  readonly masterSaltLength: number;
  /** Session salt length in bytes: 14 (RFC 3711 §4.1.1) or 12 (RFC 7714 §8.1). */
  readonly sessionSaltLength: number;
  /** HMAC-SHA1 session authentication key length in bytes (RFC 3711 §4.2.1), 0 for AEAD. */
  readonly authKeyLength: number;
  /** Bytes appended to every SRTP packet by authentication: HMAC tag or the AEAD tag. */
  readonly srtpTagLength: number;
  /**
   * Default SRTCP tag length. RFC 3711 §5.2 makes the 80-bit tag mandatory for SRTCP; libsrtp
   * uses 80 bits for SRTCP even with the _32 profiles. ffmpeg uses 32 (a context option).
   */
  readonly srtcpTagLength: number;
  readonly aead: boolean;
  /** RFC 5764 §4.1.2 / RFC 7714 §14.2 DTLS-SRTP protection profile identifier. */
  readonly dtlsId: number;
  /** NULL cipher profiles carry no confidentiality and must be enabled explicitly. */
  readonly requiresOptIn: boolean;
}

function profile(p: ProtectionProfile): ProtectionProfile {
  return Object.freeze({ ...p, aliases: Object.freeze([...p.aliases]) });
}

const HMAC_SHA1_KEY = 20;

export const PROTECTION_PROFILES: readonly ProtectionProfile[] = Object.freeze([
  profile({
    name: 'AES_CM_128_HMAC_SHA1_80', aliases: ['SRTP_AES128_CM_HMAC_SHA1_80', 'SRTP_AES128_CM_SHA1_80', 'AES_CM_128_HMAC_SHA1_80'],
    cipher: 'aes-cm', masterKeyLength: 16, masterSaltLength: 14, sessionSaltLength: 14,
    authKeyLength: HMAC_SHA1_KEY, srtpTagLength: 10, srtcpTagLength: 10, aead: false, dtlsId: 0x0001, requiresOptIn: false,
  }),
  profile({
    name: 'AES_CM_128_HMAC_SHA1_32', aliases: ['SRTP_AES128_CM_HMAC_SHA1_32', 'SRTP_AES128_CM_SHA1_32'],
    cipher: 'aes-cm', masterKeyLength: 16, masterSaltLength: 14, sessionSaltLength: 14,
    authKeyLength: HMAC_SHA1_KEY, srtpTagLength: 4, srtcpTagLength: 10, aead: false, dtlsId: 0x0002, requiresOptIn: false,
  }),
  profile({
    name: 'AES_192_CM_HMAC_SHA1_80', aliases: ['AES_CM_192_HMAC_SHA1_80', 'SRTP_AES192_CM_HMAC_SHA1_80'],
    cipher: 'aes-cm', masterKeyLength: 24, masterSaltLength: 14, sessionSaltLength: 14,
    authKeyLength: HMAC_SHA1_KEY, srtpTagLength: 10, srtcpTagLength: 10, aead: false, dtlsId: 0, requiresOptIn: false,
  }),
  profile({
    name: 'AES_192_CM_HMAC_SHA1_32', aliases: ['AES_CM_192_HMAC_SHA1_32', 'SRTP_AES192_CM_HMAC_SHA1_32'],
    cipher: 'aes-cm', masterKeyLength: 24, masterSaltLength: 14, sessionSaltLength: 14,
    authKeyLength: HMAC_SHA1_KEY, srtpTagLength: 4, srtcpTagLength: 10, aead: false, dtlsId: 0, requiresOptIn: false,
  }),
  profile({
    name: 'AES_256_CM_HMAC_SHA1_80', aliases: ['AES_CM_256_HMAC_SHA1_80', 'SRTP_AES256_CM_HMAC_SHA1_80', 'SRTP_AES256_CM_SHA1_80'],
    cipher: 'aes-cm', masterKeyLength: 32, masterSaltLength: 14, sessionSaltLength: 14,
    authKeyLength: HMAC_SHA1_KEY, srtpTagLength: 10, srtcpTagLength: 10, aead: false, dtlsId: 0, requiresOptIn: false,
  }),
  profile({
    name: 'AES_256_CM_HMAC_SHA1_32', aliases: ['AES_CM_256_HMAC_SHA1_32', 'SRTP_AES256_CM_HMAC_SHA1_32', 'SRTP_AES256_CM_SHA1_32'],
    cipher: 'aes-cm', masterKeyLength: 32, masterSaltLength: 14, sessionSaltLength: 14,
    authKeyLength: HMAC_SHA1_KEY, srtpTagLength: 4, srtcpTagLength: 10, aead: false, dtlsId: 0, requiresOptIn: false,
  }),
  profile({
    name: 'AEAD_AES_128_GCM', aliases: ['SRTP_AEAD_AES_128_GCM', 'AES_128_GCM'],
    cipher: 'aes-gcm', masterKeyLength: 16, masterSaltLength: 12, sessionSaltLength: 12,
    authKeyLength: 0, srtpTagLength: 16, srtcpTagLength: 16, aead: true, dtlsId: 0x0007, requiresOptIn: false,
  }),
  profile({
    name: 'AEAD_AES_256_GCM', aliases: ['SRTP_AEAD_AES_256_GCM', 'AES_256_GCM'],
    cipher: 'aes-gcm', masterKeyLength: 32, masterSaltLength: 12, sessionSaltLength: 12,
    authKeyLength: 0, srtpTagLength: 16, srtcpTagLength: 16, aead: true, dtlsId: 0x0008, requiresOptIn: false,
  }),
  profile({
    name: 'NULL_HMAC_SHA1_80', aliases: ['SRTP_NULL_HMAC_SHA1_80', 'SRTP_NULL_SHA1_80'],
    cipher: 'null', masterKeyLength: 16, masterSaltLength: 14, sessionSaltLength: 14,
    authKeyLength: HMAC_SHA1_KEY, srtpTagLength: 10, srtcpTagLength: 10, aead: false, dtlsId: 0x0005, requiresOptIn: true,
  }),
  profile({
    name: 'NULL_HMAC_SHA1_32', aliases: ['SRTP_NULL_HMAC_SHA1_32', 'SRTP_NULL_SHA1_32'],
    cipher: 'null', masterKeyLength: 16, masterSaltLength: 14, sessionSaltLength: 14,
    authKeyLength: HMAC_SHA1_KEY, srtpTagLength: 4, srtcpTagLength: 10, aead: false, dtlsId: 0x0006, requiresOptIn: true,
  }),
]);

const BY_NAME = new Map<string, ProtectionProfile>();
for (const p of PROTECTION_PROFILES) {
  BY_NAME.set(p.name, p);
  for (const alias of p.aliases) BY_NAME.set(alias, p);
}

export interface ResolveProfileOptions {
  /** NULL_HMAC_SHA1_* are refused unless this is set (secure by default). */
  allowNull?: boolean;
}

/**
 * Look a profile up by its canonical name or a known alias (case-insensitive). Unknown names
 * and NULL profiles without opt-in throw a typed error naming the input.
 */
export function resolveProfile(name: string | ProtectionProfile, options: ResolveProfileOptions = {}): ProtectionProfile {
  const found = typeof name === 'string' ? BY_NAME.get(name.trim().toUpperCase()) : BY_NAME.get(name.name);
  if (found === undefined) {
    throw new SrtpError(SrtpErrorCode.UnknownProfile, `unknown SRTP protection profile "${String(typeof name === 'string' ? name : name.name)}"; known: ${PROTECTION_PROFILES.map((p) => p.name).join(', ')}`);
  }
  if (found.requiresOptIn && options.allowNull !== true) {
    throw new SrtpError(SrtpErrorCode.ProfileNotEnabled, `${found.name} gives no confidentiality and must be enabled explicitly (allowNull)`);
  }
  return found;
}

/** Look a profile up by its RFC 5764 DTLS-SRTP identifier; undefined when unknown. */
export function profileByDtlsId(id: number): ProtectionProfile | undefined {
  return PROTECTION_PROFILES.find((p) => p.dtlsId === id && id !== 0);
}
