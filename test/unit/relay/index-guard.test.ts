/**
 * The media worker's SRTP index reservations (src/relay/index-guard.ts, docs/ha.md): nothing is
 * protected beyond a confirmed limit, the next block is asked for at half use (once), a
 * takeover shifts sequence numbers to just above the old limit, inbound checkpoints come every
 * half block.
 */
import { IndexGuard } from '../../../src/relay/index-guard';

function rtp(ssrc: number, seq: number): Buffer {
  const b = Buffer.alloc(20);
  b[0] = 0x80;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(ssrc, 8);
  return b;
}

/** A context that has protected nothing yet: index = ROC 0 and the sequence number, or a floor's ROC. */
const ctx = (roc = 0) => ({ peekProtectIndex: (_ssrc: number, seq: number) => roc * 0x10000 + seq });

describe('IndexGuard', () => {
  it('drops until a reservation is granted, asks once, and asks for the next block at half use', () => {
    const asks: [number, boolean, number][] = [];
    const g = new IndexGuard(100, (ssrc, rtcp, upTo) => asks.push([ssrc, rtcp, upTo]), () => undefined);
    expect(g.allowProtect(ctx(), rtp(7, 10), false)).toBe(false);
    expect(g.allowProtect(ctx(), rtp(7, 11), false)).toBe(false);
    expect(asks).toEqual([[7, false, 110]]);
    g.grant(7, false, 110);
    expect(g.allowProtect(ctx(), rtp(7, 12), false)).toBe(true);
    expect(asks.length).toBe(1);
    expect(g.allowProtect(ctx(), rtp(7, 61), false)).toBe(true); // past half: ask for the next block
    expect(asks[1]).toEqual([7, false, 210]);
    expect(g.allowProtect(ctx(), rtp(7, 110), false)).toBe(true);
    expect(g.allowProtect(ctx(), rtp(7, 111), false)).toBe(false); // not granted yet: never beyond the limit
    g.grant(7, false, 210);
    expect(g.allowProtect(ctx(), rtp(7, 111), false)).toBe(true);
  });

  it('after a takeover moves the sequence numbers to just above the old limit, once granted', () => {
    const asks: number[] = [];
    const g = new IndexGuard(100, (_s, _r, upTo) => asks.push(upTo), () => undefined);
    g.resumeOutbound(9, false, 0x1fff0); // the old node reserved up to ROC 1, seq 0xfff0
    const first = rtp(9, 500);
    expect(g.allowProtect(ctx(1), first, false)).toBe(false);
    expect(asks).toEqual([0x1fff0 + 100]);
    g.grant(9, false, 0x1fff0 + 100);
    const p = rtp(9, 501);
    expect(g.allowProtect(ctx(1), p, false)).toBe(true);
    expect(p.readUInt16BE(2)).toBe(0xfff1);
    const q = rtp(9, 520);
    expect(g.allowProtect(ctx(1), q, false)).toBe(true);
    expect(q.readUInt16BE(2)).toBe((0xfff1 + 19) & 0xffff);
  });

  it('reports inbound checkpoints every half block', () => {
    const marks: number[] = [];
    const g = new IndexGuard(100, () => undefined, (_s, _r, index) => marks.push(index));
    for (let i = 1000; i < 1200; i++) g.noteInbound(3, false, i);
    expect(marks).toEqual([1000, 1050, 1100, 1150]);
  });

  it('serves a bounded number of SSRCs: the seventeenth is never protected', () => {
    const g = new IndexGuard(100, () => undefined, () => undefined);
    for (let s = 1; s <= 16; s++) g.grant(s, false, 1000);
    expect(g.allowProtect(ctx(), rtp(16, 1), false)).toBe(true);
    expect(g.allowProtect(ctx(), rtp(17, 1), false)).toBe(false);
  });
});
