/**
 * Loopback test endpoints for the relay: a UDP socket that records what it receives, RTP/RTCP
 * packet builders, and SRTP key material. Shared by the relay integration tests.
 */
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { resolveProfile, SrtpContext, SrtpStatus, type SrtpContextOptions } from '../../../src/srtp';

export class Endpoint {
  readonly received: Buffer[] = [];
  readonly sources: { address: string; port: number }[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (msg, rinfo) => {
      this.received.push(msg);
      this.sources.push({ address: rinfo.address, port: rinfo.port });
      this.waiters = this.waiters.filter((w) => {
        if (this.received.length >= w.count) w.resolve();
        return this.received.length < w.count;
      });
    });
  }

  static async open(address = '127.0.0.1'): Promise<Endpoint> {
    const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve) => socket.bind(0, address, resolve));
    return new Endpoint(socket);
  }

  get address(): string {
    return this.socket.address().address;
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(packet: Uint8Array, port: number, address = '127.0.0.1'): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(packet, port, address, (err) => (err ? reject(err) : resolve())));
  }

  /** Resolve once `count` datagrams have arrived in total; reject after `ms`. */
  waitFor(count: number, ms = 3000): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out: ${this.received.length} of ${count} datagrams`)), ms);
      this.waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // closed
    }
  }
}

/** Let in-flight loopback datagrams land (for "nothing arrived" checks). */
export function settle(ms = 150): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** An RTP packet (RFC 3550 §5.1) with a payload that encodes its sequence number. */
export function rtpPacket(ssrc: number, seq: number, payloadLength = 160, pt = 0): Buffer {
  const p = Buffer.alloc(12 + payloadLength);
  p[0] = 0x80;
  p[1] = pt & 0x7f;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE((seq * 160) >>> 0, 4);
  p.writeUInt32BE(ssrc >>> 0, 8);
  for (let i = 0; i < payloadLength; i++) p[12 + i] = (seq + i * 7) & 0xff;
  return p;
}

/** A receiver report (RFC 3550 §6.4.2) with no report blocks plus padding-free filler. */
export function rtcpPacket(ssrc: number, marker = 0): Buffer {
  const p = Buffer.alloc(8 + 24);
  p[0] = 0x81; // V=2, RC=1
  p[1] = 201; // RR
  p.writeUInt16BE(p.length / 4 - 1, 2);
  p.writeUInt32BE(ssrc >>> 0, 4);
  p.writeUInt32BE(0x11223344, 8);
  p.writeUInt32BE(marker >>> 0, 12);
  return p;
}

/** Fresh random key material for a profile. */
export function keysFor(profile: string, extra: Partial<SrtpContextOptions> = {}): SrtpContextOptions {
  const p = resolveProfile(profile);
  return { profile: p.name, keys: { key: randomBytes(p.masterKeyLength), salt: randomBytes(p.masterSaltLength) }, ...extra };
}

/** Protect/unprotect helpers for a test endpoint (which plays a phone). */
export function protectRtp(ctx: SrtpContext, packet: Uint8Array): Buffer {
  const st = ctx.protectRtp(packet);
  if (st !== SrtpStatus.Ok) throw new Error(`protectRtp: ${st}`);
  return Buffer.from(ctx.output.subarray(0, ctx.outputLength));
}

export function protectRtcp(ctx: SrtpContext, packet: Uint8Array): Buffer {
  const st = ctx.protectRtcp(packet);
  if (st !== SrtpStatus.Ok) throw new Error(`protectRtcp: ${st}`);
  return Buffer.from(ctx.output.subarray(0, ctx.outputLength));
}

/** Unprotect, returning the status and (on Ok) a copy of the clear packet. */
export function unprotect(ctx: SrtpContext, packet: Uint8Array, rtcp = false): { status: SrtpStatus; clear: Buffer } {
  const status = rtcp ? ctx.unprotectRtcp(packet) : ctx.unprotectRtp(packet);
  return { status, clear: status === SrtpStatus.Ok ? Buffer.from(ctx.output.subarray(0, ctx.outputLength)) : Buffer.alloc(0) };
}

export { SrtpContext, SrtpStatus };
