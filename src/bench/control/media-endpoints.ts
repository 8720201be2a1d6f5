/**
 * The two phones of each benchmark call in the memory measurement, on loopback: one UDP socket
 * each, a few SRTP packets sent through the relay both ways, and a count of what came back
 * that authenticates with the key the relay gave each phone. So every bridged call the memory
 * figure divides by has really had media in both directions, with whatever the relay builds on
 * the first packets (SRTP session state, keystream buffers) in place.
 */
import dgram from 'node:dgram';
import { SrtpContext } from '../../srtp/srtp-context';
import { SrtpStatus, srtpStatusName } from '../../srtp/srtp-status';
import type { CallConfig, EndpointConfig, OpenedCall } from '../relay/generator-messages';
import { sdesContext } from '../relay/sdes-key';

const PAYLOAD = 160; // G.711, 20 ms

interface Phone {
  readonly socket: dgram.Socket;
  send: SrtpContext | null;
  recv: SrtpContext | null;
  to: EndpointConfig | null;
  /** Last RTP sequence number sent (each phone sends in every later round too). */
  seq: number;
  received: number;
  verified: number;
}

async function openPhone(): Promise<Phone> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const phone: Phone = { socket, send: null, recv: null, to: null, seq: 0, received: 0, verified: 0 };
  socket.on('message', (msg) => {
    phone.received++;
    if (phone.recv !== null && phone.recv.unprotectRtp(msg) === SrtpStatus.Ok) phone.verified++;
  });
  return phone;
}

function rtp(ssrc: number, seq: number): Buffer {
  const b = Buffer.alloc(12 + PAYLOAD, 0xd5);
  b[0] = 0x80;
  b[1] = 0; // PCMU
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(seq * 160, 4);
  b.writeUInt32BE(ssrc, 8);
  return b;
}

export class MediaEndpoints {
  private readonly phones: Phone[] = [];

  /** Open the two phones of `count` calls; their ports go into the calls' SDP. */
  async open(count: number): Promise<OpenedCall[]> {
    const out: OpenedCall[] = [];
    for (let i = 0; i < count; i++) {
      const a = await openPhone();
      const b = await openPhone();
      this.phones.push(a, b);
      out.push({ a: a.socket.address().port, b: b.socket.address().port });
    }
    return out;
  }

  /** Keys and relay addresses of the calls opened last (in `open` order). */
  configure(calls: readonly CallConfig[]): void {
    const first = this.phones.length - calls.length * 2;
    calls.forEach((c, i) => {
      for (const [phone, cfg] of [[this.phones[first + 2 * i], c.a], [this.phones[first + 2 * i + 1], c.b]] as const) {
        phone.to = cfg;
        phone.send = cfg.send === null ? null : sdesContext(cfg.send);
        phone.recv = cfg.recv === null ? null : sdesContext(cfg.recv);
      }
    });
  }

  /** `packets` SRTP packets from every configured phone, 2 ms between rounds, then a settle time. */
  async sendMedia(packets: number, settleMs = 500): Promise<void> {
    for (let n = 0; n < packets; n++) {
      this.phones.forEach((p, i) => {
        if (p.to === null || p.send === null) return;
        const pkt = rtp(0x5000_0000 + i, ++p.seq);
        const status = p.send.protectRtp(pkt);
        if (status !== SrtpStatus.Ok) throw new Error(`bench phone: protect failed: ${srtpStatusName(status)}`);
        p.socket.send(Buffer.from(p.send.output.subarray(0, p.send.outputLength)), p.to.relayPort, p.to.relayAddress);
      });
      await new Promise((r) => setTimeout(r, 2));
    }
    await new Promise((r) => setTimeout(r, settleMs));
  }

  /** Phones configured, and how many got at least one packet that authenticated. */
  delivery(): { phones: number; verified: number } {
    const configured = this.phones.filter((p) => p.to !== null);
    return { phones: configured.length, verified: configured.filter((p) => p.verified > 0).length };
  }

  close(): void {
    for (const p of this.phones) {
      p.socket.close();
      p.send?.close();
      p.recv?.close();
    }
    this.phones.length = 0;
  }
}
