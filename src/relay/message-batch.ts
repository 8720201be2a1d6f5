/**
 * Messages between the control thread and a media worker, gathered per turn of the event loop
 * and posted as one. Each postMessage costs a structured clone plus a wake-up of the other
 * thread (an eventfd write, then a context switch on a busy machine); a call set-up sends
 * several (addLeg per leg, connect, later closeCall), and under load many calls' messages fall
 * in the same turn: the ng or HTTP requests read in one poll phase all post before the check
 * phase runs. So messages wait in order until `setImmediate` and leave together; a lone message
 * leaves as it is. Order is kept within a batch and across batches, so a reply never overtakes
 * an event the worker emitted before it, nor the other way round.
 *
 * A lazy message (nobody waits for it on a critical path: a call's close, answered before the
 * worker confirms it) schedules no turn of its own: it leaves with the next message that does,
 * or after `lazyMs` when none comes, so a busy control plane wakes the other thread once per
 * call fewer.
 */
import type { TransferListItem } from 'node:worker_threads';

/** How long a lazy message may wait for company (a call's ports and worker-side keys live this much longer at most). */
export const LAZY_MESSAGE_MS = 5;

export class MessageBatch<T> {
  private items: T[] = [];
  private transfer: TransferListItem[] = [];
  private scheduled = false;
  private lazyTimer: NodeJS.Timeout | null = null;

  /** `post` sends one message (a lone item) or the batch of several, with every transferable. */
  constructor(
    private readonly post: (items: readonly T[], transfer: TransferListItem[]) => void,
    private readonly lazyMs = LAZY_MESSAGE_MS,
  ) {}

  push(item: T, transfer: readonly TransferListItem[] = [], lazy = false): void {
    this.items.push(item);
    for (const t of transfer) this.transfer.push(t);
    if (this.scheduled) return;
    if (!lazy) {
      this.scheduled = true;
      setImmediate(this.flush);
    } else if (this.lazyTimer === null) {
      this.lazyTimer = setTimeout(this.flush, this.lazyMs);
    }
  }

  /** Post what is waiting now (also run by the scheduled turn and the lazy timer). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.lazyTimer !== null) {
      clearTimeout(this.lazyTimer);
      this.lazyTimer = null;
    }
    if (this.items.length === 0) return;
    const items = this.items;
    const transfer = this.transfer;
    this.items = [];
    this.transfer = [];
    this.post(items, transfer);
  };

  /** Messages waiting for the next flush. */
  get waiting(): number {
    return this.items.length;
  }
}
