/** What the SRTP and SRTCP transforms of one context share. */
import type { KeyRing } from './key-ring';
import type { MasterKey } from './master-key';
import type { ProtectionProfile } from './protection-profile';
import type { SessionCrypto } from './session-crypto';
import type { StreamState } from './stream-state';

/** Where a successful operation left its bytes: `output[0..length)`. Reused, never reallocated. */
export class PacketResult {
  output: Uint8Array = new Uint8Array(0);
  length = 0;
}

export interface TransformSettings {
  readonly profile: ProtectionProfile;
  readonly ring: KeyRing;
  readonly kdr: number;
  readonly result: PacketResult;
  /** SRTP tag bytes on the wire (0 with UNAUTHENTICATED_SRTP). */
  readonly srtpTagLength: number;
  readonly srtcpTagLength: number;
  readonly encryptSrtp: boolean;
  readonly encryptSrtcp: boolean;
  readonly replayWindow: number;
  readonly srtcpReplayWindow: number;
}

/**
 * The session crypto for `key` at `index`: shared per master key when kdr = 0, otherwise
 * derived for r = index DIV kdr and cached on the stream (RFC 3711 §4.3.1).
 */
export function sessionCryptoFor(s: TransformSettings, state: StreamState, key: MasterKey, index: number, rtcp: boolean): SessionCrypto {
  if (s.kdr === 0) return (rtcp ? key.srtcp : key.srtp) as SessionCrypto;
  const r = Math.floor(index / s.kdr);
  if (state.kdrCrypto === null || state.kdrKeyIndex !== key.keyIndex || state.kdrR !== r) {
    state.kdrCrypto?.wipe();
    state.kdrCrypto = key.deriveAt(s.profile, s.kdr, rtcp ? 0 : index, rtcp ? index : 0, rtcp);
    state.kdrKeyIndex = key.keyIndex;
    state.kdrR = r;
  }
  return state.kdrCrypto;
}

/**
 * AES-CM counter block (RFC 3711 §4.1.1): IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16),
 * with the 48-bit SRTP index or 31-bit SRTCP index as i.
 */
export function fillCounterModeIv(iv: Uint8Array, salt: Uint8Array, ssrc: number, index: number): void {
  for (let i = 0; i < 14; i++) iv[i] = salt[i];
  iv[14] = 0;
  iv[15] = 0;
  iv[4] ^= ssrc >>> 24;
  iv[5] ^= (ssrc >>> 16) & 0xff;
  iv[6] ^= (ssrc >>> 8) & 0xff;
  iv[7] ^= ssrc & 0xff;
  const hi = Math.floor(index / 0x100000000);
  const lo = index >>> 0;
  iv[8] ^= (hi >>> 8) & 0xff;
  iv[9] ^= hi & 0xff;
  iv[10] ^= lo >>> 24;
  iv[11] ^= (lo >>> 16) & 0xff;
  iv[12] ^= (lo >>> 8) & 0xff;
  iv[13] ^= lo & 0xff;
}

/**
 * AES-GCM IV (RFC 7714 §8.1 for SRTP: 00 00 || SSRC || ROC || SEQ; §9.1 for SRTCP:
 * 00 00 || SSRC || 00 00 || 0 || index), XORed with the 12-byte session salt.
 */
export function fillGcmIv(iv: Uint8Array, salt: Uint8Array, ssrc: number, high: number, low16: number): void {
  iv[0] = salt[0];
  iv[1] = salt[1];
  iv[2] = salt[2] ^ (ssrc >>> 24);
  iv[3] = salt[3] ^ ((ssrc >>> 16) & 0xff);
  iv[4] = salt[4] ^ ((ssrc >>> 8) & 0xff);
  iv[5] = salt[5] ^ (ssrc & 0xff);
  iv[6] = salt[6] ^ (high >>> 24);
  iv[7] = salt[7] ^ ((high >>> 16) & 0xff);
  iv[8] = salt[8] ^ ((high >>> 8) & 0xff);
  iv[9] = salt[9] ^ (high & 0xff);
  iv[10] = salt[10] ^ (low16 >>> 8);
  iv[11] = salt[11] ^ (low16 & 0xff);
}

export function writeTagPrefix(digest: Uint8Array, out: Uint8Array, offset: number, length: number): void {
  for (let i = 0; i < length; i++) out[offset + i] = digest[i];
}
