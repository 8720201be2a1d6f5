/** The relay benchmark's results (results.json): per relay, per mode, per ramp step. */
import type { MachineInfo } from '../machine-info';
import type { BenchMode } from './bench-modes';
import type { RelayName } from './relay-under-test';
import type { StepStats } from './generator-messages';
import type { ForgeryResult } from './forgery-probe';
import type { WebrtcBaseline } from './webrtc-baseline';

export interface StepResult {
  readonly calls: number;
  /** Packets per second offered to the relay (both directions; 100 per call nominal), over the window's wall time. */
  readonly offeredPps: number;
  readonly lossPct: number;
  /** Relay process CPU over the measured window, in cores (1.0 = one core busy). */
  readonly relayCpu: number;
  readonly generatorCpu: number;
  readonly relayRssKiB: number | null;
  /**
   * It, not the relay, limits the step. Node generator: it used ≥ 90% of a core or took > 110% of
   * the window to send it. Native generator: > 110% of the window, send-slot lag p50 > 10 ms, or
   * datagrams dropped at its own sockets (receive buffer full).
   */
  readonly generatorSaturated: boolean;
  /** The generator's send slots ran late (lag p50 > 10 ms): packets went out in bursts. */
  readonly generatorLate: boolean;
  readonly stats: StepStats;
}

export type RampLimit = 'loss' | 'generator' | 'max-calls' | 'error';

export interface ModeResult {
  readonly relay: RelayName;
  readonly mode: BenchMode;
  readonly description: string;
  readonly steps: readonly StepResult[];
  /** The highest step with zero loss, sampled verification clean and the generator on schedule, or null. */
  readonly best: StepResult | null;
  readonly zeroLossPps: number | null;
  readonly zeroLossCalls: number | null;
  /** (RSS at the last step − RSS before any call) / calls at that step. */
  readonly rssPerCallKiB: number | null;
  readonly rssIdleKiB: number | null;
  readonly limit: RampLimit;
  readonly limitDetail: string;
  /** Forged and replayed SRTP sent through one extra call before the ramp (SRTP modes only). */
  readonly forgery: ForgeryResult | null;
  /** Pair modes our relay chose for the calls (ours only), e.g. { 'a->b': 'decrypt', 'b->a': 'encrypt' }. */
  readonly pairModes: { readonly [direction: string]: string } | null;
  /** Relay-side counters summed over all legs at the end (ours only). */
  readonly counters: Record<string, number> | null;
}

export interface Comparison {
  readonly mode: BenchMode;
  readonly ours: number | null;
  readonly rtpengine: number | null;
  /** ours / rtpengine zero-loss packet rate. */
  readonly ratio: number | null;
  /** True when either side stopped at the generator's limit or the step list's end. */
  readonly generatorBound: boolean;
  /**
   * measured: both relays lost packets at the next step; at-most / at-least: only ours / only
   * rtpengine did, so the true ratio is at most / at least `ratio`; unknown: neither did (both
   * stopped at the generator's limit), the ratio says nothing about the relays.
   */
  readonly ratioKind: 'measured' | 'at-most' | 'at-least' | 'unknown';
  /**
   * CPU cost per relayed packet at the highest step both relays passed cleanly (same calls,
   * same offered load): meaningful even when the generator, not a relay, ended the ramps.
   */
  readonly commonCalls: number | null;
  readonly oursCpuUsPerPacket: number | null;
  readonly rtpengineCpuUsPerPacket: number | null;
  /**
   * ours / rtpengine CPU per packet at every step both passed cleanly with enough load for a
   * cost figure (MIN_PPS_FOR_COST), lowest step first. The top step alone flatters whichever
   * relay batches better when saturated: at lighter loads each wake-up carries fewer packets.
   * Absent in results written before it existed.
   */
  readonly cpuRatioByStep?: readonly StepCpuRatio[];
}

export interface StepCpuRatio {
  readonly calls: number;
  readonly ratio: number;
}

export interface FunctionShare {
  readonly fn: string;
  readonly location: string;
  readonly pct: number;
}

export interface RelayProfile {
  readonly mode: BenchMode;
  readonly calls: number;
  readonly threads: number;
  /** Busy samples only (idle excluded). */
  readonly samples: number;
  readonly categories: readonly { readonly category: string; readonly pct: number }[];
  readonly top: readonly FunctionShare[];
  readonly files: readonly string[];
}

export interface GeneratorInfo {
  readonly kind: 'native' | 'node';
  readonly description: string;
  /** Why the native generator was not used when it was the default, else null. */
  readonly fallback: string | null;
  /** Native generator: shared sockets it used, 0 for a socket per stream (absent in older results). */
  readonly sockets?: number;
  /** Native generator: its threads (1 with a socket per stream). */
  readonly threads?: number;
}

export interface RelayBenchResults {
  readonly kind: 'relay-bench';
  readonly startedAt: string;
  readonly durationS: number;
  readonly machine: MachineInfo;
  readonly options: {
    readonly steps: readonly number[];
    readonly warmupMs: number;
    readonly measureMs: number;
    readonly drainMs: number;
    readonly threads: number;
    readonly modes: readonly BenchMode[];
    readonly relays: readonly RelayName[];
    /** Our relay's packet I/O as asked for (auto | native | dgram). */
    readonly io: string;
    /** RTP payload bytes per packet (160: G.711). */
    readonly payload: number;
  };
  /** The packet I/O backend our relay actually ran on (null when it did not run). */
  readonly oursIo: string | null;
  readonly loadAverage: readonly number[];
  /** Which load generator drove the run (its CPU per step is in each StepResult). */
  readonly generator: GeneratorInfo;
  /** Generator-to-generator latency without any relay (same step shape), to subtract. */
  readonly directLatency: StepStats | null;
  readonly results: readonly ModeResult[];
  readonly comparisons: readonly Comparison[];
  readonly profiles: readonly RelayProfile[];
  readonly webrtc: WebrtcBaseline | null;
  readonly errors: readonly string[];
}
