/** Build RTP and RTCP packets for tests (RFC 3550 §5.1, §6.4.1; RFC 8285 extensions). */
export interface RtpPacketSpec {
  seq: number;
  ssrc: number;
  timestamp?: number;
  payloadType?: number;
  marker?: boolean;
  csrcs?: number[];
  /** Extension profile (0xBEDE one-byte) and body (multiple of 4 bytes). */
  extension?: { profile: number; body: Uint8Array };
  payload?: Uint8Array;
  /** Padding bytes to append (last byte holds the count). */
  padding?: number;
}

export function buildRtp(p: RtpPacketSpec): Buffer {
  const csrcs = p.csrcs ?? [];
  const ext = p.extension;
  const payload = p.payload ?? Buffer.alloc(160, 0xab);
  const pad = p.padding ?? 0;
  const len = 12 + csrcs.length * 4 + (ext ? 4 + ext.body.length : 0) + payload.length + pad;
  const b = Buffer.alloc(len);
  b[0] = 0x80 | (pad > 0 ? 0x20 : 0) | (ext ? 0x10 : 0) | csrcs.length;
  b[1] = (p.marker ? 0x80 : 0) | (p.payloadType ?? 0);
  b.writeUInt16BE(p.seq & 0xffff, 2);
  b.writeUInt32BE((p.timestamp ?? p.seq * 160) >>> 0, 4);
  b.writeUInt32BE(p.ssrc >>> 0, 8);
  let o = 12;
  for (const c of csrcs) { b.writeUInt32BE(c >>> 0, o); o += 4; }
  if (ext) {
    b.writeUInt16BE(ext.profile, o);
    b.writeUInt16BE(ext.body.length / 4, o + 2);
    Buffer.from(ext.body).copy(b, o + 4);
    o += 4 + ext.body.length;
  }
  Buffer.from(payload).copy(b, o);
  o += payload.length;
  if (pad > 0) b[len - 1] = pad;
  return b;
}

/** A sender report with `reports` report blocks. */
export function buildRtcpSr(ssrc: number, reports = 0): Buffer {
  const len = 28 + reports * 24;
  const b = Buffer.alloc(len, 0x5a);
  b[0] = 0x80 | reports;
  b[1] = 200;
  b.writeUInt16BE(len / 4 - 1, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  return b;
}
