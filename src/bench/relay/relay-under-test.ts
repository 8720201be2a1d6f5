/** What the ramp needs from a relay process it benchmarks (ours or rtpengine). */
import type { IoBackendChoice } from '../../relay/io/packet-io';
import type { ModeSpec } from './bench-modes';
import type { CallConfig, OpenedCall } from './generator-messages';

export type RelayName = 'ours' | 'rtpengine';

export interface RelayUnderTest {
  readonly name: RelayName;
  /** Process whose CPU and RSS are measured (all its threads). */
  readonly pid: number;
  /** e.g. "srtp-relay 0.1.0, 2 worker threads" or "rtpengine 10.5.3.5, userspace, 2 threads". */
  readonly description: string;
  /** Set up calls first.. with their generator endpoints; returns how the generator must reach and key them. */
  addCalls(first: number, endpoints: readonly OpenedCall[], spec: ModeSpec): Promise<CallConfig[]>;
  /** Pair modes (direction → mode name) the relay reported for its first call, when it reports them. */
  readonly pairModes: { readonly [direction: string]: string } | null;
  /** Relay-side drop counters, when the relay exposes them cheaply. */
  counters(): Promise<Record<string, number> | null>;
  /** Stop the process (idempotent). */
  stop(): Promise<void>;
}

export interface RelayStartOptions {
  readonly threads: number;
  readonly portRange: readonly [number, number];
  /** Extra node flags for our relay's process (e.g. --cpu-prof). */
  readonly execArgv?: readonly string[];
  /** Our relay's packet I/O backend (auto: native when the addon is built). */
  readonly io?: IoBackendChoice;
}
