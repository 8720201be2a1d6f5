/** The HA node's shared vocabulary (docs/ha.md): role, status as /v1/cluster shows it, counters. */
import type { StoreStatus } from './state-store';

export type NodeRole = 'active' | 'standby';

/** What made a standby take a call over. */
export type TakeoverCause = 'media' | 'signalling' | 'reservation' | 'request';

export interface HaTotals {
  takeovers: number;
  storeDown: number;
  storeWriteFailures: number;
  reservations: number;
  reservationsWaiting: number;
  restoreFailures: number;
}

export interface ClusterStatus {
  readonly role: NodeRole;
  readonly nodeId: string;
  readonly store: StoreStatus & { readonly degradedSince: string | null };
  readonly calls: { readonly owned: number; readonly foreign: number };
  readonly totals: HaTotals;
}
