/**
 * SRTP/SRTCP index reservations of the owned calls (docs/ha.md "No index reuse"; RFC 3711 §9.1,
 * RFC 7714 §8): a media worker's request (`indexreserve`) is persisted in the store before it is
 * granted, so a standby that takes over continues above every index this node may have
 * protected; inbound checkpoints (`indexcheckpoint`) are persisted as they come. With the store
 * unreachable a reservation waits (within the half block of headroom) and is retried when it is
 * back; a call never written yet (no standby can hold it) is granted from memory.
 */
import type { Logger } from 'pino';
import type { CallController } from '../control';
import type { IndexCheckpointEvent, IndexReserveEvent } from '../relay';
import type { HaTotals } from './ha-types';
import { indexField } from './index-fields';
import type { OwnedCalls } from './owned-calls';
import type { StateStore } from './state-store';

export interface IndexReservationsOptions {
  readonly controller: CallController;
  readonly store: StateStore;
  readonly owned: OwnedCalls;
  readonly logger: Logger;
  readonly totals: HaTotals;
  readonly degraded: () => boolean;
  /** Runs before a reservation for the call is considered: a foreign call is taken over first. */
  readonly beforeReserve: (callId: string) => Promise<void>;
}

export class IndexReservations {
  /** Reservations waiting for the store, by call and field. */
  private readonly waiting = new Map<string, IndexReserveEvent>();

  constructor(private readonly o: IndexReservationsOptions) {}

  get waitingCount(): number {
    return this.waiting.size;
  }

  async reserve(e: IndexReserveEvent): Promise<void> {
    await this.o.beforeReserve(e.callId);
    const { owned, store } = this.o;
    if (!owned.has(e.callId)) return;
    const field = indexField(e.legId, 'out', e.rtcp, e.ssrc);
    const table = owned.table(e.callId);
    const upTo = Math.max(e.upTo, table.get(field) ?? -1);
    const local = !owned.isPublished(e.callId);
    try {
      await store.putIndexes(e.callId, [[field, upTo]]);
    } catch (err) {
      // A call no standby can hold yet (never written) may go on from memory; its table is
      // written with its record when the store is back. Otherwise wait: never protect an
      // index the store does not know was reserved (docs/ha.md).
      if (!local) {
        this.waiting.set(`${e.callId} ${field}`, { ...e, upTo });
        this.o.logger.warn({ callId: e.callId, err }, 'SRTP index reservation waits for the store');
        return;
      }
      owned.localGrants.add(e.callId);
    }
    table.set(field, upTo);
    this.o.totals.reservations += 1;
    await this.o.controller.relay.getCall(e.callId)?.indexState(e.legId, [{ ssrc: e.ssrc, rtcp: e.rtcp, upTo }]).catch(() => undefined);
  }

  checkpoint(e: IndexCheckpointEvent): void {
    const { owned } = this.o;
    if (!owned.has(e.callId)) return;
    const field = indexField(e.legId, 'in', e.rtcp, e.ssrc);
    const table = owned.table(e.callId);
    table.set(field, Math.max(e.index, table.get(field) ?? -1));
    if (!this.o.degraded() && owned.isPublished(e.callId)) void this.o.store.putIndexes(e.callId, [[field, e.index]]).catch(() => undefined);
  }

  /** The store is back: every waiting reservation is tried again. */
  retryWaiting(): void {
    for (const [k, e] of [...this.waiting]) {
      this.waiting.delete(k);
      void this.reserve(e);
    }
  }

  /** The call ended: its waiting reservations go with it. */
  forget(callId: string): void {
    for (const [k, e] of this.waiting) if (e.callId === callId) this.waiting.delete(k);
  }
}
