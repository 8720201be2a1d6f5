/**
 * The packet path never throws: random and mutated packets into every operation of every
 * profile return a status, and a rejected packet leaves the context able to take the genuine
 * stream afterwards. Seeded, bounded.
 */
import { PROTECTION_PROFILES, SrtpContext, SrtpStatus } from '../../../src/srtp';
import { buildRtcpSr, buildRtp } from '../../helpers/rtp-packet';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(PROTECTION_PROFILES.map((p) => [p.name, p] as const))('fuzz %s', (_n, p) => {
  it('returns a status for every random or mutated packet, and state stays sound', () => {
    const rand = prng(0xc0ffee ^ p.dtlsId ^ p.masterKeyLength);
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
    const keys = [{ key: bytes(p.masterKeyLength), salt: bytes(p.masterSaltLength), mki: Uint8Array.of(1, 2) }];
    const tx = new SrtpContext({ profile: p.name, keys, allowNull: true });
    const rx = new SrtpContext({ profile: p.name, keys, allowNull: true });
    const out = new Uint8Array(2048);
    const genuine: Uint8Array[] = [];
    for (let seq = 0; seq < 50; seq++) {
      expect(tx.protectRtp(buildRtp({ seq, ssrc: 99 }))).toBe(SrtpStatus.Ok);
      genuine.push(Uint8Array.from(tx.output.subarray(0, tx.outputLength)));
    }
    for (let i = 0; i < 1500; i++) {
      let pkt: Uint8Array;
      const kind = rand();
      if (kind < 0.3) pkt = bytes(Math.floor(rand() * 80));
      else if (kind < 0.6) {
        pkt = Uint8Array.from(genuine[Math.floor(rand() * genuine.length)]);
        // One guaranteed change (a nonzero XOR), so no "mutation" is the genuine packet again.
        pkt[Math.floor(rand() * pkt.length)] ^= 1 + Math.floor(rand() * 255);
        if (rand() < 0.3) pkt = pkt.subarray(0, Math.floor(rand() * pkt.length));
      } else {
        pkt = bytes(12 + Math.floor(rand() * 200));
        pkt[0] = 0x80 | Math.floor(rand() * 32);
      }
      const len = Math.floor(rand() * (pkt.length + 1));
      for (const st of [
        rx.unprotectRtp(pkt, out, len), rx.verifyRtp(pkt, len), rx.unprotectRtcp(pkt, out, len), rx.verifyRtcp(pkt, len),
        tx.protectRtcp(pkt, out, len),
      ]) {
        expect(typeof st).toBe('number');
      }
      const st = tx.protectRtp(pkt, out, len);
      expect(typeof st).toBe('number');
    }
    // Forgeries moved nothing: the genuine stream still decrypts in order.
    for (const g of genuine) expect(rx.unprotectRtp(g)).toBe(SrtpStatus.Ok);
    expect(rx.unprotectRtp(buildRtcpSr(1))).not.toBe(SrtpStatus.Ok);
  });
});
