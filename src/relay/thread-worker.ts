/**
 * A media worker in its own thread (`worker_threads`). Its death, expected or not, is
 * detected from 'error' / 'exit' and reported with the calls it held.
 */
import { Worker } from 'node:worker_threads';
import type { AddressPolicyConfig } from './address-policy';
import type { IoBackendChoice } from './io/packet-io';
import { mediaWorkerEntry } from './worker-entry';
import { MessageBatch } from './message-batch';
import { WorkerHandle } from './worker-handle';
import type { MediaWorkerData, MessageBatchEvent, RequestBatch, WorkerMessage, WorkerRequest } from './worker-messages';

/**
 * The media thread's young generation (V8 new space: two semi-spaces and new large objects, so
 * 3 MB is 1 MB semi-spaces, V8's starting size). Its packet path allocates next to nothing, but a
 * burst of call set-ups survives in bulk, and V8 then grows the semi-spaces to 16 MB each and
 * keeps them resident: some 30 MB of RSS for nothing (issue 13 goal 3, memory per call).
 */
const MEDIA_YOUNG_GENERATION_MB = 3;

export class ThreadWorker extends WorkerHandle {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  /** Requests of one turn leave as one postMessage (message-batch.ts). */
  private readonly outbox = new MessageBatch<WorkerRequest & { seq: number }>((requests, transfer) => {
    if (this.dead) return; // its requests were already failed by onDeath
    this.worker.postMessage(requests.length === 1 ? requests[0] : ({ op: 'batch', requests } satisfies RequestBatch), transfer);
  });

  private constructor(index: number, logLevel: string, addressPolicy: AddressPolicyConfig, io: IoBackendChoice) {
    super(index);
    const entry = mediaWorkerEntry();
    const workerData: MediaWorkerData = { index, logLevel, addressPolicy, io };
    this.worker = new Worker(entry.filename, { eval: entry.eval, workerData, name: `media-${index}`, resourceLimits: { maxYoungGenerationSizeMb: MEDIA_YOUNG_GENERATION_MB } });
    let lastError: Error | null = null;
    this.worker.on('message', (msg: WorkerMessage | MessageBatchEvent) => {
      if (msg.type === 'batch') for (const m of msg.messages) this.onMessage(m);
      else this.onMessage(msg);
    });
    this.worker.on('error', (err: Error) => {
      lastError = err;
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code: number) => {
        this.onDeath(lastError ?? new Error(`exited with code ${code}`));
        resolve();
      });
    });
  }

  /** Start a worker and wait until it is ready for requests. */
  static async start(index: number, logLevel: string, addressPolicy: AddressPolicyConfig, io: IoBackendChoice): Promise<ThreadWorker> {
    const handle = new ThreadWorker(index, logLevel, addressPolicy, io);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (msg: WorkerMessage): void => {
        if (msg.type !== 'ready') return;
        handle.io = msg.io;
        handle.ioFallback = msg.ioFallback;
        handle.worker.off('message', onMessage);
        handle.off('died', onDied);
        resolve();
      };
      const onDied = (e: { error: Error }): void => {
        handle.worker.off('message', onMessage);
        reject(e.error);
      };
      handle.worker.on('message', onMessage);
      handle.once('died', onDied);
    });
    return handle;
  }

  get threadId(): number {
    return this.worker.threadId;
  }

  protected post(msg: WorkerRequest & { seq: number }, transfer: ArrayBuffer[], lazy: boolean): void {
    this.outbox.push(msg, transfer, lazy);
  }

  /** Close the worker's calls, then stop the thread. Idempotent. */
  async terminate(): Promise<void> {
    if (this.stopping) return this.exited;
    this.stopping = true;
    if (!this.dead) {
      await Promise.race([this.request({ op: 'shutdown' }).catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
      await this.worker.terminate();
    }
    return this.exited;
  }

  /** Fault injection for tests and operations drills: stop the thread abruptly. */
  async kill(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
  }
}
