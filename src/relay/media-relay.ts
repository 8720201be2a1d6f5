/**
 * The media relay as a library: a port pool, media workers (one per core by default), and the
 * calls assigned to them. Close cascade: relay.close() → every call.close() → worker closeCall
 * (sockets closed, contexts wiped) → ports returned → workers stopped.
 */
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import os from 'node:os';
import pino, { type Logger } from 'pino';
import { createDtlsCertificate, type DtlsCertificate } from '../dtls/dtls-certificate';
import type { DtlsWorkerEvent, IceWorkerEvent } from '../dtls/webrtc-events';
import { AddressPolicy, type AddressPolicyConfig } from './address-policy';
import { RelayError, RelayErrorCode } from './errors';
import { InlineWorker } from './inline-worker';
import type { IoBackendChoice, IoBackendName } from './io/packet-io';
import { resolveIoChoice } from './io/select-backend';
import { KeyFingerprinter } from './key-fingerprint';
import type { MediaEngine } from './media-engine';
import { PortPool } from './port-pool';
import { RelayCall, type CallHost } from './relay-call';
import { ThreadWorker } from './thread-worker';
import type { WorkerHandle } from './worker-handle';
import type { IndexCheckpointEvent, IndexReserveEvent, KeyLimitWorkerEvent, LatchEvent } from './worker-messages';

export interface MediaRelayOptions {
  /** Inclusive local port range for RTP/RTCP. */
  readonly portRange: readonly [number, number];
  /** Local address to bind (IPv4 or IPv6). Default 0.0.0.0. */
  readonly bindAddress?: string;
  /** Media worker threads; default one per core; 0 runs the media plane on this thread. */
  readonly workers?: number;
  /** Control-plane logger; workers log with their own pino at `logLevel`. */
  readonly logger?: Logger;
  /** Level for worker loggers (and the default logger). Default 'warn'. */
  readonly logLevel?: string;
  /** Which remotes legs may send to and latch onto (address-policy.ts). Default: DEFAULT_DENY, no link-local. */
  readonly addressPolicy?: AddressPolicyConfig;
  /**
   * Packet I/O of the media workers: `native` (batched recvmmsg/sendmmsg addon), `dgram`
   * (node:dgram), or `auto` (native when the addon loads, else dgram). Default: the
   * SRTP_RELAY_IO environment variable, else auto.
   */
  readonly io?: IoBackendChoice;
  /**
   * SRTP index reservations (docs/ha.md): block size per outbound SSRC. With it, no SRTP leg
   * protects an index that was not reserved first (`indexreserve` events, `RelayCall.grantIndexes`).
   * Default 0: none (nothing persists, nothing can take over).
   */
  readonly indexReservationBlock?: number;
}

export interface WorkerDiedEvent {
  readonly index: number;
  readonly error: Error;
  /** Calls that went down with the worker (already closed on the control side). */
  readonly callIds: readonly string[];
}

export interface MediaRelayEvents {
  workerDied: [WorkerDiedEvent];
  latch: [LatchEvent];
  /** A leg's key reached its soft limit or lifetime: rekey by MKI or re-negotiate. */
  keylimit: [KeyLimitWorkerEvent];
  /** A WebRTC leg's DTLS handshake completed (profile, role), failed (reason) or the peer closed it. */
  dtls: [DtlsWorkerEvent];
  /** A WebRTC leg learned its peer's address from an authenticated ICE check. */
  ice: [IceWorkerEvent];
  /** A leg needs an SRTP index reservation persisted before it protects further (docs/ha.md). */
  indexreserve: [IndexReserveEvent];
  /** An inbound stream passed an index checkpoint (docs/ha.md). */
  indexcheckpoint: [IndexCheckpointEvent];
}

export class MediaRelay extends EventEmitter<MediaRelayEvents> {
  readonly bindAddress: string;
  readonly pool: PortPool;
  /** Every remote of every leg passes it (signaled here, latched in the workers). */
  readonly addressPolicy: AddressPolicy;
  private readonly logger: Logger;
  private readonly logLevel: string;
  private readonly ioChoice: IoBackendChoice;
  private readonly fingerprinter = new KeyFingerprinter();
  private readonly workers: WorkerHandle[] = [];
  private readonly calls = new Map<string, RelayCall>();
  private readonly host: CallHost;
  private closing: Promise<void> | null = null;
  private certificate: Promise<DtlsCertificate> | null = null;

  private constructor(options: MediaRelayOptions) {
    super();
    this.bindAddress = options.bindAddress ?? '0.0.0.0';
    if (isIP(this.bindAddress) === 0) throw new RelayError(RelayErrorCode.BadOption, `bindAddress must be an IP address, got "${this.bindAddress}"`);
    const range = options.portRange;
    if (!Array.isArray(range) || range.length !== 2) throw new RelayError(RelayErrorCode.BadOption, 'portRange must be [min, max]');
    this.pool = new PortPool(range[0], range[1]);
    try {
      this.addressPolicy = new AddressPolicy(options.addressPolicy);
    } catch (err) {
      throw new RelayError(RelayErrorCode.BadOption, `addressPolicy: ${(err as Error).message}`);
    }
    this.ioChoice = resolveIoChoice(options.io);
    const block = options.indexReservationBlock ?? 0;
    if (!Number.isInteger(block) || block < 0 || block > 0x100000 || (block > 0 && block < 16)) {
      throw new RelayError(RelayErrorCode.BadOption, `indexReservationBlock must be 0 (off) or an integer in 16..2^20, got ${String(block)}`);
    }
    this.logLevel = options.logLevel ?? 'warn';
    this.logger = options.logger ?? pino({ name: 'srtp-relay', level: this.logLevel });
    this.host = {
      bindAddress: this.bindAddress,
      addressPolicy: this.addressPolicy,
      pool: this.pool,
      fingerprinter: this.fingerprinter,
      logger: this.logger,
      callClosed: (call) => this.callClosed(call),
      indexBlock: options.indexReservationBlock ?? 0,
    };
  }

  static async create(options: MediaRelayOptions): Promise<MediaRelay> {
    const n = options.workers ?? os.availableParallelism();
    if (!Number.isInteger(n) || n < 0 || n > 256) throw new RelayError(RelayErrorCode.BadOption, `workers must be an integer in 0..256, got ${String(n)}`);
    const relay = new MediaRelay(options);
    try {
      if (n === 0) relay.adopt(new InlineWorker(0, relay.logger, relay.addressPolicy, relay.ioChoice));
      else for (const w of await Promise.all(Array.from({ length: n }, (_, i) => ThreadWorker.start(i, relay.logLevel, relay.addressPolicy.config, relay.ioChoice)))) relay.adopt(w);
    } catch (err) {
      await relay.close();
      throw err;
    }
    relay.logIoBackend();
    return relay;
  }

  /** The media workers' packet I/O backend (every worker runs the same one). */
  get ioBackend(): IoBackendName {
    return this.workers[0]?.io ?? 'dgram';
  }

  /** Why `auto` fell back to dgram (null when it did not). */
  get ioFallback(): string | null {
    return this.workers[0]?.ioFallback ?? null;
  }

  /** Once per relay start: which packet I/O runs, and why it is dgram if auto fell back. */
  private logIoBackend(): void {
    const fallback = this.ioFallback;
    if (fallback === null) this.logger.info({ io: this.ioBackend, requested: this.ioChoice }, 'packet I/O backend');
    else this.logger.warn({ io: this.ioBackend, requested: this.ioChoice, reason: fallback }, 'packet I/O backend: native unavailable, using node:dgram');
  }

  get closed(): boolean {
    return this.closing !== null;
  }

  /** Number of media workers (0 workers option = one in-thread engine). */
  get workerCount(): number {
    return this.workers.length;
  }

  /** Create a call on the least loaded live worker. */
  async createCall(callId: string): Promise<RelayCall> {
    if (this.closing !== null) throw new RelayError(RelayErrorCode.Closed, 'relay is closed');
    if (typeof callId !== 'string' || callId.length === 0) throw new RelayError(RelayErrorCode.BadOption, 'a call needs a non-empty string id');
    if (this.calls.has(callId)) throw new RelayError(RelayErrorCode.DuplicateCall, `call ${callId} already exists`);
    let best: WorkerHandle | null = null;
    for (const w of this.workers) if (!w.dead && (best === null || w.callIds.size < best.callIds.size)) best = w;
    if (best === null) throw new RelayError(RelayErrorCode.WorkerDied, 'no live media worker');
    const call = new RelayCall(callId, best, this.host);
    best.callIds.add(callId);
    this.calls.set(callId, call);
    return call;
  }

  getCall(callId: string): RelayCall | undefined {
    return this.calls.get(callId);
  }

  callIds(): string[] {
    return [...this.calls.keys()];
  }

  /** Calls per worker, for placement diagnostics. */
  workerLoad(): { index: number; calls: number; alive: boolean }[] {
    return this.workers.map((w) => ({ index: w.index, calls: w.callIds.size, alive: !w.dead }));
  }

  /** The in-thread engine of a `workers: 0` relay (tests, debugging); undefined otherwise. */
  inlineEngine(): MediaEngine | undefined {
    const w = this.workers[0];
    return w instanceof InlineWorker ? w.engine : undefined;
  }

  /** Fault injection for tests and drills: stop worker `index` abruptly, as a crash would. */
  async killWorker(index: number): Promise<void> {
    const w = this.workers[index];
    if (w instanceof ThreadWorker) await w.kill();
    else throw new RelayError(RelayErrorCode.BadOption, `no worker thread ${index}`);
  }

  /**
   * The relay's DTLS certificate (one per relay, made on first use): its fingerprint goes in
   * every WebRTC leg's SDP, the certificate to the workers with each WebRTC leg.
   */
  dtlsCertificate(): Promise<DtlsCertificate> {
    if (this.certificate === null) this.certificate = createDtlsCertificate();
    return this.certificate;
  }

  /** Close every call, stop the workers, drop the fingerprint secret. Idempotent. */
  close(): Promise<void> {
    if (this.closing === null) {
      this.closing = (async () => {
        await Promise.all([...this.calls.values()].map((c) => c.close()));
        await Promise.all(this.workers.map((w) => w.terminate()));
        this.fingerprinter.wipe();
      })();
    }
    return this.closing;
  }

  private adopt(w: WorkerHandle): void {
    this.workers[w.index] = w;
    w.on('latch', (e) => {
      this.calls.get(e.callId)?.onLatch(e);
      this.emit('latch', e);
    });
    w.on('keylimit', (e) => this.emit('keylimit', e));
    w.on('dtls', (e) => this.emit('dtls', e));
    w.on('ice', (e) => this.emit('ice', e));
    w.on('indexreserve', (e) => this.emit('indexreserve', e));
    w.on('indexcheckpoint', (e) => this.emit('indexcheckpoint', e));
    w.on('died', (e) => this.onWorkerDied(w, e.error, e.callIds));
  }

  private onWorkerDied(w: WorkerHandle, error: Error, callIds: string[]): void {
    for (const id of callIds) this.calls.get(id)?.workerDied();
    this.logger.error({ worker: w.index, err: error, calls: callIds.length }, 'media worker died');
    this.emit('workerDied', { index: w.index, error, callIds });
    if (this.closing !== null) return;
    // Replace the worker so the relay keeps its capacity for new calls.
    ThreadWorker.start(w.index, this.logLevel, this.addressPolicy.config, this.ioChoice).then(
      (fresh) => {
        if (this.closing !== null) void fresh.terminate();
        else this.adopt(fresh);
      },
      (err: unknown) => this.logger.error({ worker: w.index, err }, 'media worker restart failed'),
    );
  }

  private callClosed(call: RelayCall): void {
    if (this.calls.get(call.id) === call) this.calls.delete(call.id);
    call.worker.callIds.delete(call.id);
  }
}
