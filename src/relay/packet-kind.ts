/**
 * Telling RTP from RTCP on a shared port (RFC 5761 §4): RTCP packet types 192-223 occupy the
 * second octet, which for RTP holds the marker bit and payload type; masked with 0x7f they fall
 * in 64-95, a range RTP payload types must avoid when muxing. This covers SR/RR/SDES/BYE/APP and
 * the feedback types (RTPFB 205, PSFB 206) alike.
 */
export function isRtcpPacket(packet: Uint8Array, length: number): boolean {
  if (length < 2) return false;
  const pt = packet[1] & 0x7f;
  return pt >= 64 && pt <= 95;
}

/** Minimal RTP sanity for plain legs: version 2 and room for the fixed header (RFC 3550 §5.1). */
export function looksLikeRtp(packet: Uint8Array, length: number): boolean {
  return length >= 12 && (packet[0] & 0xc0) === 0x80;
}

/** Minimal RTCP sanity for plain legs: version 2 and a common header (RFC 3550 §6.4.1). */
export function looksLikeRtcp(packet: Uint8Array, length: number): boolean {
  return length >= 8 && (packet[0] & 0xc0) === 0x80;
}
