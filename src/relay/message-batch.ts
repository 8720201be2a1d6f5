/**
 * Messages between the control thread and a media worker, gathered per turn of the event loop
 * and posted as one. Each postMessage costs a structured clone plus a wake-up of the other
 * thread (an eventfd write, then a context switch on a busy machine); a call set-up sends
 * several (addLeg per leg, connect, later closeCall), and under load many calls' messages fall
 * in the same turn: the ng or HTTP requests read in one poll phase all post before the check
 * phase runs. So messages wait in order until `setImmediate` and leave together; a lone message
 * leaves as it is. Order is kept within a batch and across batches, so a reply never overtakes
 * an event the worker emitted before it, nor the other way round.
 */
import type { TransferListItem } from 'node:worker_threads';

export class MessageBatch<T> {
  private items: T[] = [];
  private transfer: TransferListItem[] = [];
  private scheduled = false;

  /** `post` sends one message (a lone item) or the batch of several, with every transferable. */
  constructor(private readonly post: (items: readonly T[], transfer: TransferListItem[]) => void) {}

  push(item: T, transfer: readonly TransferListItem[] = []): void {
    this.items.push(item);
    for (const t of transfer) this.transfer.push(t);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Post what is waiting now (also run by the scheduled turn). */
  readonly flush = (): void => {
    this.scheduled = false;
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
