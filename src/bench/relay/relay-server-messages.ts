/** Messages between the benchmark orchestrator and our relay's server process (relay-server.ts). */
import type { IoBackendChoice, IoBackendName } from '../../relay/io/packet-io';

/** Pair mode per direction as the relay chose it, e.g. { 'a->b': 'decrypt', 'b->a': 'encrypt' }. */
export interface PairModes {
  readonly [direction: string]: string;
}

export interface RelayServerInfo {
  readonly workers: number;
  /** The relay's ng UDP port on 127.0.0.1: calls are set up over ng. */
  readonly ngPort: number;
  /** The packet I/O backend the media workers run on, and why `auto` fell back to dgram (or null). */
  readonly io: IoBackendName;
  readonly ioFallback: string | null;
}

/** Counters summed over every leg (drops the relay saw, for the report's sanity column). */
export interface RelayCounterTotals {
  readonly [name: string]: number;
}

export type RelayServerRequest =
  | { readonly op: 'start'; readonly workers: number; readonly portRange: readonly [number, number]; readonly io: IoBackendChoice }
  | { readonly op: 'modes'; readonly callId: string }
  | { readonly op: 'counters' }
  | { readonly op: 'close' };
