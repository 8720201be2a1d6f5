/** What the SRTP and SRTCP transforms of one context share. */
import type { KeyRing } from './key-ring';
import type { MasterKey } from './master-key';
import type { PacketFrame } from './packet-frame';
import type { ProtectionProfile } from './protection-profile';
import type { SrtpCipher } from './srtp-cipher';
import type { StreamState } from './stream-state';
import type { WordViews } from './word-xor';

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
  /**
   * The packet layout handed to the cipher, refilled per packet: one per context, shared by its
   * SRTP and SRTCP transforms (each packet call uses it synchronously and alone).
   */
  readonly frame: PacketFrame;
  /** The context's word views over output buffers (word-xor.ts). */
  readonly views: WordViews;
  /** AEAD tag bytes before the MKI (16 for GCM, else 0); see srtp-cipher.ts for the layout. */
  readonly aeadTagLength: number;
  /** HMAC tag bytes after the MKI: SRTP (0 with UNAUTHENTICATED_SRTP or AEAD) and SRTCP (0 for AEAD). */
  readonly srtpTagLength: number;
  readonly srtcpTagLength: number;
  /** Whether payloads are encrypted: the policy, false for the NULL cipher (RFC 3711 §4.1.3). */
  readonly encryptSrtp: boolean;
  /** The SRTCP E flag sent and required (RFC 3711 §3.4). */
  readonly encryptSrtcp: boolean;
  readonly replayWindow: number;
  readonly srtcpReplayWindow: number;
}

/**
 * The cipher for `key` at `index`: shared per master key when kdr = 0, otherwise derived for
 * r = index DIV kdr and cached on the stream (RFC 3711 §4.3.1).
 */
export function cipherFor(s: TransformSettings, state: StreamState, key: MasterKey, index: number, rtcp: boolean): SrtpCipher {
  if (s.kdr === 0) return rtcp ? key.srtcpCipher() : key.srtp as SrtpCipher;
  const r = Math.floor(index / s.kdr);
  if (state.kdrCipher === null || state.kdrKeyIndex !== key.keyIndex || state.kdrR !== r) {
    state.kdrCipher?.wipe();
    state.kdrCipher = key.deriveAt(s.profile, s.kdr, rtcp ? 0 : index, rtcp ? index : 0, rtcp);
    state.kdrKeyIndex = key.keyIndex;
    state.kdrR = r;
  }
  return state.kdrCipher;
}
