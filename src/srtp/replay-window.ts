/**
 * Sliding replay window over packet indexes (RFC 3711 §3.3.2). Bit k of the mask stands for
 * index `highest - k`.
 *
 * Check -> authenticate -> accept, in the types (as pion/transport's replay detector returns
 * its accept step): `check` never changes state and returns a verdict; only an accepted
 * verdict (`AcceptedIndex`) can be passed to `accept`, which the transforms call after the
 * packet's tag verified, so a forged packet moves nothing. Verdicts are branded numbers, not
 * objects: checking a packet allocates nothing.
 */
import { SrtpStatus } from './srtp-status';

declare const acceptedBrand: unique symbol;
declare const rejectedBrand: unique symbol;
/** A packet index that `check` found new (>= 0); the only thing `accept` and ROC commits take. */
export type AcceptedIndex = number & { readonly [acceptedBrand]: true };
/** A refused index: the negated SrtpStatus (Replayed or TooOld). */
export type ReplayRejection = number & { readonly [rejectedBrand]: true };
export type ReplayVerdict = AcceptedIndex | ReplayRejection;

export function isAccepted(verdict: ReplayVerdict): verdict is AcceptedIndex {
  return verdict >= 0;
}

/** The status a rejected verdict stands for. */
export function rejectionStatus(verdict: ReplayRejection): SrtpStatus {
  return -verdict as SrtpStatus;
}

const REPLAYED = -SrtpStatus.Replayed as ReplayRejection;
const TOO_OLD = -SrtpStatus.TooOld as ReplayRejection;

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

  /** Whether `index` (>= 0) is new: accepted, or rejected as replayed or behind the window. */
  check(index: number): ReplayVerdict {
    if (index > this.highestIndex) return index as AcceptedIndex;
    const delta = this.highestIndex - index;
    if (delta >= this.size) return TOO_OLD;
    return (this.mask[delta >>> 5] & (1 << (delta & 31))) !== 0 ? REPLAYED : index as AcceptedIndex;
  }

  /** Mark an accepted index seen; call only once its packet authenticated (or was protected). */
  accept(index: AcceptedIndex): void {
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

  /**
   * Resume a stream another node handled (HA takeover): every index up to `index` counts as
   * seen, so nothing at or below it is accepted again (RFC 3711 §3.3.2, §9.1). Only raises.
   */
  startAbove(index: number): void {
    if (index <= this.highestIndex) return;
    this.highestIndex = index;
    this.mask.fill(0xffffffff);
    const extra = this.mask.length * 32 - this.size;
    if (extra > 0) this.mask[this.mask.length - 1] &= 0xffffffff >>> extra;
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
