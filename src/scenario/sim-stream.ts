/**
 * One media stream of a simulated device: an RTP and an RTCP socket (one with rtcp-mux), a
 * sender of numbered RTP packets — protected with its SRTP context when its leg is SRTP — and
 * a receiver that tells plain RTP from SRTP on the wire, authenticates and decrypts, and
 * records every packet in the reception log.
 */
import type dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { SrtpContext, SrtpStatus } from '../srtp';
import { PAYLOAD_BYTES, readPayloadId, TIMESTAMP_STEP, writePacket } from './media-payload';
import type { ReceptionLog } from './reception-log';
import type { MediaKind } from './scenario-types';
import { bindUdp } from './udp-socket';

export interface StreamTarget {
  readonly address: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
}

/** Shared by every stream of one scenario run. */
export interface SimContext {
  readonly runId: number;
  readonly log: ReceptionLog;
  /** Address the simulated devices bind and announce to the relay. */
  readonly bindAddress: string;
  /** SSRC → sender number, to attribute packets that fail authentication. */
  readonly ssrcOwners: Map<number, number>;
}

/** Room for the largest payload plus SRTP tag and MKI. */
const PACKET_ROOM = 12 + PAYLOAD_BYTES.video + 64;

export class SimStream {
  readonly owner: string;
  readonly kind: MediaKind;
  /** Number carried in every payload so receivers know who sent it. */
  readonly senderNo: number;
  /** Packets sent in the current window. */
  sent = 0;
  /** How this stream sends: SRTP with its context, or plain RTP. */
  mode: 'srtp' | 'rtp' = 'rtp';
  target: StreamTarget | null = null;
  rtcpReceived = 0;
  private ssrc = 0;
  private seq = 0;
  private timestamp = 0;
  private sendCtx: SrtpContext | null = null;
  private recvCtx: SrtpContext | null = null;
  private readonly scratch = Buffer.alloc(PACKET_ROOM);
  private closed = false;

  private constructor(
    owner: string, kind: MediaKind, senderNo: number,
    private readonly ctx: SimContext,
    private readonly rtp: dgram.Socket,
    private readonly rtcp: dgram.Socket | null,
    receives: boolean,
  ) {
    this.owner = owner;
    this.kind = kind;
    this.senderNo = senderNo;
    this.newSsrc();
    if (receives) rtp.on('message', (data) => this.onRtp(data));
    rtcp?.on('message', () => {
      this.rtcpReceived += 1;
    });
  }

  static async open(owner: string, kind: MediaKind, senderNo: number, ctx: SimContext, options: { rtcpMux: boolean; receives: boolean }): Promise<SimStream> {
    const rtp = await bindUdp(ctx.bindAddress);
    let rtcp: dgram.Socket | null = null;
    if (!options.rtcpMux) {
      try {
        rtcp = await bindUdp(ctx.bindAddress);
      } catch (err) {
        rtp.close();
        throw err;
      }
    }
    return new SimStream(owner, kind, senderNo, ctx, rtp, rtcp, options.receives);
  }

  /** Where the relay should send this stream (the `remote` of a leg or resource). */
  get endpoint(): { address: string; port: number; rtcpPort?: number } {
    const port = this.rtp.address().port;
    return this.rtcp === null ? { address: this.ctx.bindAddress, port } : { address: this.ctx.bindAddress, port, rtcpPort: this.rtcp.address().port };
  }

  get hasKeys(): boolean {
    return this.sendCtx !== null;
  }

  /** Contexts from the key delivery or the SDES exchange; replaces (and wipes) older ones. */
  setKeys(send: SrtpContext | null, recv: SrtpContext | null): void {
    this.sendCtx?.close();
    this.recvCtx?.close();
    this.sendCtx = send;
    this.recvCtx = recv;
  }

  /** A new SSRC and a random starting sequence number and timestamp (RFC 3550 §5.1, §8). */
  newSsrc(): void {
    let ssrc: number;
    do ssrc = randomBytes(4).readUInt32BE(0);
    while (this.ctx.ssrcOwners.has(ssrc));
    this.ssrc = ssrc;
    this.ctx.ssrcOwners.set(ssrc, this.senderNo);
    this.seq = randomBytes(2).readUInt16BE(0) & 0x7fff;
    this.timestamp = randomBytes(4).readUInt32BE(0);
  }

  /** Send packet `index` of `window` to the current target; false when it could not be built. */
  sendPacket(window: number, index: number): boolean {
    if (this.closed || this.target === null) return false;
    const length = writePacket(this.scratch, {
      kind: this.kind, ssrc: this.ssrc, seq: this.seq, timestamp: this.timestamp, marker: index === 0,
      runId: this.ctx.runId, window, sender: this.senderNo, index,
    });
    this.seq = (this.seq + 1) & 0xffff;
    this.timestamp = (this.timestamp + TIMESTAMP_STEP[this.kind]) >>> 0;
    let out: Buffer;
    if (this.mode === 'srtp') {
      const ctx = this.sendCtx;
      if (ctx === null || ctx.protectRtp(this.scratch, undefined, length) !== SrtpStatus.Ok) return false;
      out = Buffer.from(ctx.output.subarray(0, ctx.outputLength));
    } else {
      out = Buffer.from(this.scratch.subarray(0, length));
    }
    this.sent += 1;
    this.rtp.send(out, this.target.rtpPort, this.target.address);
    return true;
  }

  private onRtp(data: Buffer): void {
    const log = this.ctx.log;
    const plain = readPayloadId(data, data.length, this.ctx.runId);
    if (plain !== null) {
      log.received(this.owner, this.kind, plain.window, plain.sender, plain.index, 'rtp', plain.via);
      return;
    }
    const sender = data.length >= 12 ? this.ctx.ssrcOwners.get(data.readUInt32BE(8)) ?? null : null;
    const ctx = this.recvCtx;
    if (ctx === null || ctx.unprotectRtp(data) !== SrtpStatus.Ok) {
      log.failed(this.owner, this.kind, sender);
      return;
    }
    const clear = Buffer.from(ctx.output.buffer, ctx.output.byteOffset, ctx.outputLength);
    const id = readPayloadId(clear, clear.length, this.ctx.runId);
    if (id === null) log.failed(this.owner, this.kind, sender);
    else log.received(this.owner, this.kind, id.window, id.sender, id.index, 'srtp', id.via);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.setKeys(null, null);
    for (const s of [this.rtp, this.rtcp]) {
      try {
        s?.close();
      } catch {
        // already closed
      }
    }
  }
}
