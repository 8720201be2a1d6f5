/**
 * Packet index estimation for SRTP receivers and senders (RFC 3711 §3.3.1 and Appendix A).
 *
 * The state is the ROC and the highest sequence number s_l, both committed only after the
 * packet authenticated. While the stream's highest index is still below 2^15 a guess of ROC-1
 * is impossible (it would be negative), so the guess is ROC 0, as libsrtp does; this keeps
 * a stream that starts high in the sequence space from rejecting its own first packets.
 */
import type { AcceptedIndex } from './replay-window';

const SEQ_MOD = 0x10000;
const SEQ_HALF = 0x8000;
const MAX_ROC = 0xffffffff;

export class RolloverState {
  roc: number;
  /** Highest sequence number seen (s_l); meaningful once `started`. */
  highestSeq = 0;
  started = false;

  constructor(roc: number) {
    this.roc = roc;
  }

  /**
   * Estimated 48-bit index of a packet with sequence number `seq` (RFC 3711 Appendix A), or -1
   * when the ROC would overflow 2^32 (the stream must be rekeyed long before).
   */
  estimate(seq: number): number {
    if (!this.started) return this.roc * SEQ_MOD + seq;
    const roc = this.roc;
    const sl = this.highestSeq;
    let v = roc;
    if (roc * SEQ_MOD + sl > SEQ_HALF) {
      if (sl < SEQ_HALF) {
        if (seq - sl > SEQ_HALF) v = roc - 1;
      } else if (sl - SEQ_HALF > seq) {
        v = roc + 1;
      }
    }
    if (v > MAX_ROC) return -1;
    return v * SEQ_MOD + seq;
  }

  /**
   * Commit an authenticated packet's index: advance ROC/s_l only forwards (Appendix A). Takes
   * the replay window's verdict, so an index is committed only after it was checked.
   */
  commit(index: AcceptedIndex): void {
    const roc = Math.floor(index / SEQ_MOD);
    const seq = index - roc * SEQ_MOD;
    if (!this.started) {
      this.roc = roc;
      this.highestSeq = seq;
      this.started = true;
      return;
    }
    if (index > this.roc * SEQ_MOD + this.highestSeq) {
      this.roc = roc;
      this.highestSeq = seq;
    }
  }

  /**
   * Continue from a known index (HA takeover, RFC 3711 §3.3.1): ROC and s_l as if the packet
   * with that index had been the last one, so the next estimate picks the right ROC even
   * across a rollover. Only moves forwards.
   */
  resume(index: number): void {
    if (this.started && index <= this.roc * SEQ_MOD + this.highestSeq) return;
    this.roc = Math.floor(index / SEQ_MOD);
    this.highestSeq = index - this.roc * SEQ_MOD;
    this.started = true;
  }

  /** Late joiner / rekey (RFC 3711 §3.3.1): the ROC comes from signaling, s_l from the next packet. */
  set(roc: number): void {
    this.roc = roc;
    this.highestSeq = 0;
    this.started = false;
  }
}
