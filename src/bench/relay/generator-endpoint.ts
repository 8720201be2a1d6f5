/**
 * One phone of a benchmark call inside the load generator: a loopback UDP socket that sends a
 * G.711 stream (172-byte RTP: 12-byte header + 160-byte payload, 20 ms) to its relay leg,
 * optionally as SRTP, and receives the other phone's stream back from the relay.
 *
 * Latency and loss come from a ring of send times indexed by sequence number (the sequence
 * number is in clear in SRTP too), so the receive path needs no decryption; one packet in 50
 * is fully unprotected with the receiver's keys and its payload checked, to prove the relay
 * produced what the receiver expects (right keys, right bytes).
 */
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { type SrtpContext, SrtpStatus, srtpStatusName } from '../../srtp';
import type { LatencyHistogram } from './latency-histogram';
import { sdesContext, type SdesKey } from './sdes-key';

export const RTP_HEADER = 12;
export const G711_PAYLOAD = 160;
export const RTP_PACKET = RTP_HEADER + G711_PAYLOAD;
/** Send-time ring: 1024 packets = 20 s of one stream, far longer than any drain. */
const RING = 1024;
const RING_MASK = RING - 1;
const VERIFY_EVERY = 50;
/** Payload layout: float64 send time (ms, performance.now) at 12, uint32 stream id at 20. */
const TIME_OFFSET = RTP_HEADER;
const STREAM_OFFSET = RTP_HEADER + 8;

/** Counters shared by all endpoints of the generator (one object, plain number fields). */
export class GeneratorTotals {
  sent = 0;
  received = 0;
  unmatched = 0;
  verified = 0;
  verifyFailures = 0;
  verifyFailureKind: string | null = null;
  sendErrors = 0;
  /** Sends count as measured only while true. */
  measuring = false;

  constructor(readonly latency: LatencyHistogram) {}

  reset(): void {
    this.sent = 0;
    this.received = 0;
    this.unmatched = 0;
    this.verified = 0;
    this.verifyFailures = 0;
    this.verifyFailureKind = null;
    this.sendErrors = 0;
    this.latency.reset();
  }
}

export class GeneratorEndpoint {
  readonly ssrc: number;
  private seq: number;
  private timestamp: number;
  private packet = Buffer.alloc(RTP_PACKET);
  private out = Buffer.alloc(RTP_PACKET + 32);
  private readonly scratch = Buffer.alloc(RTP_PACKET + 32);
  /** performance.now() of each measured send, by seq & RING_MASK; 0 when not measured/already received. */
  readonly sendTimes = new Float64Array(RING);
  peer: GeneratorEndpoint | null = null;
  private sendCtx: SrtpContext | null = null;
  private recvCtx: SrtpContext | null = null;
  private configured = false;

  private constructor(
    readonly socket: dgram.Socket,
    readonly port: number,
    readonly streamId: number,
    private readonly totals: GeneratorTotals,
  ) {
    this.ssrc = (0x5000_0000 + streamId * 7919) >>> 0;
    // Start well below 2^16 so no stream wraps during a run: a receiver that only unprotects
    // sampled packets must not join a stream after its first rollover (it would guess ROC 0).
    this.seq = (streamId * 131) % 30_000;
    this.timestamp = (streamId * 977) >>> 0;
    this.packet[0] = 0x80; // V=2
    this.packet[1] = 0; // PT 0 = PCMU
    this.packet.writeUInt32BE(this.ssrc, 8);
    this.packet.writeUInt32BE(streamId >>> 0, STREAM_OFFSET);
    for (let i = STREAM_OFFSET + 4; i < RTP_PACKET; i++) this.packet[i] = 0xff; // μ-law silence
    // One closure per socket, made once.
    socket.on('message', (msg: Buffer) => this.onPacket(msg));
    socket.on('error', () => {
      totals.sendErrors += 1;
    });
  }

  static async open(streamId: number, totals: GeneratorTotals): Promise<GeneratorEndpoint> {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20, sendBufferSize: 1 << 20 });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new GeneratorEndpoint(socket, socket.address().port, streamId, totals);
  }

  /** Connect to the relay leg (sends then need no address lookup) and set keys. */
  async configure(address: string, port: number, send: SdesKey | null, recv: SdesKey | null): Promise<void> {
    if (this.configured) throw new Error(`endpoint ${this.streamId} is already configured`);
    this.sendCtx = send === null ? null : sdesContext(send);
    this.recvCtx = recv === null ? null : sdesContext(recv);
    if (this.sendCtx !== null) this.out = Buffer.alloc(RTP_PACKET + this.sendCtx.protectOverhead);
    await new Promise<void>((resolve) => this.socket.connect(port, address, resolve));
    this.configured = true;
  }

  /** Send the next packet of this endpoint's stream. */
  send(now: number): void {
    if (!this.configured) return;
    const seq = (this.seq = (this.seq + 1) & 0xffff);
    this.timestamp = (this.timestamp + G711_PAYLOAD) >>> 0;
    const p = this.packet;
    p.writeUInt16BE(seq, 2);
    p.writeUInt32BE(this.timestamp, 4);
    p.writeDoubleBE(now, TIME_OFFSET);
    const t = this.totals;
    if (t.measuring) {
      this.sendTimes[seq & RING_MASK] = now;
      t.sent += 1;
    } else {
      this.sendTimes[seq & RING_MASK] = 0;
    }
    if (this.sendCtx === null) {
      this.socket.send(p, 0, RTP_PACKET);
    } else {
      const st = this.sendCtx.protectRtp(p, this.out, RTP_PACKET);
      if (st !== SrtpStatus.Ok) {
        t.sendErrors += 1;
        return;
      }
      this.socket.send(this.out, 0, this.sendCtx.outputLength);
    }
    // dgram normally hands the datagram to the kernel at once; when the socket buffer is full
    // libuv queues it and keeps a reference to our buffer, which the next packet must not
    // overwrite. Give the queued buffer up and continue in fresh ones.
    if (this.socket.getSendQueueCount() > 0) {
      this.packet = Buffer.from(this.packet);
      this.out = Buffer.alloc(this.out.length);
    }
  }

  private onPacket(msg: Buffer): void {
    const peer = this.peer;
    const t = this.totals;
    if (peer === null || msg.length < RTP_HEADER) {
      t.unmatched += 1;
      return;
    }
    const seq = msg.readUInt16BE(2);
    const slot = seq & RING_MASK;
    const sentAt = peer.sendTimes[slot];
    if (sentAt <= 0) {
      t.unmatched += 1;
    } else {
      peer.sendTimes[slot] = 0;
      t.received += 1;
      t.latency.record(performance.now() - sentAt);
    }
    if (seq % VERIFY_EVERY === 0) this.verify(msg, peer.streamId);
  }

  private verify(msg: Buffer, expectedStream: number): void {
    const t = this.totals;
    let plain: Buffer = msg;
    let length = msg.length;
    if (this.recvCtx !== null) {
      const st = this.recvCtx.unprotectRtp(msg, this.scratch, msg.length);
      if (st !== SrtpStatus.Ok) {
        t.verifyFailures += 1;
        t.verifyFailureKind ??= srtpStatusName(st);
        return;
      }
      plain = this.scratch;
      length = this.recvCtx.outputLength;
    }
    if (length !== RTP_PACKET || plain.readUInt32BE(STREAM_OFFSET) !== expectedStream || !(plain.readDoubleBE(TIME_OFFSET) > 0)) {
      t.verifyFailures += 1;
      t.verifyFailureKind ??= length !== RTP_PACKET ? `length ${length}` : 'payload mismatch';
      return;
    }
    t.verified += 1;
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // closed
    }
    this.sendCtx?.close();
    this.recvCtx?.close();
  }
}
