/**
 * A simulated conference bridge: one UDP port that every participant port of the relay sends
 * to. What arrives from one participant's relay port is stamped with the bridge's bit in the
 * via mask and sent to every other participant port of the same stream, as a mixer would
 * forward each talker to the others. Toward a secure bridge each port has its own keys (GET
 * .../conference/keys): the bridge decrypts with the arriving port's keys and re-protects with
 * each destination port's keys; toward a nonsecure bridge everything is plain RTP.
 */
import type dgram from 'node:dgram';
import { parseCryptoAttribute, toSrtpContextOptions, wipeContextOptions } from '../keys';
import { SrtpContext, SrtpStatus } from '../srtp';
import { markVia } from './media-payload';
import type { MediaKind } from './scenario-types';
import type { ResourceCounters } from './sim-inline-resource';
import type { BridgeKeysView } from '../api/dto';
import { bindUdp } from './udp-socket';

/** One participant port as the bridge key delivery reports it (secret when keyed). */
export type BridgePortView = BridgeKeysView['ports'][number];

interface Port {
  readonly stream: MediaKind;
  readonly address: string;
  readonly send: SrtpContext | null;
  readonly recv: SrtpContext | null;
}

export class SimBridge {
  readonly name: string;
  readonly bit: number;
  readonly counters: ResourceCounters = { forwarded: 0, notPlain: 0 };
  /** Relay port → participant port. */
  private ports = new Map<number, Port>();
  private closed = false;

  private constructor(name: string, bit: number, private readonly runId: number, private readonly socket: dgram.Socket) {
    this.name = name;
    this.bit = bit;
    socket.on('message', (data, rinfo) => this.pass(data, rinfo.port));
  }

  static async open(name: string, bit: number, runId: number, bindAddress: string): Promise<SimBridge> {
    return new SimBridge(name, bit, runId, await bindUdp(bindAddress));
  }

  endpoint(bindAddress: string): { address: string; port: number } {
    return { address: bindAddress, port: this.socket.address().port };
  }

  /** The participant ports (and their keys) the relay reports now; old keys are wiped. */
  use(views: readonly BridgePortView[]): void {
    this.clear();
    for (const v of views) {
      if (v.local === null) continue;
      this.ports.set(v.local.rtpPort, {
        stream: v.stream, address: v.local.address,
        send: v.send === undefined ? null : contextFrom(v.send), recv: v.receive === undefined ? null : contextFrom(v.receive),
      });
    }
  }

  resetCounters(): void {
    this.counters.forwarded = 0;
    this.counters.notPlain = 0;
  }

  private pass(data: Buffer, fromPort: number): void {
    const from = this.ports.get(fromPort);
    if (this.closed || from === undefined) return;
    let clear = data;
    if (from.recv !== null) {
      if (from.recv.unprotectRtp(data) !== SrtpStatus.Ok) return;
      clear = Buffer.from(from.recv.output.subarray(0, from.recv.outputLength));
    }
    if (!markVia(clear, clear.length, this.runId, this.bit)) this.counters.notPlain += 1;
    for (const [port, to] of this.ports) {
      if (port === fromPort || to.stream !== from.stream) continue;
      let out = clear;
      if (to.send !== null) {
        if (to.send.protectRtp(clear) !== SrtpStatus.Ok) continue;
        out = Buffer.from(to.send.output.subarray(0, to.send.outputLength));
      }
      this.counters.forwarded += 1;
      this.socket.send(out, port, to.address);
    }
  }

  private clear(): void {
    for (const p of this.ports.values()) {
      p.send?.close();
      p.recv?.close();
    }
    this.ports = new Map();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clear();
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}

function contextFrom(line: string): SrtpContext {
  const attr = parseCryptoAttribute(line);
  const options = toSrtpContextOptions(attr.keySet);
  try {
    return new SrtpContext(options);
  } finally {
    attr.keySet.release();
    wipeContextOptions(options);
  }
}
