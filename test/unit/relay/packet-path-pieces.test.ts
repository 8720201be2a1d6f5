import { randomBytes } from 'node:crypto';
import { packLegSrtp, unpackContextOptions, wipeKeyBytes } from '../../../src/relay/key-transfer';
import { judgeSource, SourceVerdict } from '../../../src/relay/latching';
import { isRtcpPacket } from '../../../src/relay/packet-kind';

describe('isRtcpPacket (RFC 5761 §4)', () => {
  it.each([[200, true], [201, true], [205, true], [206, true], [192, true], [223, true], [0, false], [8, false], [96, false], [96 | 0x80, false], [127, false]])(
    'second octet %i -> rtcp %s',
    (octet, rtcp) => {
      const p = Buffer.from([0x80, octet, 0, 0]);
      expect(isRtcpPacket(p, p.length)).toBe(rtcp);
    },
  );

  // The demux table: the second octet is the RTCP packet type, or the RTP marker bit and payload
  // type. RTCP types 192-223 are payload types 64-95 once the marker bit is cleared, the range
  // RTP must not use on a muxed port (RFC 5761 §4). Written as two ranges of the whole octet,
  // independently of the implementation's mask.
  const expected = (octet: number): boolean => (octet >= 64 && octet <= 95) || (octet >= 192 && octet <= 223);

  it('classifies every second-octet value 0..255 as the demux table says, whatever the first octet', () => {
    const rtcp: number[] = [];
    for (const first of [0x80, 0x81, 0x90, 0xa0, 0xbf]) {
      for (let octet = 0; octet <= 255; octet += 1) {
        const p = Buffer.from([first, octet, 0, 1, 0, 0, 0, 0]);
        expect([first, octet, isRtcpPacket(p, p.length)]).toEqual([first, octet, expected(octet)]);
        if (first === 0x80 && isRtcpPacket(p, p.length)) rtcp.push(octet);
      }
    }
    expect(rtcp).toHaveLength(64);
    // SR, RR, SDES, BYE, APP, RTPFB, PSFB, XR (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611) are all RTCP;
    // the dynamic RTP payload types 96-127 (with or without marker) and static PCMU/PCMA are RTP.
    for (const pt of [200, 201, 202, 203, 204, 205, 206, 207]) expect(rtcp).toContain(pt);
    for (const pt of [0, 8, 96, 111, 127, 0x80, 0x80 | 8, 0x80 | 96, 0x80 | 127]) expect(rtcp).not.toContain(pt);
  });

  it('never calls a packet shorter than two octets RTCP', () => {
    expect(isRtcpPacket(Buffer.alloc(0), 0)).toBe(false);
    expect(isRtcpPacket(Buffer.from([0x80]), 1)).toBe(false);
    // The length argument, not the buffer size, bounds what is read (a reused receive buffer).
    expect(isRtcpPacket(Buffer.from([0x80, 200]), 1)).toBe(false);
  });
});

describe('judgeSource', () => {
  it('implements the latching policies', () => {
    expect(judgeSource('authenticated', true, false)).toBe(SourceVerdict.Known);
    expect(judgeSource('authenticated', false, false)).toBe(SourceVerdict.Candidate);
    expect(judgeSource('first', false, false)).toBe(SourceVerdict.Candidate);
    expect(judgeSource('first', false, true)).toBe(SourceVerdict.Reject);
    expect(judgeSource('strict', false, false)).toBe(SourceVerdict.Reject);
    expect(judgeSource('off', false, false)).toBe(SourceVerdict.Foreign);
  });
});

describe('key transfer', () => {
  it('round-trips options through one buffer and wipes it', () => {
    const inbound = { profile: 'AES_CM_128_HMAC_SHA1_80', keys: [{ key: randomBytes(16), salt: randomBytes(14), mki: Uint8Array.of(1) }, { key: randomBytes(16), salt: randomBytes(14), mki: Uint8Array.of(2), lifetime: 1000 }], srtcpTagLength: 4 };
    const outbound = { profile: 'AEAD_AES_256_GCM', keys: { key: randomBytes(32), salt: randomBytes(12) }, replayWindow: 256 };
    const wire = packLegSrtp({ inbound, outbound });
    expect(JSON.stringify({ a: wire.inbound, b: wire.outbound })).not.toContain(Buffer.from(outbound.keys.key).toString('hex').slice(0, 8));
    const back = unpackContextOptions(wire.inbound, wire.keyBytes);
    expect(back).toEqual({ ...inbound, keys: inbound.keys.map((k) => ({ ...k, key: new Uint8Array(k.key), salt: new Uint8Array(k.salt) })) });
    const out = unpackContextOptions(wire.outbound, wire.keyBytes);
    expect(Buffer.from((out.keys as { key: Uint8Array }).key)).toEqual(Buffer.from(outbound.keys.key));
    expect(out.replayWindow).toBe(256);
    wipeKeyBytes(wire.keyBytes);
    expect(new Uint8Array(wire.keyBytes).every((b) => b === 0)).toBe(true);
  });
});
