/**
 * Control messages to a media worker thread leave once per event-loop turn (message-batch.ts):
 * the legs of many calls opened in one turn cost one postMessage, each request still gets its
 * own answer (its own error too), and the calls work.
 */
jest.setTimeout(30_000);

import { Worker } from 'node:worker_threads';
import { MediaRelay, RelayErrorCode } from '../../../src/relay';
import { relayPortRange } from '../../helpers/port-ranges';
import { keysFor } from './helpers';

describe('batched worker messages', () => {
  let relay: MediaRelay;
  beforeAll(async () => {
    relay = await MediaRelay.create({ portRange: relayPortRange(200), bindAddress: '127.0.0.1', workers: 1, logLevel: 'silent' });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await relay.close();
  });

  it('sends the legs of 20 calls opened in one turn as one message, and answers each', async () => {
    const calls = await Promise.all(Array.from({ length: 20 }, (_, i) => relay.createCall(`batch-${i}`)));
    const posted = jest.spyOn(Worker.prototype, 'postMessage');
    const locals = await Promise.all(calls.map((c) => c.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: 4000 }, srtp: { inbound: keysFor('AES_CM_128_HMAC_SHA1_80'), outbound: keysFor('AES_CM_128_HMAC_SHA1_80') } })));
    expect(posted).toHaveBeenCalledTimes(1);
    const [message, transfer] = posted.mock.calls[0] as [{ op: string; requests: { op: string }[] }, ArrayBuffer[]];
    expect(message.op).toBe('batch');
    expect(message.requests.map((r) => r.op)).toEqual(Array(20).fill('addLeg'));
    // Every key carrier went along as a transfer (none copied), and is detached here now.
    expect(transfer).toHaveLength(20);
    expect(transfer.every((b) => b.byteLength === 0)).toBe(true);
    expect(new Set(locals.map((l) => l.rtpPort)).size).toBe(20);
    posted.mockRestore();
  });

  it('fails only the request that failed, inside a batch', async () => {
    const call = await relay.createCall('batch-errors');
    await call.addLeg({ id: 'x' });
    const results = await Promise.allSettled([
      call.addLeg({ id: 'y' }),
      relay.getCall('batch-0')!.setRemote('no-such-leg', { address: '127.0.0.1', port: 5000 }),
      call.addLeg({ id: 'z' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: RelayErrorCode.UnknownLeg });
    expect(call.stats().legs.map((l) => l.id).sort()).toEqual(['x', 'y', 'z']);
    await call.connect('y', 'z');
    await call.close();
  });
});
