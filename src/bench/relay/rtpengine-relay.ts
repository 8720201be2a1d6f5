/**
 * rtpengine under test: each benchmark call is an ng `offer` (from endpoint A's SDP) and
 * `answer` (from endpoint B's SDP), as for our relay (ng-call-setup.ts); the SDP rtpengine
 * returns gives the ports and the SDES keys rtpengine chose, which the load generator then uses. See bench-modes.ts for how each
 * of our pair modes maps onto rtpengine's behaviour.
 */
import type { ModeSpec } from './bench-modes';
import type { CallConfig, OpenedCall } from './generator-messages';
import { ngCallsSetup } from './ng-call-setup';
import type { RelayStartOptions, RelayUnderTest } from './relay-under-test';
import { RtpengineProcess, rtpengineVersion } from './rtpengine-process';

export class RtpengineRelay implements RelayUnderTest {
  readonly name = 'rtpengine' as const;
  readonly pairModes = null;
  readonly description: string;

  private constructor(
    private readonly proc: RtpengineProcess,
    version: string,
    threads: number,
  ) {
    this.description = `rtpengine ${version} (Debian rtpengine-daemon), userspace only (--table=-1), ${threads} threads`;
  }

  get pid(): number {
    return this.proc.pid;
  }

  static async start(bin: string, o: RelayStartOptions): Promise<RtpengineRelay> {
    const proc = await RtpengineProcess.start(bin, { threads: o.threads, portRange: o.portRange });
    return new RtpengineRelay(proc, rtpengineVersion(), o.threads);
  }

  addCalls(first: number, endpoints: readonly OpenedCall[], spec: ModeSpec): Promise<CallConfig[]> {
    return ngCallsSetup(this.proc.ng, first, endpoints, spec);
  }

  /** rtpengine's per-call counters need a `query` per call; the generator's loss count suffices. */
  counters(): Promise<null> {
    return Promise.resolve(null);
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}
