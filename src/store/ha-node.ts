/**
 * This node's part in HA (docs/ha.md), between call control and the state store. It wires call
 * control's and the relay's events to three parts, one concept each:
 *
 * - owned-calls.ts: records of the calls this node owns, written after every completed operation
 *   (CallController.onCommitted) and latch, deleted when a call ends, TTL refreshed;
 * - index-reservations.ts: SRTP/SRTCP index reservations persisted before they are granted;
 * - foreign-calls.ts (standby): every call another node owns kept restored, taken over when media
 *   or signalling for it arrives, when its worker asks for a reservation, or on `activate`
 *   (POST /v1/cluster/activate);
 *
 * and handles the store going away (calls go on from memory with a loud warning and a metric;
 * pending reservations wait within the half block of headroom) and coming back (every owned call
 * written again, waiting reservations retried, foreign calls loaded again).
 */
import type { Logger } from 'pino';
import type { CallController } from '../control';
import { ForeignCalls } from './foreign-calls';
import type { ClusterStatus, HaTotals, NodeRole } from './ha-types';
import { IndexReservations } from './index-reservations';
import { OwnedCalls } from './owned-calls';
import type { StateStore } from './state-store';

export type { ClusterStatus, HaTotals, NodeRole } from './ha-types';

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

export class HaNode {
  role: NodeRole;
  readonly nodeId: string;
  readonly store: StateStore;
  readonly totals: HaTotals = { takeovers: 0, storeDown: 0, storeWriteFailures: 0, reservations: 0, reservationsWaiting: 0, restoreFailures: 0 };
  private readonly controller: CallController;
  private readonly logger: Logger;
  private readonly ttlMs: number;
  private readonly owned: OwnedCalls;
  private readonly reservations: IndexReservations;
  private readonly foreign: ForeignCalls;
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
    const common = { controller: this.controller, store: this.store, logger: this.logger, totals: this.totals };
    const degraded = (): boolean => this.degradedSince !== null;
    this.owned = new OwnedCalls({ ...common, nodeId: this.nodeId, degraded });
    this.foreign = new ForeignCalls({ ...common, owned: this.owned, nodeId: this.nodeId });
    this.reservations = new IndexReservations({
      ...common, owned: this.owned, degraded,
      beforeReserve: async (callId) => {
        if (this.foreign.pending(callId)) await this.foreign.takeOver(callId, 'reservation');
      },
    });
    if (!this.store.durable) return;
    const c = this.controller;
    c.onCommitted = (session) => {
      if (this.closed) return;
      // Signalling for a foreign call reached this node (an operation ran on it here): take it over.
      if (this.foreign.has(session.id)) void this.foreign.takeOver(session.id, 'signalling');
      else this.owned.committed(session);
    };
    c.on('callcreated', (e) => this.owned.add(e.callId));
    c.on('callclosed', (e) => this.callClosed(e.callId, e.reason));
    c.on('latch', (e) => {
      if (this.owned.has(e.callId)) void c.snapshot(e.callId).catch(() => undefined);
    });
    c.relay.on('indexreserve', (e) => void this.reservations.reserve(e));
    c.relay.on('indexcheckpoint', (e) => this.reservations.checkpoint(e));
    this.store.on('down', (err) => this.storeDown(err));
    this.store.on('up', () => void this.storeUp());
    this.store.on('change', (ch) => {
      if (!this.closed) this.foreign.changed(ch, this.role === 'standby');
    });
    this.timers.push(setInterval(() => void this.owned.refreshTtl(), Math.max(1_000, Math.floor(this.ttlMs / 3))));
    if (this.role === 'standby') this.timers.push(setInterval(() => this.foreign.watchMedia(), options.mediaPollMs ?? 50));
    for (const t of this.timers) t.unref();
  }

  /** Connect the store; a standby then restores every call another node owns. */
  async start(): Promise<void> {
    await this.store.open();
    if (!this.store.status().connected) this.storeDown(new Error('unreachable at start'));
    else if (this.role === 'standby') await this.foreign.load();
  }

  status(): ClusterStatus {
    return {
      role: this.role, nodeId: this.nodeId,
      store: { ...this.store.status(), degradedSince: this.degradedSince },
      calls: { owned: this.controller.sessions().filter((x) => !this.foreign.has(x.id)).length, foreign: this.foreign.size },
      totals: { ...this.totals, reservationsWaiting: this.reservations.waitingCount },
    };
  }

  isForeign(callId: string): boolean {
    return this.foreign.has(callId);
  }

  /** Take over foreign calls (all of them without `callIds`); this node becomes active. */
  async activate(callIds?: readonly string[]): Promise<string[]> {
    const ids = callIds ?? this.foreign.ids();
    if (callIds === undefined) this.role = 'active';
    const taken: string[] = [];
    for (const id of ids) if (await this.foreign.takeOver(id, 'request')) taken.push(id);
    return taken;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.controller.onCommitted = null;
    await this.store.close();
  }

  private callClosed(callId: string, reason: string): void {
    if (this.foreign.closed(callId)) return;
    this.reservations.forget(callId);
    // A shutdown leaves the record for a standby to take over (or for its TTL to end it).
    this.owned.closed(callId, reason !== 'shutdown' && !this.closed);
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
    await this.owned.writeAgain();
    this.reservations.retryWaiting();
    if (this.role === 'standby') await this.foreign.load();
  }
}
