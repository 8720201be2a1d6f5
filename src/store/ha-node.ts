/**
 * This node's part in HA (docs/ha.md), between call control and the state store:
 *
 * - owned calls: after every completed operation (CallController.onCommitted) and latch, the
 *   call's record (snapshot + sealed keys, call-record.ts) is written; a call that ends is
 *   deleted from the store; the keys' TTL is refreshed while the node lives;
 * - SRTP index reservations: a media worker's request (`indexreserve`) is persisted before it
 *   is granted, inbound checkpoints are persisted as they come (index-guard.ts);
 * - standby: every call another node owns is kept restored ("foreign": same ports, keys, plan)
 *   and re-restored when its record changes; index floors follow the store. A foreign call is
 *   taken over when media or signalling for it arrives, when its worker asks for a reservation, or on
 *   `activate` (POST /v1/cluster/activate): its streams continue above the stored reservations;
 * - the store unreachable: calls go on from memory with a loud warning and a metric; pending
 *   reservations wait (within the half block of headroom, docs/ha.md); back up, every owned call
 *   is written again.
 */
import type { Logger } from 'pino';
import type { CallController, CallSession } from '../control';
import type { IndexCheckpointEvent, IndexReserveEvent } from '../relay';
import { parseRecord, recordOf, restoreRecord } from './call-record';
import { floorsByLeg, indexField } from './index-fields';
import type { StateStore, StoreChange, StoreStatus } from './state-store';

export type NodeRole = 'active' | 'standby';

/** What made a standby take a call over. */
type TakeoverCause = 'media' | 'signalling' | 'reservation' | 'request';

export interface HaNodeOptions {
  readonly controller: CallController;
  readonly store: StateStore;
  readonly role: NodeRole;
  readonly nodeId: string;
  readonly logger: Logger;
  /** TTL of a call's keys in the store (refreshed every third). Default 60 s. */
  readonly ttlMs?: number;
  /** How often a standby looks for media on foreign calls. Default 50 ms. */
  readonly mediaPollMs?: number;
}

export interface ClusterStatus {
  readonly role: NodeRole;
  readonly nodeId: string;
  readonly store: StoreStatus & { readonly degradedSince: string | null };
  readonly calls: { readonly owned: number; readonly foreign: number };
  readonly totals: HaTotals;
}

export interface HaTotals {
  takeovers: number;
  storeDown: number;
  storeWriteFailures: number;
  reservations: number;
  reservationsWaiting: number;
  restoreFailures: number;
}

interface Foreign {
  session: CallSession | null;
  /** Restores run one at a time per call; a change during one runs another after it. */
  running: Promise<void> | null;
  again: boolean;
  packetsIn: number;
}

interface PendingReserve {
  readonly e: IndexReserveEvent;
}

export class HaNode {
  role: NodeRole;
  readonly nodeId: string;
  readonly store: StateStore;
  readonly totals: HaTotals = { takeovers: 0, storeDown: 0, storeWriteFailures: 0, reservations: 0, reservationsWaiting: 0, restoreFailures: 0 };
  private readonly controller: CallController;
  private readonly logger: Logger;
  private readonly ttlMs: number;
  private readonly owned = new Set<string>();
  private readonly foreign = new Map<string, Foreign>();
  /** Per owned call: what this node persisted of its index table (written again after an outage). */
  private readonly indexes = new Map<string, Map<string, number>>();
  /** Latest record text per owned call not yet written, and calls being written. */
  private readonly unwritten = new Map<string, string>();
  private readonly writing = new Set<string>();
  /** Calls whose record reached the store at least once (a standby may hold them). */
  private readonly published = new Set<string>();
  private readonly waiting = new Map<string, PendingReserve>();
  /** Calls with reservations granted from memory (never written yet): their table goes first. */
  private readonly localGrants = new Set<string>();
  /** Takeovers in progress: a reservation for such a call waits for it. */
  private readonly taking = new Map<string, Promise<boolean>>();
  private degradedSince: string | null = null;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(options: HaNodeOptions) {
    this.controller = options.controller;
    this.store = options.store;
    this.role = options.role;
    this.nodeId = options.nodeId;
    this.logger = options.logger;
    this.ttlMs = options.ttlMs ?? 60_000;
    if (!this.store.durable) return;
    const c = this.controller;
    c.onCommitted = (session) => this.committed(session);
    c.on('callcreated', (e) => this.owned.add(e.callId));
    c.on('callclosed', (e) => this.callClosed(e.callId, e.reason));
    c.on('latch', (e) => {
      if (this.owned.has(e.callId)) void c.snapshot(e.callId).catch(() => undefined);
    });
    c.relay.on('indexreserve', (e) => void this.reserve(e));
    c.relay.on('indexcheckpoint', (e) => this.checkpoint(e));
    this.store.on('down', (err) => this.storeDown(err));
    this.store.on('up', () => void this.storeUp());
    this.store.on('change', (ch) => this.changed(ch));
    this.timers.push(setInterval(() => void this.refreshTtl(), Math.max(1_000, Math.floor(this.ttlMs / 3))));
    if (this.role === 'standby') this.timers.push(setInterval(() => this.watchMedia(), options.mediaPollMs ?? 50));
    for (const t of this.timers) t.unref();
  }

  /** Connect the store; a standby then restores every call another node owns. */
  async start(): Promise<void> {
    await this.store.open();
    if (!this.store.status().connected) this.storeDown(new Error('unreachable at start'));
    else if (this.role === 'standby') await this.loadForeign();
  }

  status(): ClusterStatus {
    return {
      role: this.role, nodeId: this.nodeId,
      store: { ...this.store.status(), degradedSince: this.degradedSince },
      calls: { owned: this.controller.sessions().filter((x) => !this.foreign.has(x.id)).length, foreign: this.foreign.size },
      totals: { ...this.totals, reservationsWaiting: this.waiting.size },
    };
  }

  isForeign(callId: string): boolean {
    return this.foreign.has(callId);
  }

  /** Take over foreign calls (all of them without `callIds`); this node becomes active. */
  async activate(callIds?: readonly string[]): Promise<string[]> {
    const ids = callIds ?? [...this.foreign.keys()];
    if (callIds === undefined) this.role = 'active';
    const taken: string[] = [];
    for (const id of ids) if (await this.takeOver(id, 'request')) taken.push(id);
    return taken;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.controller.onCommitted = null;
    await this.store.close();
  }

  // ── owned calls ───────────────────────────────────────────────────────────

  private committed(session: CallSession): void {
    if (this.closed) return;
    if (this.foreign.has(session.id)) {
      // Signalling for a foreign call reached this node (an operation ran on it here): take it over.
      void this.takeOver(session.id, 'signalling');
      return;
    }
    this.owned.add(session.id);
    this.unwritten.set(session.id, JSON.stringify(recordOf(session, this.controller.keys, this.nodeId)));
    void this.flush(session.id);
  }

  /** Write the latest record of a call; one write at a time per call, the newest wins. */
  private async flush(callId: string): Promise<void> {
    if (this.writing.has(callId) || this.degradedSince !== null) return;
    this.writing.add(callId);
    try {
      for (let text = this.unwritten.get(callId); text !== undefined; text = this.unwritten.get(callId)) {
        this.unwritten.delete(callId);
        try {
          // A record must never reach a standby without the reservations already in use.
          const table = this.indexes.get(callId);
          if (this.localGrants.has(callId) && table !== undefined) {
            await this.store.putIndexes(callId, [...table]);
            this.localGrants.delete(callId);
          }
          await this.store.putCall(callId, text);
          this.published.add(callId);
        } catch (err) {
          if (!this.unwritten.has(callId)) this.unwritten.set(callId, text);
          this.totals.storeWriteFailures += 1;
          this.logger.warn({ callId, err }, 'call record not written to the store (kept in memory; written when it is back)');
          return;
        }
        if (!this.owned.has(callId)) {
          await this.store.deleteCall(callId).catch(() => undefined);
          return;
        }
      }
    } finally {
      this.writing.delete(callId);
    }
  }

  private callClosed(callId: string, reason: string): void {
    const f = this.foreign.get(callId);
    if (f !== undefined) {
      // Closed by a re-restore (which keeps the entry) or for good.
      if (f.running === null) this.foreign.delete(callId);
      return;
    }
    const owned = this.owned.delete(callId);
    this.unwritten.delete(callId);
    this.indexes.delete(callId);
    this.published.delete(callId);
    this.localGrants.delete(callId);
    for (const [k, w] of this.waiting) if (w.e.callId === callId) this.waiting.delete(k);
    // A shutdown leaves the record for a standby to take over (or for its TTL to end it).
    if (!owned || reason === 'shutdown' || this.closed) return;
    this.store.deleteCall(callId).catch((err: unknown) => {
      this.logger.warn({ callId, err }, 'call keys not deleted from the store (they expire with their TTL)');
    });
  }

  private async refreshTtl(): Promise<void> {
    if (this.degradedSince !== null || this.owned.size === 0) return;
    await this.store.touch([...this.owned].filter((id) => this.published.has(id))).catch(() => undefined);
  }

  // ── SRTP index reservations ──────────────────────────────────────────────

  private async reserve(e: IndexReserveEvent): Promise<void> {
    if (this.foreign.has(e.callId) || this.taking.has(e.callId)) await this.takeOver(e.callId, 'reservation');
    if (!this.owned.has(e.callId)) return;
    const field = indexField(e.legId, 'out', e.rtcp, e.ssrc);
    const table = this.indexes.get(e.callId) ?? new Map<string, number>();
    this.indexes.set(e.callId, table);
    const upTo = Math.max(e.upTo, table.get(field) ?? -1);
    const local = !this.published.has(e.callId);
    try {
      await this.store.putIndexes(e.callId, [[field, upTo]]);
    } catch (err) {
      // A call no standby can hold yet (never written) may go on from memory; its table is
      // written with its record when the store is back. Otherwise wait: never protect an
      // index the store does not know was reserved (docs/ha.md).
      if (!local) {
        this.waiting.set(`${e.callId} ${field}`, { e: { ...e, upTo } });
        this.logger.warn({ callId: e.callId, err }, 'SRTP index reservation waits for the store');
        return;
      }
      this.localGrants.add(e.callId);
    }
    table.set(field, upTo);
    this.totals.reservations += 1;
    await this.controller.relay.getCall(e.callId)?.indexState(e.legId, [{ ssrc: e.ssrc, rtcp: e.rtcp, upTo }]).catch(() => undefined);
  }

  private checkpoint(e: IndexCheckpointEvent): void {
    if (!this.owned.has(e.callId)) return;
    const field = indexField(e.legId, 'in', e.rtcp, e.ssrc);
    const table = this.indexes.get(e.callId) ?? new Map<string, number>();
    this.indexes.set(e.callId, table);
    table.set(field, Math.max(e.index, table.get(field) ?? -1));
    if (this.degradedSince === null && this.published.has(e.callId)) void this.store.putIndexes(e.callId, [[field, e.index]]).catch(() => undefined);
  }

  // ── store up and down ────────────────────────────────────────────────────

  private storeDown(err: Error): void {
    if (this.degradedSince !== null || this.closed) return;
    this.degradedSince = new Date().toISOString();
    this.totals.storeDown += 1;
    this.logger.error({ err, store: this.store.status().where }, 'STATE STORE UNREACHABLE: calls continue from memory only; a standby cannot take over changes made now');
  }

  private async storeUp(): Promise<void> {
    if (this.closed) return;
    const was = this.degradedSince;
    this.degradedSince = null;
    if (was !== null) this.logger.warn({ since: was }, 'state store reachable again: writing every owned call');
    // Index tables first: a record must never reach a standby without its reservations.
    for (const [callId, table] of this.indexes) {
      if (!this.owned.has(callId)) continue;
      await this.store.putIndexes(callId, [...table]).then(() => this.localGrants.delete(callId), () => undefined);
    }
    for (const callId of this.owned) void this.controller.snapshot(callId).catch(() => undefined);
    for (const [k, w] of [...this.waiting]) {
      this.waiting.delete(k);
      void this.reserve(w.e);
    }
    if (this.role === 'standby') await this.loadForeign();
  }

  // ── standby: foreign calls ────────────────────────────────────────────────

  private async loadForeign(): Promise<void> {
    let ids: string[];
    try {
      ids = await this.store.listCalls();
    } catch {
      return;
    }
    for (const id of ids) if (!this.owned.has(id)) this.refreshForeign(id);
  }

  private changed(ch: StoreChange): void {
    if (this.closed || this.owned.has(ch.callId)) return;
    if (ch.part === 'call' && ch.kind === 'gone') {
      const f = this.foreign.get(ch.callId);
      if (f !== undefined) void this.dropForeign(ch.callId);
      return;
    }
    if (this.role !== 'standby' && !this.foreign.has(ch.callId)) return;
    if (ch.part === 'call') this.refreshForeign(ch.callId);
    else void this.applyFloors(ch.callId);
  }

  /** (Re)restore a foreign call from its current record; serialized per call. */
  private refreshForeign(callId: string): void {
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
        await this.restoreForeign(callId, entry);
      } while (entry.again && this.foreign.get(callId) === entry);
      entry.running = null;
    })();
  }

  private async restoreForeign(callId: string, f: Foreign): Promise<void> {
    let text: string | null;
    try {
      text = await this.store.getCall(callId);
    } catch {
      return;
    }
    if (this.foreign.get(callId) !== f) return;
    if (text === null) {
      await this.dropForeign(callId);
      return;
    }
    let record;
    try {
      record = parseRecord(text);
    } catch (err) {
      this.totals.restoreFailures += 1;
      this.logger.error({ callId, err }, 'unreadable call record in the store');
      return;
    }
    if (record.owner === this.nodeId) return;
    const old = this.controller.findSession(callId);
    if (old !== undefined) await old.close('deleted');
    try {
      f.session = await restoreRecord(this.controller, record);
    } catch (err) {
      f.session = null;
      this.totals.restoreFailures += 1;
      this.logger.error({ callId, err }, 'foreign call not restored');
      return;
    }
    f.packetsIn = packetsIn(f.session);
    await this.applyFloors(callId);
    this.logger.debug({ callId, owner: record.owner }, 'foreign call restored');
  }

  /** The store's index table onto a foreign (or just taken over) call's relay legs. */
  private async applyFloors(callId: string): Promise<Map<string, number> | null> {
    const session = this.controller.findSession(callId);
    if (session === undefined) return null;
    let table: Map<string, number>;
    try {
      table = await this.store.getIndexes(callId);
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

  private async dropForeign(callId: string): Promise<void> {
    if (!this.foreign.has(callId)) return;
    this.foreign.delete(callId);
    await this.controller.findSession(callId)?.close('deleted');
  }

  /** Media reached a foreign call: the other node is gone (the floating address moved here). */
  private watchMedia(): void {
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
  private takeOver(callId: string, why: TakeoverCause): Promise<boolean> {
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
    this.owned.add(callId);
    this.indexes.set(callId, new Map(table ?? []));
    this.published.add(callId);
    this.totals.takeovers += 1;
    this.logger.warn({ callId, why }, 'took over call');
    await this.controller.snapshot(callId).catch(() => undefined);
    return true;
  }
}

function packetsIn(session: CallSession): number {
  let n = 0;
  for (const leg of session.relayCall.stats().legs) n += leg.counters.packetsIn;
  return n;
}
