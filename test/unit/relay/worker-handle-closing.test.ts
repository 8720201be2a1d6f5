import { WorkerHandle } from '../../../src/relay/worker-handle';
import type { LatchEvent, WorkerMessage, WorkerRequest } from '../../../src/relay/worker-messages';

/** A handle whose worker is the test: requests are recorded, messages delivered by hand. */
class ScriptedWorker extends WorkerHandle {
  readonly posted: (WorkerRequest & { seq: number })[] = [];
  protected post(msg: WorkerRequest & { seq: number }): void {
    this.posted.push(msg);
  }
  async terminate(): Promise<void> {}
  deliver(msg: WorkerMessage): void {
    this.onMessage(msg);
  }
}

const latch = (callId: string): LatchEvent => ({ type: 'latch', callId, legId: 'a', rtcp: false, address: '127.0.0.1', port: 4000 });

describe('WorkerHandle: events of a call being closed', () => {
  it('drops them from the close until its confirmation, so a new call of the same id never gets them', () => {
    const w = new ScriptedWorker(0);
    const seen: string[] = [];
    w.on('latch', (e) => seen.push(e.callId));
    w.deliver(latch('x'));
    w.closeSent('x');
    w.deliver(latch('x')); // the old call's, sent before the worker closed it
    w.deliver(latch('y')); // another call's
    w.closeConfirmed('x');
    w.deliver(latch('x')); // after the confirmation: the new call's
    expect(seen).toEqual(['x', 'y', 'x']);
  });

  it('counts closes of the same id: dropped until every one is confirmed', () => {
    const w = new ScriptedWorker(0);
    const seen: string[] = [];
    w.on('latch', (e) => seen.push(e.callId));
    w.closeSent('x');
    w.closeSent('x'); // the id was reused and that call closed too, before the first confirmation
    w.closeConfirmed('x');
    w.deliver(latch('x'));
    w.closeConfirmed('x');
    w.deliver(latch('x'));
    expect(seen).toEqual(['x']);
  });

  it('replies still settle their requests while a close is pending', async () => {
    const w = new ScriptedWorker(0);
    w.closeSent('x');
    const done = w.request({ op: 'closeCall', callId: 'x' });
    w.deliver({ type: 'reply', seq: w.posted[0].seq, ok: true });
    await expect(done).resolves.toBeUndefined();
  });
});
