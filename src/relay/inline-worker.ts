/**
 * `workers: 0`: the media engine runs on the control thread (debugging, unit tests). Same
 * messages as a worker thread, so the same code paths are exercised, minus the thread hop.
 */
import type { Logger } from 'pino';
import type { AddressPolicy } from './address-policy';
import type { IoBackendChoice } from './io/packet-io';
import { toWireError } from './errors';
import { MediaEngine } from './media-engine';
import { WorkerHandle } from './worker-handle';
import type { WorkerRequest } from './worker-messages';

export class InlineWorker extends WorkerHandle {
  readonly engine: MediaEngine;

  constructor(index: number, logger: Logger, policy: AddressPolicy, io: IoBackendChoice) {
    super(index);
    this.engine = new MediaEngine(logger.child({ worker: index }), (e) => this.onMessage(e), policy, io);
    this.io = this.engine.io.name;
    this.ioFallback = this.engine.ioFallback;
  }

  protected post(msg: WorkerRequest & { seq: number }): void {
    this.engine.handle(msg).then(
      () => this.onMessage({ type: 'reply', seq: msg.seq, ok: true }),
      (err: unknown) => this.onMessage({ type: 'reply', seq: msg.seq, ok: false, error: toWireError(err) }),
    );
  }

  async terminate(): Promise<void> {
    this.stopping = true;
    this.engine.close();
    this.dead = true;
  }
}
