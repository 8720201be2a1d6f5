/**
 * Where call state lives beyond one process (docs/ha.md): per call one record (the session
 * snapshot with its keys sealed, and the owning node) and one table of SRTP index state
 * (reservations and checkpoints per relay leg and SSRC). `memory` keeps nothing outside the
 * process (the embedded default); `redis` makes calls survive the loss of a node.
 *
 * Writes reject when the store cannot be reached; the HA node (ha-node.ts) decides what that
 * means (degraded mode). Changes made by any node arrive as `change` events (Redis keyspace
 * notifications), so a standby can keep foreign calls restored.
 */
import type { EventEmitter } from 'node:events';

/** One index table entry: [field, value] (index-fields.ts names the fields). */
export type IndexEntry = readonly [string, number];

export interface StoreChange {
  readonly callId: string;
  /** `call`: the record; `index`: the index table. */
  readonly part: 'call' | 'index';
  /** `set`: written; `gone`: deleted or expired. */
  readonly kind: 'set' | 'gone';
}

export interface StateStoreEvents {
  /** The store became reachable (again). */
  up: [];
  /** The store stopped being reachable. */
  down: [Error];
  change: [StoreChange];
}

export interface StoreStatus {
  readonly kind: 'memory' | 'redis';
  /** Where (host:port/db or a socket path; never credentials). */
  readonly where: string;
  /** Durable beyond this process: a standby can take calls over. */
  readonly durable: boolean;
  readonly connected: boolean;
}

export interface StateStore extends EventEmitter<StateStoreEvents> {
  readonly durable: boolean;
  status(): StoreStatus;
  /** Connect (never throws for an unreachable store: it starts down and reconnects). */
  open(): Promise<void>;
  /** Write a call's record (a JSON text) and refresh the TTL of its keys. */
  putCall(callId: string, record: string): Promise<void>;
  getCall(callId: string): Promise<string | null>;
  /** Delete every key of the call. */
  deleteCall(callId: string): Promise<void>;
  putIndexes(callId: string, entries: readonly IndexEntry[]): Promise<void>;
  getIndexes(callId: string): Promise<Map<string, number>>;
  /** Ids of every call in the store. */
  listCalls(): Promise<string[]>;
  /** Refresh the TTL of these calls' keys (their owner is alive). */
  touch(callIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
