/**
 * Seeded random RTP/RTCP packets for the interop tests. Everything derives from one 32-bit seed
 * so a failure reproduces with `INTEROP_SEED=<seed>`.
 */

import { Prng } from '../helpers/prng';

export { Prng };

export interface RtpShape {
  ssrc: number;
  seq: number;
  timestamp: number;
  payloadType: number;
  marker: boolean;
  csrcCount: number;
  /** none, RFC 8285 one-byte (0xBEDE), two-byte (0x100x) or an opaque RFC 3550 profile. */
  extension: 'none' | 'one-byte' | 'two-byte' | 'opaque';
  payloadLength: number;
  /** RTP padding octets (RFC 3550 §5.1), 0 for none; the last octet holds the count. */
  padding: number;
}

/** RFC 8285 elements, canonical (no padding between elements, zero padding at the end). */
function extensionBody(rng: Prng, kind: RtpShape['extension']): Buffer {
  const parts: Buffer[] = [];
  if (kind === 'one-byte') {
    const n = rng.int(1, 4);
    for (let i = 0; i < n; i++) {
      const len = rng.int(1, 16);
      parts.push(Buffer.from([(rng.int(1, 14) << 4) | (len - 1)]), rng.bytes(len));
    }
  } else if (kind === 'two-byte') {
    const n = rng.int(1, 3);
    for (let i = 0; i < n; i++) {
      const len = rng.pick([0, 1, 2, 5, 16, 40, rng.int(0, 255)]);
      parts.push(Buffer.from([rng.int(1, 255), len]), rng.bytes(len));
    }
  } else {
    return rng.bytes(4 * rng.int(0, 6));
  }
  const body = Buffer.concat(parts);
  const padded = Buffer.alloc(Math.ceil(body.length / 4) * 4);
  body.copy(padded);
  return padded;
}

export function randomRtpShape(rng: Prng, ssrc: number, seq: number, timestamp: number): RtpShape {
  const ext = rng.int(0, 9);
  return {
    ssrc,
    seq,
    timestamp,
    payloadType: rng.pick([0, 8, 9, 96, 97, 111, 127]),
    marker: rng.chance(0.1),
    csrcCount: rng.chance(0.7) ? 0 : rng.int(1, 15),
    extension: ext < 5 ? 'none' : ext < 7 ? 'one-byte' : ext < 9 ? 'two-byte' : 'opaque',
    payloadLength: rng.chance(0.05) ? 0 : rng.chance(0.5) ? rng.int(1, 200) : rng.int(0, 1400),
    padding: rng.chance(0.15) ? rng.int(1, 32) : 0,
  };
}

export function buildRtp(rng: Prng, s: RtpShape): Buffer {
  const csrcs = rng.bytes(4 * s.csrcCount);
  let ext = Buffer.alloc(0);
  if (s.extension !== 'none') {
    const body = extensionBody(rng, s.extension);
    const profile = s.extension === 'one-byte' ? 0xbede : s.extension === 'two-byte' ? 0x1000 : rng.int(0x2000, 0xbe00);
    ext = Buffer.alloc(4 + body.length);
    ext.writeUInt16BE(profile, 0);
    ext.writeUInt16BE(body.length / 4, 2);
    body.copy(ext, 4);
  }
  const header = Buffer.alloc(12);
  header[0] = 0x80 | (s.padding > 0 ? 0x20 : 0) | (s.extension !== 'none' ? 0x10 : 0) | s.csrcCount;
  header[1] = (s.marker ? 0x80 : 0) | s.payloadType;
  header.writeUInt16BE(s.seq & 0xffff, 2);
  header.writeUInt32BE(s.timestamp >>> 0, 4);
  header.writeUInt32BE(s.ssrc >>> 0, 8);
  const pad = Buffer.alloc(s.padding);
  if (s.padding > 0) {
    rng.bytes(s.padding - 1).copy(pad);
    pad[s.padding - 1] = s.padding;
  }
  return Buffer.concat([header, csrcs, ext, rng.bytes(s.payloadLength), pad]);
}

/** RTCP common header (RFC 3550 §6.4): V=2, P=0, count, PT, length in 32-bit words minus one. */
function rtcpHeader(count: number, pt: number, bodyLength: number): Buffer {
  const h = Buffer.alloc(4);
  h[0] = 0x80 | count;
  h[1] = pt;
  h.writeUInt16BE((4 + bodyLength) / 4 - 1, 2);
  return h;
}

function reportBlocks(rng: Prng, n: number): Buffer {
  return rng.bytes(24 * n);
}

export function buildSr(rng: Prng, ssrc: number): Buffer {
  const n = rng.int(0, 4);
  const body = Buffer.concat([Buffer.alloc(4), rng.bytes(20), reportBlocks(rng, n)]);
  body.writeUInt32BE(ssrc >>> 0, 0);
  return Buffer.concat([rtcpHeader(n, 200, body.length), body]);
}

export function buildRr(rng: Prng, ssrc: number): Buffer {
  const n = rng.int(0, 6);
  const body = Buffer.concat([Buffer.alloc(4), reportBlocks(rng, n)]);
  body.writeUInt32BE(ssrc >>> 0, 0);
  return Buffer.concat([rtcpHeader(n, 201, body.length), body]);
}

function buildSdes(rng: Prng, ssrc: number): Buffer {
  const cname = Buffer.from(`u${rng.int(0, 1e6)}@example.net`);
  const items = Buffer.concat([Buffer.from([1, cname.length]), cname, Buffer.from([0])]);
  const chunk = Buffer.alloc(4 + Math.ceil(items.length / 4) * 4);
  chunk.writeUInt32BE(ssrc >>> 0, 0);
  items.copy(chunk, 4);
  return Buffer.concat([rtcpHeader(1, 202, chunk.length), chunk]);
}

function buildBye(ssrc: number): Buffer {
  const body = Buffer.alloc(4);
  body.writeUInt32BE(ssrc >>> 0, 0);
  return Buffer.concat([rtcpHeader(1, 203, 4), body]);
}

/** SR, RR, or a compound (SR|RR + SDES [+ RR] [+ BYE]) as RFC 3550 §6.1 allows. */
export function buildRtcp(rng: Prng, ssrc: number): { kind: string; packet: Buffer } {
  const k = rng.int(0, 9);
  if (k < 3) return { kind: 'SR', packet: buildSr(rng, ssrc) };
  if (k < 5) return { kind: 'RR', packet: buildRr(rng, ssrc) };
  const parts = [rng.chance(0.5) ? buildSr(rng, ssrc) : buildRr(rng, ssrc), buildSdes(rng, ssrc)];
  if (rng.chance(0.3)) parts.push(buildRr(rng, ssrc));
  if (rng.chance(0.2)) parts.push(buildBye(ssrc));
  return { kind: 'compound', packet: Buffer.concat(parts) };
}

export function hex(b: Uint8Array | undefined): string {
  return b === undefined ? '(none)' : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
