/**
 * A standby's foreign calls (docs/ha.md "Standby and takeover"): every call another node owns is
 * kept restored (same ports, keys, plan) and restored again when its record changes; index floors
 * follow the store; a deleted or expired record closes it. A foreign call is taken over when media
 * or signalling for it arrives, when its worker asks for a reservation, or on request
 * (POST /v1/cluster/activate): its streams continue above the stored reservations.
 */
import type { Logger } from 'pino';
import type { CallController, CallSession } from '../control';
import { parseRecord, restoreRecord } from './call-record';
import type { HaTotals, TakeoverCause } from './ha-types';
import { floorsByLeg } from './index-fields';
import type { OwnedCalls } from './owned-calls';
import type { StateStore, StoreChange } from './state-store';

export interface ForeignCallsOptions {
  readonly controller: CallController;
  readonly store: StateStore;
  readonly owned: OwnedCalls;
  readonly nodeId: string;
  readonly logger: Logger;
  readonly totals: HaTotals;
}

interface Foreign {
  session: CallSession | null;
  /** Restores run one at a time per call; a change during one runs another after it. */
  running: Promise<void> | null;
  again: boolean;
  packetsIn: number;
}

export class ForeignCalls {
  private readonly foreign = new Map<string, Foreign>();
  /** Takeovers in progress: a reservation for such a call waits for it. */
  private readonly taking = new Map<string, Promise<boolean>>();

  constructor(private readonly o: ForeignCallsOptions) {}

  get size(): number {
    return this.foreign.size;
  }

  has(callId: string): boolean {
    return this.foreign.has(callId);
  }

  ids(): string[] {
    return [...this.foreign.keys()];
  }

  /** Foreign or being taken over: a reservation for it waits for the takeover. */
  pending(callId: string): boolean {
    return this.foreign.has(callId) || this.taking.has(callId);
  }

  /**
   * The call's session closed. Returns true when the call was foreign: closed by a re-restore
   * (which keeps the entry) or for good (the entry goes).
   */
  closed(callId: string): boolean {
    const f = this.foreign.get(callId);
    if (f === undefined) return false;
    if (f.running === null) this.foreign.delete(callId);
    return true;
  }

  /** Restore every call in the store this node does not own. */
  async load(): Promise<void> {
    let ids: string[];
    try {
      ids = await this.o.store.listCalls();
    } catch {
      return;
    }
    for (const id of ids) if (!this.o.owned.has(id)) this.refresh(id);
  }

  /** A keyspace change in the store (`standby`: new calls are followed; otherwise only those held). */
  changed(ch: StoreChange, standby: boolean): void {
    if (this.o.owned.has(ch.callId)) return;
    if (ch.part === 'call' && ch.kind === 'gone') {
      if (this.foreign.has(ch.callId)) void this.drop(ch.callId);
      return;
    }
    if (!standby && !this.foreign.has(ch.callId)) return;
    if (ch.part === 'call') this.refresh(ch.callId);
    else void this.applyFloors(ch.callId);
  }

  /** (Re)restore a foreign call from its current record; serialized per call. */
  private refresh(callId: string): void {
    let f = this.foreign.get(callId);
    if (f === undefined) {
      f = { session: null, running: null, again: false, packetsIn: 0 };
      this.foreign.set(callId, f);
    }
    if (f.running !== null) {
      f.again = true;
      return;
    }
    const entry = f;
    entry.running = (async () => {
      do {
        entry.again = false;
        await this.restore(callId, entry);
      } while (entry.again && this.foreign.get(callId) === entry);
      entry.running = null;
    })();
  }

  private async restore(callId: string, f: Foreign): Promise<void> {
    const { controller, store, logger, totals } = this.o;
    let text: string | null;
    try {
      text = await store.getCall(callId);
    } catch {
      return;
    }
    if (this.foreign.get(callId) !== f) return;
    if (text === null) {
      await this.drop(callId);
      return;
    }
    let record;
    try {
      record = parseRecord(text);
    } catch (err) {
      totals.restoreFailures += 1;
      logger.error({ callId, err }, 'unreadable call record in the store');
      return;
    }
    if (record.owner === this.o.nodeId) return;
    const old = controller.findSession(callId);
    if (old !== undefined) {
      await old.close('deleted');
      // The restore claims the same ports: wait until the media worker has released them (a
      // session's close does not wait for the worker, call-session.ts).
      await old.relayCall.close();
    }
    try {
      f.session = await restoreRecord(controller, record);
    } catch (err) {
      f.session = null;
      totals.restoreFailures += 1;
      logger.error({ callId, err }, 'foreign call not restored');
      return;
    }
    f.packetsIn = packetsIn(f.session);
    await this.applyFloors(callId);
    logger.debug({ callId, owner: record.owner }, 'foreign call restored');
  }

  /** The store's index table onto a foreign (or just taken over) call's relay legs. */
  private async applyFloors(callId: string): Promise<Map<string, number> | null> {
    const session = this.o.controller.findSession(callId);
    if (session === undefined) return null;
    let table: Map<string, number>;
    try {
      table = await this.o.store.getIndexes(callId);
    } catch {
      return null;
    }
    for (const [legId, floors] of floorsByLeg(table)) {
      const leg = session.relayCall.leg(legId);
      if (leg === undefined || leg.keying === null) continue;
      await session.relayCall.indexState(legId, [], floors).catch(() => undefined);
    }
    return table;
  }

  private async drop(callId: string): Promise<void> {
    if (!this.foreign.has(callId)) return;
    this.foreign.delete(callId);
    await this.o.controller.findSession(callId)?.close('deleted');
  }

  /** Media reached a foreign call: the other node is gone (the floating address moved here). */
  watchMedia(): void {
    for (const [callId, f] of this.foreign) {
      if (f.session === null || f.running !== null) continue;
      if (packetsIn(f.session) > f.packetsIn) void this.takeOver(callId, 'media');
    }
  }

  /**
   * Make a foreign call ours: its latest index floors applied first (streams continue above the
   * old node's reservations; no grant reaches the worker before them), then its record written
   * with this node as owner. Concurrent triggers share one takeover.
   */
  takeOver(callId: string, why: TakeoverCause): Promise<boolean> {
    const inFlight = this.taking.get(callId);
    if (inFlight !== undefined) return inFlight;
    if (!this.foreign.has(callId)) return Promise.resolve(false);
    const run = this.doTakeOver(callId, why).finally(() => this.taking.delete(callId));
    this.taking.set(callId, run);
    return run;
  }

  private async doTakeOver(callId: string, why: TakeoverCause): Promise<boolean> {
    const f = this.foreign.get(callId);
    if (f === undefined) return false;
    if (f.running !== null) await f.running;
    if (this.foreign.get(callId) !== f || f.session === null) return false;
    const table = await this.applyFloors(callId);
    if (this.foreign.get(callId) !== f) return false;
    this.foreign.delete(callId);
    this.o.owned.adopt(callId, table);
    this.o.totals.takeovers += 1;
    this.o.logger.warn({ callId, why }, 'took over call');
    await this.o.controller.snapshot(callId).catch(() => undefined);
    return true;
  }
}

function packetsIn(session: CallSession): number {
  let n = 0;
  for (const leg of session.relayCall.stats().legs) n += leg.counters.packetsIn;
  return n;
}
