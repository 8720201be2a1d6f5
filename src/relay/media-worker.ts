/**
 * Entry point of a media worker thread: one MediaEngine driven by messages from the control
 * plane (`worker-messages.ts`). Started by `ThreadWorker`; does nothing on the main thread.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { AddressPolicy } from './address-policy';
import { toWireError } from './errors';
import { MediaEngine } from './media-engine';
import { MessageBatch } from './message-batch';
import type { MediaWorkerData, MessageBatchEvent, RequestBatch, SequencedRequest, WorkerMessage } from './worker-messages';

function main(): void {
  const port = parentPort;
  if (isMainThread || port === null) return;
  const data = workerData as MediaWorkerData;
  const logger = pino({ name: 'srtp-relay', level: data.logLevel }).child({ worker: data.index });
  // Replies and events leave together once per turn, in the order they happened (message-batch.ts).
  const out = new MessageBatch<WorkerMessage>((messages) => {
    port.postMessage(messages.length === 1 ? messages[0] : ({ type: 'batch', messages } satisfies MessageBatchEvent));
  });
  const send = (msg: WorkerMessage): void => out.push(msg);
  const engine = new MediaEngine(logger, send, new AddressPolicy(data.addressPolicy));
  const handle = (req: SequencedRequest): void => {
    engine.handle(req).then(
      () => send({ type: 'reply', seq: req.seq, ok: true }),
      (err: unknown) => send({ type: 'reply', seq: req.seq, ok: false, error: toWireError(err) }),
    );
  };
  port.on('message', (msg: SequencedRequest | RequestBatch) => {
    if (msg.op === 'batch') for (const req of msg.requests) handle(req);
    else handle(msg);
  });
  send({ type: 'ready' });
}

main();
