/**
 * A simulated transcoder or MTP: two UDP ports, one facing the served leg's relay port
 * (`near`) and one facing the other side's (`far`). What arrives on one leaves on the other,
 * stamped with the resource's bit in the payload's via mask, as a codec change would touch
 * every packet. Media resources take plain RTP (seed 003 "Media resources and encryption"):
 * a packet whose payload is not readable in the clear is counted as `notPlain` (and still
 * forwarded, so the relay's own checks decide its fate).
 */
import type dgram from 'node:dgram';
import { markVia } from './media-payload';
import type { StreamTarget } from './sim-stream';
import { bindUdp } from './udp-socket';

export interface ResourceCounters {
  forwarded: number;
  notPlain: number;
}

export class SimInlineResource {
  readonly name: string;
  /** Bit of this resource in the via mask (0..15). */
  readonly bit: number;
  near: StreamTarget | null = null;
  far: StreamTarget | null = null;
  readonly counters: ResourceCounters = { forwarded: 0, notPlain: 0 };
  private closed = false;

  private constructor(name: string, bit: number, private readonly runId: number, private readonly legSide: dgram.Socket, private readonly peerSide: dgram.Socket) {
    this.name = name;
    this.bit = bit;
    legSide.on('message', (data) => this.pass(data, peerSide, this.far));
    peerSide.on('message', (data) => this.pass(data, legSide, this.near));
  }

  static async open(name: string, bit: number, runId: number, bindAddress: string): Promise<SimInlineResource> {
    const a = await bindUdp(bindAddress);
    try {
      return new SimInlineResource(name, bit, runId, a, await bindUdp(bindAddress));
    } catch (err) {
      a.close();
      throw err;
    }
  }

  /** The `remotes` of the insert request. */
  remotes(bindAddress: string): { leg: { address: string; port: number }; peer: { address: string; port: number } } {
    return { leg: { address: bindAddress, port: this.legSide.address().port }, peer: { address: bindAddress, port: this.peerSide.address().port } };
  }

  resetCounters(): void {
    this.counters.forwarded = 0;
    this.counters.notPlain = 0;
  }

  private pass(data: Buffer, out: dgram.Socket, to: StreamTarget | null): void {
    if (this.closed || to === null) return;
    if (!markVia(data, data.length, this.runId, this.bit)) this.counters.notPlain += 1;
    this.counters.forwarded += 1;
    out.send(data, to.rtpPort, to.address);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [this.legSide, this.peerSide]) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
  }
}
