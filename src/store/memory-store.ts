/**
 * The embedded default: nothing leaves the process. The live call sessions are the state, so
 * this store keeps nothing and has nothing to report; it exists so that the HA node and the
 * API speak to one interface whatever the configuration.
 */
import { EventEmitter } from 'node:events';
import type { IndexEntry, StateStore, StateStoreEvents, StoreStatus } from './state-store';

export class MemoryStore extends EventEmitter<StateStoreEvents> implements StateStore {
  readonly durable = false;

  status(): StoreStatus {
    return { kind: 'memory', where: 'memory', durable: false, connected: true };
  }

  async open(): Promise<void> {}
  async putCall(_callId: string, _record: string): Promise<void> {}
  async getCall(_callId: string): Promise<string | null> {
    return null;
  }
  async deleteCall(_callId: string): Promise<void> {}
  async putIndexes(_callId: string, _entries: readonly IndexEntry[]): Promise<void> {}
  async getIndexes(_callId: string): Promise<Map<string, number>> {
    return new Map();
  }
  async listCalls(): Promise<string[]> {
    return [];
  }
  async touch(_callIds: readonly string[]): Promise<void> {}
  async close(): Promise<void> {}
}
