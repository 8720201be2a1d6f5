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
