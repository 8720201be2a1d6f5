/**
 * HA takeover support in the engine (docs/ha.md): `peekProtectIndex` predicts the index protect
 * will use without changing anything, and `resumeAbove` continues a stream strictly above an
 * index — outbound never protects at or below it (RFC 3711 §9.1, RFC 7714 §8), inbound accepts
 * nothing at or below it and takes the ROC from it, across a rollover (RFC 3711 §3.3.1).
 */
import { randomBytes } from 'node:crypto';
import { SrtpContext, SrtpErrorCode, SrtpStatus } from '../../../src/srtp';
import { buildRtcpSr, buildRtp } from '../../helpers/rtp-packet';

for (const profile of ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM']) {
  describe(profile, () => {
    const keys = profile.startsWith('AEAD') ? { key: randomBytes(16), salt: randomBytes(12) } : { key: randomBytes(16), salt: randomBytes(14) };
    const make = (): SrtpContext => new SrtpContext({ profile, keys });
    const ssrc = 0x01020304;

    it('peekProtectIndex predicts the index and changes nothing', () => {
      const tx = make();
      expect(tx.peekProtectIndex(ssrc, 7, false)).toBe(7);
      expect(tx.protectRtp(buildRtp({ seq: 65535, ssrc, payload: randomBytes(20) }))).toBe(SrtpStatus.Ok);
      expect(tx.peekProtectIndex(ssrc, 2, false)).toBe(0x10000 + 2);
      expect(tx.peekProtectIndex(ssrc, 2, false)).toBe(0x10000 + 2);
      expect(tx.peekProtectIndex(ssrc, 0, true)).toBe(1);
      expect(tx.protectRtcp(buildRtcpSr(ssrc, 0))).toBe(SrtpStatus.Ok);
      expect(tx.peekProtectIndex(ssrc, 0, true)).toBe(2);
    });

    it('outbound: never protects at or below the floor; continues with the right ROC above it', () => {
      const floor = 3 * 0x10000 + 0xfff0;
      const tx = make();
      tx.resumeAbove(ssrc, floor, 'outbound', false);
      expect(tx.protectRtp(buildRtp({ seq: 0xfff0, ssrc, payload: randomBytes(20) }))).not.toBe(SrtpStatus.Ok);
      expect(tx.protectRtp(buildRtp({ seq: 0xff00, ssrc, payload: randomBytes(20) }))).not.toBe(SrtpStatus.Ok);
      expect(tx.peekProtectIndex(ssrc, 0x0005, false)).toBe(4 * 0x10000 + 5);
      const pkt = buildRtp({ seq: 0x0005, ssrc, payload: randomBytes(20) });
      expect(tx.protectRtp(pkt)).toBe(SrtpStatus.Ok);
      const prot = Buffer.from(tx.output.subarray(0, tx.outputLength));
      // A receiver that knows ROC 4 authenticates it: the index really was 4·2^16 + 5.
      const rx = make();
      rx.setRoc(ssrc, 4, 'inbound');
      expect(rx.unprotectRtp(prot)).toBe(SrtpStatus.Ok);
      // SRTCP: the sender index continues above the floor.
      tx.resumeAbove(ssrc, 1000, 'outbound', true);
      expect(tx.peekProtectIndex(ssrc, 0, true)).toBe(1001);
    });

    it('inbound: refuses old indexes, accepts the next ones with the ROC of the floor; only raises', () => {
      const tx = make();
      const sent: Buffer[] = [];
      for (let seq = 0xfffa; seq <= 0xffff + 6; seq++) {
        const s = seq & 0xffff;
        expect(tx.protectRtp(buildRtp({ seq: s, ssrc, payload: randomBytes(10) }))).toBe(SrtpStatus.Ok);
        sent.push(Buffer.from(tx.output.subarray(0, tx.outputLength)));
      }
      const rx = make();
      rx.resumeAbove(ssrc, 0xfffd, 'inbound', false);
      rx.resumeAbove(ssrc, 0x10, 'inbound', false); // lower: ignored
      expect(rx.unprotectRtp(sent[0])).toBe(SrtpStatus.Replayed); // 0xfffa
      expect(rx.unprotectRtp(sent[3])).toBe(SrtpStatus.Replayed); // 0xfffd
      expect(rx.unprotectRtp(sent[4])).toBe(SrtpStatus.Ok); // 0xfffe
      expect(rx.unprotectRtp(sent[8])).toBe(SrtpStatus.Ok); // 0x1_0002: the ROC moved to 1
      expect(rx.getRoc(ssrc)).toBe(1);
      expect(() => rx.resumeAbove(ssrc, -1, 'inbound', false)).toThrow(expect.objectContaining({ code: SrtpErrorCode.BadOption }));
    });
  });
}
