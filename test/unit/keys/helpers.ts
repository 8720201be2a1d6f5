/** Shared test helpers for the key manager tests (not a test file itself). */

/** A minimal RTP packet (RFC 3550 §5.1): V=2, PT 0, given SSRC/SEQ, a patterned payload. */
export function rtpPacket(ssrc: number, seq: number, payloadLength = 160, timestamp = seq * 160): Uint8Array {
  const p = new Uint8Array(12 + payloadLength);
  const v = new DataView(p.buffer);
  p[0] = 0x80;
  p[1] = 0;
  v.setUint16(2, seq & 0xffff);
  v.setUint32(4, timestamp >>> 0);
  v.setUint32(8, ssrc >>> 0);
  for (let i = 0; i < payloadLength; i++) p[12 + i] = (i * 7 + seq) & 0xff;
  return p;
}

/** A minimal RTCP sender report (RFC 3550 §6.4.1) with no report blocks. */
export function rtcpSenderReport(ssrc: number): Uint8Array {
  const p = new Uint8Array(28);
  const v = new DataView(p.buffer);
  p[0] = 0x80;
  p[1] = 200;
  v.setUint16(2, 6);
  v.setUint32(4, ssrc >>> 0);
  for (let i = 8; i < 28; i++) p[i] = i;
  return p;
}

/** Seeded PRNG (mulberry32) so fuzz runs are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
