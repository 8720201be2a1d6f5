/**
 * One SRTP cipher family: how a packet's protected bytes are encrypted and authenticated.
 * Two implementations, one file each: AES-CM (and NULL) with HMAC-SHA1
 * (srtp-cipher-aes-cm-hmac-sha1.ts, RFC 3711 §4) and AEAD AES-GCM
 * (srtp-cipher-aead-aes-gcm.ts, RFC 7714). The transforms know nothing of either: they lay
 * the packet out, check the replay window, call the cipher, and commit.
 *
 * Every family fits one wire layout (RFC 3711 §3.1, §3.4; RFC 7714 §8, §9, §17):
 *
 *   SRTP:   header | payload | AEAD tag | MKI | HMAC tag
 *   SRTCP:  header | body    | AEAD tag | E||index | MKI | HMAC tag
 *
 * where one of the two tags is empty: the AEAD tag is 16 bytes for GCM (RFC 7714 §8) and empty
 * otherwise; the HMAC tag's length is the context's (UNAUTHENTICATED_SRTP and the 32-bit SRTCP
 * tag change it) and empty for GCM. The context computes both once (`TransformSettings`).
 */
import type { CounterModeLayout, KeystreamAhead } from './keystream-ahead';
import type { PacketFrame } from './packet-frame';

export interface SrtpCipher extends CounterModeLayout {
  /**
   * Encrypt the frame's body in place in `buf` (when `frame.encrypt`) and write the tag.
   * The E||index word and the MKI are already in place.
   */
  protect(buf: Uint8Array, frame: PacketFrame, ks: KeystreamAhead): void;

  /**
   * Verify the tag of the packet in `input`. Only if it verifies, and `dst` is not null,
   * decrypt the frame's body in `dst` (which already holds a copy of `input` up to the body's
   * end, or is `input`). Returns false, having decrypted nothing, when the tag is wrong
   * (RFC 7714 §8: no plaintext from an unauthenticated packet).
   */
  unprotect(input: Uint8Array, dst: Uint8Array | null, frame: PacketFrame, ks: KeystreamAhead): boolean;

  /** Forget the session keys. */
  wipe(): void;
}
