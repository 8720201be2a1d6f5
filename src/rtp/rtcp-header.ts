/** RTCP header views (RFC 3550 §6.4). The first 8 bytes stay in clear under SRTCP (RFC 3711 §3.4). */
import { readUint32, RTP_VERSION } from './rtp-header';

export const RTCP_HEADER_LENGTH = 8;

export function rtcpSenderSsrc(buf: Uint8Array): number {
  return readUint32(buf, 4);
}

/** True when the first RTCP header is plausible: version 2 and a packet type in 192..223. */
export function isWellFormedRtcpHeader(buf: Uint8Array, length: number): boolean {
  return length >= RTCP_HEADER_LENGTH && buf[0] >>> 6 === RTP_VERSION && buf[1] >= 192 && buf[1] <= 223;
}
