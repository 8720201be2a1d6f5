/**
 * The control plane's side of one media worker: numbered requests, one reply each, the calls
 * the worker holds, and events for latching and for the worker's death.
 */
import { EventEmitter } from 'node:events';
import { fromWireError, RelayError, RelayErrorCode } from './errors';
import type { DtlsWorkerEvent, IceWorkerEvent } from '../dtls/webrtc-events';
import type { IoBackendName } from './io/packet-io';
import type { IndexCheckpointEvent, IndexReserveEvent, KeyLimitWorkerEvent, LatchEvent, WorkerMessage, WorkerRequest } from './worker-messages';

export interface WorkerHandleEvents {
  latch: [LatchEvent];
  keylimit: [KeyLimitWorkerEvent];
  dtls: [DtlsWorkerEvent];
  ice: [IceWorkerEvent];
  /** Index reservations and checkpoints (docs/ha.md). */
  indexreserve: [IndexReserveEvent];
  indexcheckpoint: [IndexCheckpointEvent];
  /** The worker stopped without being asked to; `callIds` are the calls it held. */
  died: [{ index: number; error: Error; callIds: string[] }];
}

interface Pending {
  resolve: () => void;
  reject: (err: Error) => void;
}

export abstract class WorkerHandle extends EventEmitter<WorkerHandleEvents> {
  /** Calls assigned to this worker. */
  readonly callIds = new Set<string>();
  /**
   * Calls whose close was sent and not yet confirmed, with how many closes of that id are in
   * flight (an id is free again at once, so a new call of the same id can close before the old
   * one is confirmed). Their events are dropped: they belong to the call being closed, and must
   * not reach a new call that took its id (the worker handles requests in order, so every event
   * of the new call comes after the old call's close reply).
   */
  private readonly closingCalls = new Map<string, number>();
  protected readonly pending = new Map<number, Pending>();
  private nextSeq = 1;
  protected stopping = false;
  dead = false;
  /** The worker's packet I/O backend (known once it is ready), and why `auto` fell back, if it did. */
  io: IoBackendName = 'dgram';
  ioFallback: string | null = null;

  constructor(readonly index: number) {
    super();
  }

  /**
   * Send a request; `transfer` moves ArrayBuffers (key bytes) instead of copying them. `lazy`:
   * no one waits for the reply on a critical path, so it may leave with the next request
   * (message-batch.ts); order is kept either way.
   */
  request(req: WorkerRequest, transfer: ArrayBuffer[] = [], lazy = false): Promise<void> {
    if (this.dead) return Promise.reject(new RelayError(RelayErrorCode.WorkerDied, `media worker ${this.index} is gone`));
    const seq = this.nextSeq++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.post({ ...req, seq }, transfer, lazy);
    });
  }

  /** A close of `callId` was sent: drop its events until `closeConfirmed`. */
  closeSent(callId: string): void {
    this.closingCalls.set(callId, (this.closingCalls.get(callId) ?? 0) + 1);
  }

  /** The worker answered (or died on) a close sent with `closeSent`. */
  closeConfirmed(callId: string): void {
    const n = this.closingCalls.get(callId) ?? 0;
    if (n <= 1) this.closingCalls.delete(callId);
    else this.closingCalls.set(callId, n - 1);
  }

  protected abstract post(msg: WorkerRequest & { seq: number }, transfer: ArrayBuffer[], lazy: boolean): void;

  /** Stop the worker after closing its calls. Idempotent. */
  abstract terminate(): Promise<void>;

  protected onMessage(msg: WorkerMessage): void {
    if (msg.type !== 'reply' && msg.type !== 'ready' && this.closingCalls.has(msg.callId)) return;
    if (msg.type === 'latch') {
      this.emit('latch', msg);
      return;
    }
    if (msg.type === 'keylimit') {
      this.emit('keylimit', msg);
      return;
    }
    if (msg.type === 'dtls') {
      this.emit('dtls', msg);
      return;
    }
    if (msg.type === 'ice') {
      this.emit('ice', msg);
      return;
    }
    if (msg.type === 'indexreserve' || msg.type === 'indexcheckpoint') {
      (this.emit as (t: string, e: unknown) => boolean)(msg.type, msg);
      return;
    }
    if (msg.type !== 'reply') return;
    const p = this.pending.get(msg.seq);
    if (p === undefined) return;
    this.pending.delete(msg.seq);
    if (msg.ok) p.resolve();
    else p.reject(fromWireError(msg.error));
  }

  /** Fail everything outstanding and report the calls that went down with the worker. */
  protected onDeath(error: Error): void {
    if (this.dead) return;
    this.dead = true;
    for (const p of this.pending.values()) p.reject(new RelayError(RelayErrorCode.WorkerDied, `media worker ${this.index} died: ${error.message}`));
    this.pending.clear();
    if (!this.stopping) this.emit('died', { index: this.index, error, callIds: [...this.callIds] });
  }
}
