/**
 * RTP header views (RFC 3550 §5.1): plain functions over a byte array, no parsing objects, so
 * the packet path allocates nothing.
 */

export const RTP_VERSION = 2;
export const RTP_FIXED_HEADER_LENGTH = 12;

/** Big-endian 32-bit read as an unsigned number (no bitwise result above 2^31). */
export function readUint32(buf: Uint8Array, offset: number): number {
  return buf[offset] * 0x1000000 + ((buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3]);
}

export function writeUint32(buf: Uint8Array, offset: number, value: number): void {
  buf[offset] = (value >>> 24) & 0xff;
  buf[offset + 1] = (value >>> 16) & 0xff;
  buf[offset + 2] = (value >>> 8) & 0xff;
  buf[offset + 3] = value & 0xff;
}

export function rtpSequenceNumber(buf: Uint8Array): number {
  return (buf[2] << 8) | buf[3];
}

export function rtpSsrc(buf: Uint8Array): number {
  return readUint32(buf, 8);
}

/**
 * Length of the RTP header including CSRCs (RFC 3550 §5.1) and the header extension
 * (RFC 3550 §5.3.1, RFC 8285), or -1 when the packet is not a well-formed RTP header of at most
 * `length` bytes. SRTP encrypts everything after this (RFC 3711 §3.1).
 */
export function rtpHeaderLength(buf: Uint8Array, length: number): number {
  if (length < RTP_FIXED_HEADER_LENGTH || buf[0] >>> 6 !== RTP_VERSION) return -1;
  let headerLength = RTP_FIXED_HEADER_LENGTH + (buf[0] & 0x0f) * 4;
  if ((buf[0] & 0x10) !== 0) {
    if (headerLength + 4 > length) return -1;
    headerLength += 4 + ((buf[headerLength + 2] << 8) | buf[headerLength + 3]) * 4;
  }
  return headerLength <= length ? headerLength : -1;
}
