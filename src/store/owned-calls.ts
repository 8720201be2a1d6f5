/**
 * The calls this node owns, as the state store sees them (docs/ha.md "What is stored"): after
 * every completed operation the call's record (snapshot + sealed keys, call-record.ts) is
 * written, one write at a time per call, the newest text winning; the index table this node
 * persisted for each call is kept so it can be written again after an outage; the records' TTL is
 * refreshed while the node lives; a call that ends is deleted from the store.
 */
import type { Logger } from 'pino';
import type { CallController, CallSession } from '../control';
import { recordOf } from './call-record';
import type { HaTotals } from './ha-types';
import type { StateStore } from './state-store';

export interface OwnedCallsOptions {
  readonly controller: CallController;
  readonly store: StateStore;
  readonly nodeId: string;
  readonly logger: Logger;
  readonly totals: HaTotals;
  /** The store is unreachable: nothing is written until it is back. */
  readonly degraded: () => boolean;
}

export class OwnedCalls {
  private readonly owned = new Set<string>();
  /** Per owned call: what this node persisted of its index table (written again after an outage). */
  readonly indexes = new Map<string, Map<string, number>>();
  /** Calls with reservations granted from memory (never written yet): their table goes first. */
  readonly localGrants = new Set<string>();
  /** Calls whose record reached the store at least once (a standby may hold them). */
  private readonly published = new Set<string>();
  /** Latest record text per owned call not yet written, and calls being written. */
  private readonly unwritten = new Map<string, string>();
  private readonly writing = new Set<string>();

  constructor(private readonly o: OwnedCallsOptions) {}

  has(callId: string): boolean {
    return this.owned.has(callId);
  }

  add(callId: string): void {
    this.owned.add(callId);
  }

  ids(): string[] {
    return [...this.owned];
  }

  isPublished(callId: string): boolean {
    return this.published.has(callId);
  }

  /** The call's index table (created empty). */
  table(callId: string): Map<string, number> {
    const table = this.indexes.get(callId) ?? new Map<string, number>();
    this.indexes.set(callId, table);
    return table;
  }

  /** A call taken over from another node: ours now, its record already in the store, its table as stored. */
  adopt(callId: string, table: Map<string, number> | null): void {
    this.owned.add(callId);
    this.indexes.set(callId, new Map(table ?? []));
    this.published.add(callId);
  }

  /** An operation completed on an owned call: write its record. */
  committed(session: CallSession): void {
    this.owned.add(session.id);
    this.unwritten.set(session.id, JSON.stringify(recordOf(session, this.o.controller.keys, this.o.nodeId)));
    void this.flush(session.id);
  }

  /** Write the latest record of a call; one write at a time per call, the newest wins. */
  private async flush(callId: string): Promise<void> {
    if (this.writing.has(callId) || this.o.degraded()) return;
    this.writing.add(callId);
    try {
      for (let text = this.unwritten.get(callId); text !== undefined; text = this.unwritten.get(callId)) {
        this.unwritten.delete(callId);
        try {
          // A record must never reach a standby without the reservations already in use.
          const table = this.indexes.get(callId);
          if (this.localGrants.has(callId) && table !== undefined) {
            await this.o.store.putIndexes(callId, [...table]);
            this.localGrants.delete(callId);
          }
          await this.o.store.putCall(callId, text);
          this.published.add(callId);
        } catch (err) {
          if (!this.unwritten.has(callId)) this.unwritten.set(callId, text);
          this.o.totals.storeWriteFailures += 1;
          this.o.logger.warn({ callId, err }, 'call record not written to the store (kept in memory; written when it is back)');
          return;
        }
        if (!this.owned.has(callId)) {
          await this.o.store.deleteCall(callId).catch(() => undefined);
          return;
        }
      }
    } finally {
      this.writing.delete(callId);
    }
  }

  /**
   * An owned call ended: forget it, and delete its keys from the store unless the node is
   * shutting down (a shutdown leaves the record for a standby to take over, or for its TTL to end
   * it). Returns whether the call was owned.
   */
  closed(callId: string, deleteFromStore: boolean): boolean {
    const owned = this.owned.delete(callId);
    this.unwritten.delete(callId);
    this.indexes.delete(callId);
    this.published.delete(callId);
    this.localGrants.delete(callId);
    if (owned && deleteFromStore) {
      this.o.store.deleteCall(callId).catch((err: unknown) => {
        this.o.logger.warn({ callId, err }, 'call keys not deleted from the store (they expire with their TTL)');
      });
    }
    return owned;
  }

  async refreshTtl(): Promise<void> {
    if (this.o.degraded() || this.owned.size === 0) return;
    await this.o.store.touch([...this.owned].filter((id) => this.published.has(id))).catch(() => undefined);
  }

  /** The store is back: index tables first (a record must never reach a standby without its reservations), then every record. */
  async writeAgain(): Promise<void> {
    for (const [callId, table] of this.indexes) {
      if (!this.owned.has(callId)) continue;
      await this.o.store.putIndexes(callId, [...table]).then(() => this.localGrants.delete(callId), () => undefined);
    }
    for (const callId of this.owned) void this.o.controller.snapshot(callId).catch(() => undefined);
  }
}
