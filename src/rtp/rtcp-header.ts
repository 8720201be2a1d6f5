/** RTCP header views (RFC 3550 §6.4). The first 8 bytes stay in clear under SRTCP (RFC 3711 §3.4). */
import { readUint32 } from './rtp-header';

export const RTCP_HEADER_LENGTH = 8;

export function rtcpSenderSsrc(buf: Uint8Array): number {
  return readUint32(buf, 4);
}
