/**
 * The orchestrator's handle on the load generator process: opens/configures calls, runs a step,
 * and measures the CPU of the relay and of the generator over exactly the measured window
 * (the generator announces its start and end).
 */
import { forkEntry, stopProcess } from './child-process';
import type { CallConfig, GeneratorEvent, GeneratorRequest, OpenedCall, RunOptions, StepStats } from './generator-messages';
import { IpcClient } from './ipc-channel';
import { CpuWindow } from './proc-stats';

export interface MeasuredStep {
  readonly stats: StepStats;
  /** Cores used by the relay process during the window (null when no relay, e.g. direct). */
  readonly relayCpu: number | null;
  readonly generatorCpu: number;
}

/** Which load generator drives the benchmark. */
export type GeneratorKind = 'native' | 'node';

/**
 * What the ramp needs from a load generator: the Node one (this file, load-generator.ts) or the
 * native one (native-generator-client.ts, native-bench/relay_loadgen).
 */
export interface GeneratorHandle {
  readonly kind: GeneratorKind;
  /** The generator process (its CPU is measured over each window). */
  readonly pid: number;
  /** Open `count` more calls (two loopback sockets each); their local ports. */
  open(count: number): Promise<OpenedCall[]>;
  /** Point calls first.. at their relay legs and key them. */
  configure(first: number, calls: readonly CallConfig[]): Promise<void>;
  /** One step: warm-up, measured window, drain; the relay's CPU over exactly the window. */
  run(options: RunOptions, relayPid: number | null): Promise<MeasuredStep>;
  /** Close every call (between modes). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export class GeneratorClient implements GeneratorHandle {
  readonly kind = 'node' as const;
  private readonly window = new CpuWindow();
  private pids: number[] = [];
  private cpu: Map<number, number> | null = null;

  private constructor(private readonly ipc: IpcClient<GeneratorRequest, GeneratorEvent>) {}

  static start(): GeneratorClient {
    const child = forkEntry('load-generator');
    let self: GeneratorClient | null = null;
    const ipc = new IpcClient<GeneratorRequest, GeneratorEvent>(child, 'load-generator', (e) => self?.onEvent(e));
    self = new GeneratorClient(ipc);
    return self;
  }

  get pid(): number {
    return this.ipc.child.pid ?? -1;
  }

  open(count: number): Promise<OpenedCall[]> {
    return this.ipc.request<OpenedCall[]>({ op: 'open', count });
  }

  configure(first: number, calls: readonly CallConfig[]): Promise<void> {
    return this.ipc.request<void>({ op: 'configure', first, calls });
  }

  async run(options: RunOptions, relayPid: number | null): Promise<MeasuredStep> {
    this.pids = relayPid === null ? [this.pid] : [this.pid, relayPid];
    this.cpu = null;
    const stats = await this.ipc.request<StepStats>({ op: 'run', options }, options.warmupMs + options.measureMs + options.drainMs + 60_000);
    const cpu = this.cpu as Map<number, number> | null;
    return {
      stats,
      relayCpu: relayPid === null ? null : cpu?.get(relayPid) ?? 0,
      generatorCpu: cpu?.get(this.pid) ?? 0,
    };
  }

  reset(): Promise<void> {
    return this.ipc.request<void>({ op: 'reset' });
  }

  stop(): Promise<void> {
    return stopProcess(this.ipc.child);
  }

  private onEvent(e: GeneratorEvent): void {
    if (e.kind !== 'window') return;
    if (e.phase === 'start') this.window.begin(this.pids);
    else this.cpu = this.window.end();
  }
}
