/**
 * An in-process state store shared by several HA nodes in one test, standing in for Redis (the
 * real one is in test/interop/ha-failover.test.ts): one map of records and index tables; every
 * write is announced to every node as a keyspace notification would be.
 */
import { EventEmitter } from 'node:events';
import type { IndexEntry, StateStore, StateStoreEvents, StoreStatus } from '../../../src/store';

/** What both nodes see: one map of records and index tables; every write is announced to every node. */
export class SharedState {
  readonly calls = new Map<string, string>();
  readonly indexes = new Map<string, Map<string, number>>();
  readonly nodes: SharedStore[] = [];
  announce(callId: string, part: 'call' | 'index', kind: 'set' | 'gone'): void {
    for (const n of this.nodes) queueMicrotask(() => n.emit('change', { callId, part, kind }));
  }
}

export class SharedStore extends EventEmitter<StateStoreEvents> implements StateStore {
  readonly durable = true;
  constructor(private readonly s: SharedState) {
    super();
    s.nodes.push(this);
  }
  status(): StoreStatus {
    return { kind: 'redis', where: 'shared-test-map', durable: true, connected: true };
  }
  async open(): Promise<void> {}
  async putCall(callId: string, record: string): Promise<void> {
    this.s.calls.set(callId, record);
    this.s.announce(callId, 'call', 'set');
  }
  async getCall(callId: string): Promise<string | null> {
    return this.s.calls.get(callId) ?? null;
  }
  async deleteCall(callId: string): Promise<void> {
    this.s.calls.delete(callId);
    this.s.indexes.delete(callId);
    this.s.announce(callId, 'call', 'gone');
  }
  async putIndexes(callId: string, entries: readonly IndexEntry[]): Promise<void> {
    const t = this.s.indexes.get(callId) ?? new Map<string, number>();
    for (const [f, v] of entries) t.set(f, v);
    this.s.indexes.set(callId, t);
    this.s.announce(callId, 'index', 'set');
  }
  async getIndexes(callId: string): Promise<Map<string, number>> {
    return new Map(this.s.indexes.get(callId) ?? []);
  }
  async listCalls(): Promise<string[]> {
    return [...this.s.calls.keys()];
  }
  async touch(): Promise<void> {}
  async close(): Promise<void> {
    this.s.nodes.splice(this.s.nodes.indexOf(this), 1);
  }
}
