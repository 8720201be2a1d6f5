/**
 * Telling the protocols on a WebRTC leg's one port apart by their first octet (RFC 7983 §7,
 * updating RFC 5764 §5.1.2): STUN 0-3, ZRTP 16-19, DTLS 20-63, TURN channels 64-79,
 * RTP/RTCP 128-191. Everything else is dropped.
 */
export enum PortProtocol {
  Stun = 0,
  Dtls = 1,
  Media = 2,
  Other = 3,
}

export function classifyFirstOctet(packet: Uint8Array, length: number): PortProtocol {
  if (length < 1) return PortProtocol.Other;
  const b = packet[0];
  if (b <= 3) return PortProtocol.Stun;
  if (b >= 20 && b <= 63) return PortProtocol.Dtls;
  if (b >= 128 && b <= 191) return PortProtocol.Media;
  return PortProtocol.Other;
}
