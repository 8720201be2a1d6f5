/**
 * Entry point of a media worker thread: one MediaEngine driven by messages from the control
 * plane (`worker-messages.ts`). Started by `ThreadWorker`; does nothing on the main thread.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { AddressPolicy } from './address-policy';
import { toWireError } from './errors';
import { MediaEngine } from './media-engine';
import type { MediaWorkerData, SequencedRequest, WorkerMessage } from './worker-messages';

function main(): void {
  const port = parentPort;
  if (isMainThread || port === null) return;
  const data = workerData as MediaWorkerData;
  const logger = pino({ name: 'srtp-relay', level: data.logLevel }).child({ worker: data.index });
  const send = (msg: WorkerMessage): void => port.postMessage(msg);
  // `native` asked for and unavailable throws here: the worker exits and ThreadWorker.start rejects.
  const engine = new MediaEngine(logger, send, new AddressPolicy(data.addressPolicy), data.io);
  port.on('message', (req: SequencedRequest) => {
    engine.handle(req).then(
      () => send({ type: 'reply', seq: req.seq, ok: true }),
      (err: unknown) => send({ type: 'reply', seq: req.seq, ok: false, error: toWireError(err) }),
    );
  });
  send({ type: 'ready', io: engine.io.name, ioFallback: engine.ioFallback });
}

main();
