/**
 * The dgram backend (src/relay/io/dgram-io.ts; the native one sends from its own ring, see
 * test/unit/relay/io/native-io.test.ts): the packet path writes output it sends into a
 * preallocated scratch buffer (src/relay/scratch-buffers.ts). dgram usually hands a datagram to the kernel during `send`;
 * when the kernel queue is full it queues the send and keeps a reference to the buffer until the
 * datagram really leaves. A datagram still in that queue must never be overwritten by the next
 * packet: after such a send the path takes a fresh scratch buffer (`renew*`). Here the peer
 * leg's socket plays a full kernel queue (it keeps the buffers it was given, as libuv does, and
 * reports them in getSendQueueCount); when the queue drains, every datagram must carry its own
 * packet.
 */
import type { Buffer as NodeBuffer } from 'node:buffer';
import { MediaRelay } from '../../../src/relay';
import type { DgramSocket } from '../../../src/relay/io/dgram-io';
import type { MediaEngine } from '../../../src/relay/media-engine';
import type { MediaLeg } from '../../../src/relay/media-leg';
import { relayPortRange } from '../../helpers/port-ranges';
import { keysFor, protectRtp, rtpPacket, SrtpContext, SrtpStatus, unprotect } from './helpers';

/** Stands in for a socket's send side: a kernel queue that is full (queued) or not (sent at once). */
class SendQueue {
  full = false;
  /** Sends waiting in the queue: the caller's buffer itself, as libuv holds it. */
  private readonly queued: { buf: NodeBuffer; offset: number; length: number }[] = [];
  /** What actually left, copied at the moment it left. */
  readonly wire: NodeBuffer[] = [];
  /** Every buffer object `send` was handed, in order. */
  readonly buffers: NodeBuffer[] = [];

  attach(leg: MediaLeg): void {
    const socket = (leg.rtpSocket as DgramSocket).socket as unknown as { send: (b: NodeBuffer, o: number, l: number) => void; getSendQueueCount: () => number };
    socket.send = (buf, offset, length) => {
      this.buffers.push(buf);
      if (this.full) this.queued.push({ buf, offset, length });
      else this.wire.push(Buffer.from(buf.subarray(offset, offset + length)));
    };
    socket.getSendQueueCount = () => this.queued.length;
  }

  /** The kernel catches up: queued datagrams leave with whatever their buffers hold now. */
  drain(): void {
    for (const q of this.queued.splice(0)) this.wire.push(Buffer.from(q.buf.subarray(q.offset, q.offset + q.length)));
  }
}

describe('scratch buffer renewal (a queued datagram is never overwritten)', () => {
  let relay: MediaRelay;
  let engine: MediaEngine;
  // The phones' addresses (signaling only: their sockets are never opened, sends are captured).
  const [remotePlain] = relayPortRange(4);
  const remoteSrtp = remotePlain + 2;
  beforeAll(async () => {
    relay = await MediaRelay.create({ portRange: relayPortRange(20), bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent', io: 'dgram' });
    engine = relay.inlineEngine()!;
    expect(engine.io.name).toBe('dgram');
  });
  afterAll(() => relay?.close());

  /** Leg `plain` (RTP) and leg `srtp` (SRTP both ways) of one call: plain→srtp protects, srtp→plain unprotects. */
  async function call(id: string): Promise<{ plain: MediaLeg; srtp: MediaLeg; toPhone: SrtpContext; fromPhone: SrtpContext }> {
    const inbound = keysFor('AES_CM_128_HMAC_SHA1_80');
    const outbound = keysFor('AES_CM_128_HMAC_SHA1_80');
    const c = await relay.createCall(id);
    await c.addLeg({ id: 'plain', remote: { address: '127.0.0.1', port: remotePlain }, rtcpMux: true, srtp: null });
    await c.addLeg({ id: 'srtp', remote: { address: '127.0.0.1', port: remoteSrtp }, rtcpMux: true, srtp: { inbound, outbound } });
    await c.connect('plain', 'srtp');
    // The phone on the SRTP leg: it sends with the leg's inbound keys and receives with its outbound ones.
    return { plain: engine.leg(id, 'plain'), srtp: engine.leg(id, 'srtp'), toPhone: new SrtpContext(outbound), fromPhone: new SrtpContext(inbound) };
  }

  it('protect output: every datagram queued behind a full kernel queue keeps its own packet', async () => {
    const { plain, srtp, toPhone } = await call('protect');
    const q = new SendQueue();
    q.attach(srtp);
    const before = engine.scratch.renewals;
    q.full = true;
    const N = 8;
    for (let seq = 0; seq < N; seq++) engine.path.handle(plain, rtpPacket(0x1111, seq), '127.0.0.1', remotePlain, false);
    expect(engine.scratch.renewals - before).toBe(N);
    expect(new Set(q.buffers).size).toBe(N);
    q.drain();
    expect(q.wire).toHaveLength(N);
    q.wire.forEach((datagram, seq) => {
      const r = unprotect(toPhone, datagram);
      expect(r.status).toBe(SrtpStatus.Ok);
      expect(r.clear).toEqual(rtpPacket(0x1111, seq));
    });
  });

  it('unprotect output: every datagram queued behind a full kernel queue keeps its own packet', async () => {
    const { plain, srtp, fromPhone } = await call('unprotect');
    const q = new SendQueue();
    q.attach(plain);
    const before = engine.scratch.renewals;
    q.full = true;
    const N = 8;
    for (let seq = 0; seq < N; seq++) engine.path.handle(srtp, protectRtp(fromPhone, rtpPacket(0x2222, seq)), '127.0.0.1', remoteSrtp, false);
    expect(engine.scratch.renewals - before).toBe(N);
    q.drain();
    expect(q.wire).toEqual(Array.from({ length: N }, (_, seq) => rtpPacket(0x2222, seq)));
  });

  it('keeps one scratch buffer while sends leave at once (no allocation in the steady state)', async () => {
    const { plain, srtp, toPhone } = await call('steady');
    const q = new SendQueue();
    q.attach(srtp);
    const before = engine.scratch.renewals;
    for (let seq = 0; seq < 8; seq++) engine.path.handle(plain, rtpPacket(0x3333, seq), '127.0.0.1', remotePlain, false);
    expect(engine.scratch.renewals).toBe(before);
    expect(new Set(q.buffers).size).toBe(1);
    expect(q.buffers[0]).toBe(engine.scratch.protected);
    q.wire.forEach((datagram, seq) => expect(unprotect(toPhone, datagram).clear).toEqual(rtpPacket(0x3333, seq)));
    // Then the queue fills: the buffer handed over is renewed, the next packet goes elsewhere.
    q.full = true;
    engine.path.handle(plain, rtpPacket(0x3333, 8), '127.0.0.1', remotePlain, false);
    expect(engine.scratch.renewals).toBe(before + 1);
    expect(engine.scratch.protected).not.toBe(q.buffers[8]);
  });

  it('forwards received buffers without touching the scratch buffers (plain to plain)', async () => {
    const c = await relay.createCall('forward');
    await c.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: remotePlain }, rtcpMux: true, srtp: null });
    await c.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: remoteSrtp }, rtcpMux: true, srtp: null });
    await c.connect('a', 'b');
    const q = new SendQueue();
    q.attach(engine.leg('forward', 'b'));
    q.full = true;
    const before = engine.scratch.renewals;
    const packets = [0, 1, 2].map((seq) => rtpPacket(0x4444, seq));
    for (const p of packets) engine.path.handle(engine.leg('forward', 'a'), p, '127.0.0.1', remotePlain, false);
    // The received Buffer is dgram's own and fresh per datagram: queuing it needs no renewal.
    expect(engine.scratch.renewals).toBe(before);
    expect(q.buffers).toEqual(packets);
    q.drain();
    expect(q.wire).toEqual(packets);
  });
});
