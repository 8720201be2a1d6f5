/** Messages between the benchmark orchestrator and our relay's server process (relay-server.ts). */
import type { SdesKey } from './sdes-key';

/** One leg of a benchmark call on our relay; both keys null for a plain RTP leg. */
export interface LegSetup {
  /** The load generator's endpoint port on 127.0.0.1 (the leg's signaled remote). */
  readonly remotePort: number;
  /** Verifies/unprotects what the endpoint sends. */
  readonly inbound: SdesKey | null;
  /** Protects what the relay sends to the endpoint. */
  readonly outbound: SdesKey | null;
}

export interface CallSetup {
  readonly id: string;
  readonly a: LegSetup;
  readonly b: LegSetup;
}

export interface CallPorts {
  /** Relay ports the endpoints send to. */
  readonly a: number;
  readonly b: number;
  /** Pair mode per direction as the relay chose it, e.g. { 'a->b': 'decrypt', 'b->a': 'encrypt' }. */
  readonly modes: { readonly [direction: string]: string };
}

export interface RelayServerInfo {
  readonly workers: number;
}

/** Counters summed over every leg (drops the relay saw, for the report's sanity column). */
export interface RelayCounterTotals {
  readonly [name: string]: number;
}

export type RelayServerRequest =
  | { readonly op: 'start'; readonly workers: number; readonly portRange: readonly [number, number] }
  | { readonly op: 'setup'; readonly calls: readonly CallSetup[] }
  | { readonly op: 'counters' }
  | { readonly op: 'close' };
