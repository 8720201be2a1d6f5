/**
 * Media streams. Seed 003 "Security icons": "The audio and video portions of the call provide
 * basis for the call security status. Consider the call secure only if both the audio and video
 * portions are secure."
 */
export type MediaKind = 'audio' | 'video';

export const MEDIA_KINDS: readonly MediaKind[] = Object.freeze(['audio', 'video']);

/**
 * One stream as negotiated on one leg. `srtp` is what signaling agreed for this stream on this
 * leg (SDES crypto accepted, or keys delivered by the key manager). Seed 003 "Digest
 * authentication and encryption": SRTP capabilities can differ per call leg, depending on what
 * the user agents negotiate — so a device that can do SRTP may still carry RTP video.
 */
export interface LegStream {
  readonly kind: MediaKind;
  readonly srtp: boolean;
  /**
   * A DTLS-SRTP (WebRTC) stream: its keys exist only once the handshake completed with the
   * peer's certificate matching its signalled fingerprint (RFC 5763 §5, RFC 8122 §5). Until
   * then (`pending`), or when it failed (`failed`), the stream carries no SRTP media and the
   * call may not claim encryption for it. Absent for SDES, managed and plain streams.
   */
  readonly dtls?: DtlsKeyState;
}

/** Where a DTLS-SRTP stream's handshake stands, as its media worker reported it. */
export type DtlsKeyState = 'pending' | 'connected' | 'failed';
