/**
 * What a media worker needs to run a WebRTC leg (ICE-lite + DTLS-SRTP, RFC 8842/5764), carried
 * in the leg's `addLeg` message. No SRTP keys: they are exported in the worker after the
 * handshake and never leave it.
 */
import type { DtlsCertificate } from './dtls-certificate';
import type { IceCredentials } from './ice-lite';
import type { DtlsRole } from './werift-dtls';

export interface Fingerprint {
  /** Hash function name as in SDP `a=fingerprint` (RFC 8122 §5), e.g. `sha-256`. */
  readonly algorithm: string;
  /** Upper- or lower-case hex pairs with colons. */
  readonly value: string;
}

export interface WebrtcLegParams {
  /** The relay's DTLS role: `server` for `a=setup:passive`, `client` for `a=setup:active` (RFC 5763 §5). */
  readonly role: DtlsRole;
  /** Our ICE credentials for this leg (written in our SDP). */
  readonly ice: IceCredentials;
  /** The peer's `a=ice-ufrag`, checked in USERNAME; null when it has not been signalled. */
  readonly remoteUfrag: string | null;
  /** The peer's `a=fingerprint` lines: its certificate must match one (RFC 8122 §5). */
  readonly remoteFingerprints: readonly Fingerprint[];
  /** SRTP profile names to offer or accept in `use_srtp`, in preference order. */
  readonly profiles: readonly string[];
  readonly certificate: DtlsCertificate;
}

/** ICE checks plus the DTLS handshake must complete within this after the leg opens. */
export const WEBRTC_CONNECT_TIMEOUT_MS = 30_000;
