/**
 * SRTP key derivation (RFC 3711 §4.3), AES-CM PRF with the master key's AES size
 * (RFC 6188 §4: AES_192_CM_PRF / AES_256_CM_PRF), and the 12-byte GCM master salt padded with
 * two zero bytes (RFC 7714 §11 as corrected by erratum 4938).
 */
import { AesCounterModeKeystream } from './aes-cm-keystream';
import { SrtpError, SrtpErrorCode } from './errors';
import type { ProtectionProfile } from './protection-profile';

/** RFC 3711 §4.3.1 labels (RFC 3711 §4.3.2 for SRTCP). */
export enum KdfLabel {
  SrtpEncryption = 0x00,
  SrtpAuthentication = 0x01,
  SrtpSalt = 0x02,
  SrtcpEncryption = 0x03,
  SrtcpAuthentication = 0x04,
  SrtcpSalt = 0x05,
}

const KDF_SALT_LENGTH = 14;
const MAX_KDR = 2 ** 24;

/** RFC 3711 §4.3.1: the key derivation rate is zero or a power of two from 1 to 2^24. */
export function validateKdr(kdr: number): void {
  const ok = kdr === 0 || (Number.isInteger(kdr) && kdr >= 1 && kdr <= MAX_KDR && (kdr & (kdr - 1)) === 0);
  if (!ok) throw new SrtpError(SrtpErrorCode.BadKdr, `key derivation rate ${String(kdr)} is not 0 or a power of two up to 2^24`);
}

/**
 * PRF_n(k_master, x) with x = key_id XOR master_salt, key_id = label || r, r = index DIV kdr
 * (RFC 3711 §4.3.1). SRTP indexes are 48 bits, so the label sits at bit 48. For SRTCP labels r
 * is the 32-bit SRTCP index quotient and the label sits at bit 32, which is what the NIST ACVP
 * SRTP-KDF cases require. With kdr = 0, r is empty and key_id is just the label at bit 48, as in
 * RFC 3711 Appendix B.3 and libsrtp (whose SRTCP packet vectors depend on it).
 */
export function deriveSessionKey(
  masterKey: Uint8Array, masterSalt: Uint8Array, label: KdfLabel, index: number, kdr: number, length: number,
): Uint8Array {
  const prf = new AesCounterModeKeystream(masterKey);
  try {
    return prfOutput(prf, masterSalt, label, index, kdr, length);
  } finally {
    prf.wipe();
  }
}

/** One label's output from `prf` (AES under the master key), which the caller reuses and wipes. */
function prfOutput(prf: AesCounterModeKeystream, masterSalt: Uint8Array, label: KdfLabel, index: number, kdr: number, length: number): Uint8Array {
  validateKdr(kdr);
  if (!Number.isInteger(label) || label < 0 || label > 7) {
    throw new SrtpError(SrtpErrorCode.BadLabel, `key derivation label ${String(label)} is outside 0..7`);
  }
  const x = prf.iv;
  x.fill(0);
  for (let i = 0; i < KDF_SALT_LENGTH && i < masterSalt.length; i++) x[i] = masterSalt[i];
  if (kdr === 0) {
    x[7] ^= label;
  } else {
    let r = Math.floor(index / kdr);
    const indexBytes = label >= KdfLabel.SrtcpEncryption && label <= KdfLabel.SrtcpSalt ? 4 : 6;
    x[13 - indexBytes] ^= label;
    for (let i = 0; i < indexBytes; i++) {
      x[13 - i] ^= r % 256;
      r = Math.floor(r / 256);
    }
  }
  const out = new Uint8Array(length);
  prf.keystream(out, length);
  x.fill(0);
  return out;
}

export interface SessionKeyMaterial {
  /** Session encryption key (label 0 or 3). */
  readonly encryptionKey: Uint8Array;
  /** HMAC-SHA1 session authentication key (label 1 or 4); empty for AEAD profiles. */
  readonly authenticationKey: Uint8Array;
  /** Session salt (label 2 or 5): 14 bytes, or 12 for GCM. */
  readonly salt: Uint8Array;
}

export interface DerivedSessionKeys {
  readonly srtp: SessionKeyMaterial;
  readonly srtcp: SessionKeyMaterial;
}

/** Check a master key and salt against a profile; errors name lengths, never bytes. */
export function checkMasterKeyLengths(profile: ProtectionProfile, masterKey: Uint8Array, masterSalt: Uint8Array): void {
  if (masterKey.length !== profile.masterKeyLength) {
    throw new SrtpError(SrtpErrorCode.BadKeyLength, `${profile.name} needs a ${profile.masterKeyLength}-byte master key, got ${masterKey.length}`);
  }
  if (masterSalt.length !== profile.masterSaltLength) {
    throw new SrtpError(SrtpErrorCode.BadSaltLength, `${profile.name} needs a ${profile.masterSaltLength}-byte master salt, got ${masterSalt.length}`);
  }
}

function deriveSet(
  profile: ProtectionProfile, prf: AesCounterModeKeystream, salt14: Uint8Array, labels: readonly [KdfLabel, KdfLabel, KdfLabel], index: number, kdr: number,
): SessionKeyMaterial {
  return {
    encryptionKey: prfOutput(prf, salt14, labels[0], index, kdr, profile.masterKeyLength),
    authenticationKey: profile.authKeyLength > 0
      ? prfOutput(prf, salt14, labels[1], index, kdr, profile.authKeyLength)
      : new Uint8Array(0),
    salt: prfOutput(prf, salt14, labels[2], index, kdr, profile.sessionSaltLength),
  };
}

/**
 * The SRTP session keys (labels 0-2) at `index`, or with `rtcp` the SRTCP ones (labels 3-5):
 * a context derives its SRTCP keys only when its first RTCP packet needs them.
 */
export function deriveSessionKeySet(
  profile: ProtectionProfile, masterKey: Uint8Array, masterSalt: Uint8Array, rtcp: boolean, kdr = 0, index = 0,
): SessionKeyMaterial {
  checkMasterKeyLengths(profile, masterKey, masterSalt);
  const salt14 = new Uint8Array(KDF_SALT_LENGTH);
  salt14.set(masterSalt);
  const prf = new AesCounterModeKeystream(masterKey);
  try {
    return rtcp
      ? deriveSet(profile, prf, salt14, [KdfLabel.SrtcpEncryption, KdfLabel.SrtcpAuthentication, KdfLabel.SrtcpSalt], index, kdr)
      : deriveSet(profile, prf, salt14, [KdfLabel.SrtpEncryption, KdfLabel.SrtpAuthentication, KdfLabel.SrtpSalt], index, kdr);
  } finally {
    prf.wipe();
    salt14.fill(0);
  }
}

/**
 * All session keys of a master key: SRTP keys at `srtpIndex` and SRTCP keys at `srtcpIndex`
 * (both only matter when kdr != 0).
 */
export function deriveSessionKeys(
  profile: ProtectionProfile, masterKey: Uint8Array, masterSalt: Uint8Array, kdr = 0, srtpIndex = 0, srtcpIndex = 0,
): DerivedSessionKeys {
  return {
    srtp: deriveSessionKeySet(profile, masterKey, masterSalt, false, kdr, srtpIndex),
    srtcp: deriveSessionKeySet(profile, masterKey, masterSalt, true, kdr, srtcpIndex),
  };
}
