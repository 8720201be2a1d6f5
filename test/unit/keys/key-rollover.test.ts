/**
 * Lifetimes and rekey: the engine's keysoftlimit/keyexpired events drive MKI rollover or a
 * rekey request; ROC handling across a rekey follows RFC 3711 §3.3.1.
 */
import { EventEmitter } from 'node:events';
import { generateKeySet, handOffRollover, initKeys, KeyRollover, toSrtpContextOptions, type MasterKeySet, type RekeyNeededEvent, type RolloverEvent } from '../../../src/keys';
import { resolveProfile, SrtpContext, SrtpStatus, type KeyLimitEvent } from '../../../src/srtp';
import { rtpPacket } from './helpers';

beforeAll(async () => {
  await initKeys();
});

const GCM = resolveProfile('AEAD_AES_128_GCM');
const CM = resolveProfile('AES_CM_128_HMAC_SHA1_80');

function ctx(set: MasterKeySet, softLimitMargin = 8): SrtpContext {
  return new SrtpContext(toSrtpContextOptions(set, { softLimitMargin }));
}

function send(sender: SrtpContext, receiver: SrtpContext, ssrc: number, seq: number): SrtpStatus {
  const st = sender.protectRtp(rtpPacket(ssrc, seq, 20));
  if (st !== SrtpStatus.Ok) return st;
  return receiver.unprotectRtp(Uint8Array.from(sender.output.subarray(0, sender.outputLength)));
}

describe('MKI rollover through the real engine', () => {
  it('the sender moves to the next MKI key before each lifetime ends; the receiver follows by MKI', () => {
    const set = generateKeySet(GCM, { keyCount: 3, mkiLength: 2, lifetime: 64 });
    const sender = ctx(set);
    const receiver = ctx(set);
    const roll = new KeyRollover(sender, { role: 'sender', keyCount: 3, mkiLength: 2 });
    const rx = new KeyRollover(receiver, { role: 'receiver', keyCount: 3, mkiLength: 2 });
    const rolls: RolloverEvent[] = [];
    const rekeys: RekeyNeededEvent[] = [];
    const rxRekeys: RekeyNeededEvent[] = [];
    roll.on('rollover', (e) => rolls.push(e));
    roll.on('rekeyneeded', (e) => rekeys.push(e));
    rx.on('rekeyneeded', (e) => rxRekeys.push(e));
    const statuses: SrtpStatus[] = [];
    // Start near the top of SEQ so the stream wraps (ROC 0 → 1) while keys are being switched.
    for (let i = 0; i < 170; i++) statuses.push(send(sender, receiver, 0x42, (65500 + i) & 0xffff));
    expect(statuses.every((s) => s === SrtpStatus.Ok)).toBe(true);
    expect(rolls).toEqual([{ fromIndex: 0, toIndex: 1, mki: '0002' }, { fromIndex: 1, toIndex: 2, mki: '0003' }]);
    // Usage per key: no key went past its lifetime; the soft limit (64 - 8) triggered each switch.
    expect(roll.usage().map((u) => u.srtpPackets)).toEqual([56, 56, 58]);
    // On the last key there is nothing left to roll to: ask the controller to re-negotiate.
    expect(rekeys).toEqual([expect.objectContaining({ reason: 'softlimit', keyIndex: 2, mki: '0003', stream: 'srtp' })]);
    expect(rxRekeys).toEqual([expect.objectContaining({ reason: 'softlimit', keyIndex: 2 })]);
    // The ROC and index continue across the MKI switches (RFC 3711 §3.3.1): one context, one index.
    expect(receiver.getRoc(0x42)).toBe(1);
    expect(sender.getRoc(0x42, 'outbound')).toBe(1);
    roll.detach();
    rx.detach();
  });

  it('without MKIs: a rekey request before the end, then KeyExpired, never a silent overrun', () => {
    const set = generateKeySet(CM, { lifetime: 32 });
    const sender = ctx(set, 4);
    const receiver = ctx(set, 4);
    const roll = new KeyRollover(sender, { role: 'sender', keyCount: 1, mkiLength: 0 });
    const rekeys: RekeyNeededEvent[] = [];
    roll.on('rekeyneeded', (e) => rekeys.push(e));
    const statuses: SrtpStatus[] = [];
    for (let seq = 0; seq < 40; seq++) statuses.push(send(sender, receiver, 7, seq));
    expect(statuses.slice(0, 32).every((s) => s === SrtpStatus.Ok)).toBe(true);
    expect(statuses.slice(32).every((s) => s === SrtpStatus.KeyExpired)).toBe(true);
    expect(rekeys.map((e) => [e.reason, e.used])).toEqual([['softlimit', 28], ['expired', 32]]);
  });
});

describe('KeyRollover decisions (engine events simulated)', () => {
  class FakeContext extends EventEmitter {
    active = 0;
    setActiveKey(i: number): void {
      this.active = i;
    }
    keyUsage() {
      return [0, 1].map((i) => ({ keyIndex: i, mki: `0${i + 1}`, srtpPackets: 0, srtcpPackets: 0, srtpLifetime: 1, srtcpLifetime: 1, active: i === this.active }));
    }
  }
  const ev = (keyIndex: number, stream: 'srtp' | 'srtcp' = 'srtp'): KeyLimitEvent => ({ keyIndex, mki: `0${keyIndex + 1}`, stream, used: 9, lifetime: 10 });

  it('ignores limits on keys the sender already left, and asks once per key and stream', () => {
    const c = new FakeContext();
    const r = new KeyRollover(c, { role: 'sender', keyCount: 2, mkiLength: 1 });
    const rekeys: RekeyNeededEvent[] = [];
    r.on('rekeyneeded', (e) => rekeys.push(e));
    c.emit('keysoftlimit', ev(0));
    expect(c.active).toBe(1);
    c.emit('keysoftlimit', ev(0, 'srtcp')); // old key: nothing to do
    expect(c.active).toBe(1);
    c.emit('keysoftlimit', ev(1));
    c.emit('keysoftlimit', ev(1));
    c.emit('keyexpired', ev(1));
    expect(rekeys.map((e) => e.reason)).toEqual(['softlimit', 'expired']);
  });

  it('a receiver never switches keys and stays quiet while the sender has another MKI key', () => {
    const c = new FakeContext();
    const r = new KeyRollover(c, { role: 'receiver', keyCount: 2, mkiLength: 1 });
    const rekeys: RekeyNeededEvent[] = [];
    r.on('rekeyneeded', (e) => rekeys.push(e));
    c.emit('keysoftlimit', ev(0));
    expect(c.active).toBe(0);
    expect(rekeys).toEqual([]);
    c.emit('keyexpired', ev(1));
    expect(rekeys.map((e) => e.keyIndex)).toEqual([1]);
  });

  it('detach stops listening; detach is idempotent', () => {
    const c = new FakeContext();
    const r = new KeyRollover(c, { role: 'sender', keyCount: 2, mkiLength: 1 });
    r.detach();
    r.detach();
    c.emit('keysoftlimit', ev(0));
    expect(c.active).toBe(0);
    expect(c.listenerCount('keysoftlimit')).toBe(0);
  });
});

describe('ROC across a re-negotiated rekey (RFC 3711 §3.3.1)', () => {
  const SSRC = 0xdecafbad;

  function oldSessionPastWrap(): { oldSender: SrtpContext; next: MasterKeySet } {
    const old = generateKeySet(CM);
    const oldSender = ctx(old);
    const oldReceiver = ctx(old);
    for (let seq = 65530; seq < 65536 + 10; seq++) expect(send(oldSender, oldReceiver, SSRC, seq & 0xffff)).toBe(SrtpStatus.Ok);
    expect(oldReceiver.getRoc(SSRC)).toBe(1);
    expect(oldSender.getRoc(SSRC, 'outbound')).toBe(1);
    return { oldSender, next: generateKeySet(CM) };
  }

  it('carry: new sender and receiver contexts get the current ROC; the stream continues', () => {
    const { oldSender, next } = oldSessionPastWrap();
    const newSender = ctx(next);
    const newReceiver = ctx(next);
    const applied = handOffRollover({ context: oldSender, direction: 'outbound' }, [{ context: newSender, direction: 'outbound' }, { context: newReceiver, direction: 'inbound' }], [SSRC]);
    expect(applied.get(SSRC)).toBe(1);
    for (let seq = 10; seq < 20; seq++) expect(send(newSender, newReceiver, SSRC, seq)).toBe(SrtpStatus.Ok);
    expect(newReceiver.getRoc(SSRC)).toBe(1);
  });

  it('reset: both sides restart at ROC 0 under the new key, and that also works', () => {
    const { oldSender, next } = oldSessionPastWrap();
    const newSender = ctx(next);
    const newReceiver = ctx(next);
    handOffRollover({ context: oldSender, direction: 'outbound' }, [{ context: newSender, direction: 'outbound' }, { context: newReceiver, direction: 'inbound' }], [SSRC], 'reset');
    for (let seq = 10; seq < 20; seq++) expect(send(newSender, newReceiver, SSRC, seq)).toBe(SrtpStatus.Ok);
    expect(newReceiver.getRoc(SSRC)).toBe(0);
  });

  it('why the hand-off matters: a receiver not given the ROC fails every packet', () => {
    const { oldSender, next } = oldSessionPastWrap();
    const newSender = ctx(next);
    const newReceiver = ctx(next);
    handOffRollover({ context: oldSender, direction: 'outbound' }, [{ context: newSender, direction: 'outbound' }], [SSRC]);
    expect(send(newSender, newReceiver, SSRC, 10)).toBe(SrtpStatus.AuthFailed);
  });
});
