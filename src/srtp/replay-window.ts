/**
 * Sliding replay window over packet indexes (RFC 3711 §3.3.2). Bit k of the mask stands for
 * index `highest - k`. `check` never changes state; `commit` is called only after the packet's
 * tag verified (check -> authenticate -> commit), so a forged packet moves nothing.
 */
import { SrtpStatus } from './srtp-status';

export const DEFAULT_REPLAY_WINDOW = 128;
export const MIN_REPLAY_WINDOW = 64;
export const MAX_REPLAY_WINDOW = 32768;

export class ReplayWindow {
  readonly size: number;
  private readonly mask: Uint32Array;
  /** Highest index committed; -1 before the first packet. Indexes reach 2^48: never use bitwise ops on them. */
  private highestIndex = -1;

  constructor(size: number) {
    this.size = size;
    this.mask = new Uint32Array((size + 31) >>> 5);
  }

  get highest(): number {
    return this.highestIndex;
  }

  check(index: number): SrtpStatus {
    if (index > this.highestIndex) return SrtpStatus.Ok;
    const delta = this.highestIndex - index;
    if (delta >= this.size) return SrtpStatus.TooOld;
    return (this.mask[delta >>> 5] & (1 << (delta & 31))) !== 0 ? SrtpStatus.Replayed : SrtpStatus.Ok;
  }

  commit(index: number): void {
    if (index > this.highestIndex) {
      const shift = this.highestIndex < 0 ? this.size : index - this.highestIndex;
      this.shiftUp(shift);
      this.highestIndex = index;
      this.mask[0] |= 1;
      return;
    }
    const delta = this.highestIndex - index;
    if (delta < this.size) this.mask[delta >>> 5] |= 1 << (delta & 31);
  }

  /** Forget everything (new key, new stream). */
  reset(): void {
    this.mask.fill(0);
    this.highestIndex = -1;
  }

  /** Move every bit `shift` places towards older indexes; bits past the window fall off. */
  private shiftUp(shift: number): void {
    const mask = this.mask;
    const words = mask.length;
    if (shift >= this.size) {
      mask.fill(0);
      return;
    }
    const wordShift = shift >>> 5;
    const bitShift = shift & 31;
    for (let i = words - 1; i >= 0; i--) {
      const src = i - wordShift;
      let v = 0;
      if (src >= 0) {
        v = mask[src] << bitShift;
        if (bitShift !== 0 && src - 1 >= 0) v |= mask[src - 1] >>> (32 - bitShift);
      }
      mask[i] = v;
    }
    // Clear bits beyond `size` in the last word so they never read as "seen".
    const extra = words * 32 - this.size;
    if (extra > 0) mask[words - 1] &= 0xffffffff >>> extra;
  }
}
