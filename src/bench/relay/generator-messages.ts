/** Messages between the benchmark orchestrator and the load generator process. */
import type { LatencySummary } from './latency-histogram';
import type { SdesKey } from './sdes-key';

/** One endpoint (phone) of a call: where the relay leg is, and its keys (null: plain RTP). */
export interface EndpointConfig {
  readonly relayAddress: string;
  readonly relayPort: number;
  /** What this endpoint protects its stream with. */
  readonly send: SdesKey | null;
  /** What this endpoint unprotects the relay's packets with (sampled verification). */
  readonly recv: SdesKey | null;
}

export interface CallConfig {
  readonly a: EndpointConfig;
  readonly b: EndpointConfig;
}

export interface RunOptions {
  readonly warmupMs: number;
  readonly measureMs: number;
  /** Time after the last measured send in which late packets still count as received. */
  readonly drainMs: number;
}

export type GeneratorRequest =
  /** Open `count` more calls (two loopback sockets each); replies with their local ports. */
  | { readonly op: 'open'; readonly count: number }
  /** Point calls first.. at their relay legs and set their keys. */
  | { readonly op: 'configure'; readonly first: number; readonly calls: readonly CallConfig[] }
  /** Send to every configured call at 50 packets/s per direction; replies with StepStats. */
  | { readonly op: 'run'; readonly options: RunOptions }
  /** Close every call (between modes). */
  | { readonly op: 'reset' };

export interface OpenedCall {
  readonly a: number;
  readonly b: number;
}

export type GeneratorEvent = { readonly kind: 'window'; readonly phase: 'start' | 'end' };

export interface StepStats {
  readonly calls: number;
  readonly streams: number;
  /** Packets sent in the measured window. */
  readonly sent: number;
  /** Of those, received on the other leg by the end of the drain time. */
  readonly received: number;
  readonly lost: number;
  /** Packets that arrived and were not sent in the window (warm-up stragglers) or duplicates. */
  readonly unmatched: number;
  /** Sampled full checks (1 in 50 per stream): unprotected with the receiver's keys, payload matches. */
  readonly verified: number;
  readonly verifyFailures: number;
  /** First verification failure, e.g. `auth_failed`, for the report. */
  readonly verifyFailureKind: string | null;
  readonly sendErrors: number;
  /** Native generator: of `received`, packets that reached its sockets in time but were read only after the drain. */
  readonly readAfterDrain?: number;
  /** Native generator: datagrams the kernel dropped at its own sockets (receive buffer full) over warm-up, window and drain. */
  readonly rcvDrops?: number;
  /** Native generator: streams none of whose measured packets reached the other leg (misrouted, or all lost). */
  readonly silentStreams?: number;
  readonly latency: LatencySummary;
  /** How late the generator's send slots ran (its own saturation), ms. */
  readonly slotLag: LatencySummary;
  /** Scheduled length of the measured window. */
  readonly measuredMs: number;
  /** Wall time the generator took to send the window's packets (> measuredMs: it fell behind). */
  readonly windowMs: number;
}
