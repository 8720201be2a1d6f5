/**
 * Where the parts of one SRTP or SRTCP packet are, as a transform found them: what a cipher
 * (srtp-cipher.ts) needs to protect or unprotect it. One per transform, refilled for every
 * packet, so handing it over allocates nothing.
 */
export class PacketFrame {
  ssrc = 0;
  /** 48-bit SRTP index (RFC 3711 §3.3.1) or 31-bit SRTCP index (§3.4). */
  index = 0;
  /** [bodyStart, bodyEnd): what encryption covers (RTP payload; SRTCP after the first 8 octets). */
  bodyStart = 0;
  bodyEnd = 0;
  /** The body is (to be) encrypted: the policy for SRTP, the E flag for SRTCP. */
  encrypt = false;
  /** SRTCP: offset of the E||index word, which authentication covers; -1 for SRTP. */
  trailerStart = -1;
  /** SRTP with HMAC: the ROC, appended to the authenticated bytes (RFC 3711 §4.2); -1 for SRTCP. */
  roc = -1;
  /** Where the HMAC tag is (after the MKI) and its length; 0 for AEAD or UNAUTHENTICATED_SRTP. */
  tagOffset = 0;
  tagLength = 0;

  /** An SRTP packet: header is [0, bodyStart). */
  rtp(ssrc: number, index: number, roc: number, bodyStart: number, bodyEnd: number, encrypt: boolean, tagOffset: number, tagLength: number): void {
    this.ssrc = ssrc;
    this.index = index;
    this.roc = roc;
    this.bodyStart = bodyStart;
    this.bodyEnd = bodyEnd;
    this.encrypt = encrypt;
    this.trailerStart = -1;
    this.tagOffset = tagOffset;
    this.tagLength = tagLength;
  }

  /** An SRTCP packet: the first 8 octets are never encrypted (RFC 3711 §3.4). */
  rtcp(ssrc: number, index: number, bodyStart: number, bodyEnd: number, encrypt: boolean, trailerStart: number, tagOffset: number, tagLength: number): void {
    this.ssrc = ssrc;
    this.index = index;
    this.roc = -1;
    this.bodyStart = bodyStart;
    this.bodyEnd = bodyEnd;
    this.encrypt = encrypt;
    this.trailerStart = trailerStart;
    this.tagOffset = tagOffset;
    this.tagLength = tagLength;
  }

  /** End of what an HMAC covers: the body (SRTP, then the ROC) or up to the end of E||index (SRTCP). */
  get authenticatedEnd(): number {
    return this.trailerStart >= 0 ? this.trailerStart + 4 : this.bodyEnd;
  }
}
