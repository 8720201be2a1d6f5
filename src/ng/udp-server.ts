/**
 * ng over UDP (rtpengine's `--listen-ng`, default 127.0.0.1:2223): one request per datagram, the
 * reply sent back to the datagram's source. Datagrams up to 64 KiB are accepted (the socket's
 * receive buffer is sized for bursts of them); a reply too large for one datagram is replaced by
 * an error reply so the proxy is not left waiting.
 */
import dgram from 'node:dgram';
import type { Logger } from 'pino';
import type { NgDispatcher } from './dispatcher';
import { errorReply } from './replies';
import { encodeFrame, splitFrame } from './framing';

/** Largest UDP payload over IPv4 (65535 - 20 IP - 8 UDP). */
export const MAX_NG_DATAGRAM = 65507;

export interface NgUdpServerOptions {
  readonly address: string;
  /** 0: a port from the OS (tests). */
  readonly port: number;
  readonly dispatcher: NgDispatcher;
  readonly logger?: Logger;
}

export class NgUdpServer {
  /** Replies that could not be sent (socket errors). */
  sendErrors = 0;
  /** Replies dropped because the server closed while their request was being handled. */
  repliesAfterClose = 0;
  private closed = false;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly dispatcher: NgDispatcher,
    private readonly logger: Logger | undefined,
  ) {
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    // An ICMP error from a proxy that went away must not take the control socket down.
    socket.on('error', (err) => this.logger?.warn({ err }, 'ng udp: socket error'));
  }

  static async listen(o: NgUdpServerOptions): Promise<NgUdpServer> {
    const socket = dgram.createSocket({ type: o.address.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(o.port, o.address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new NgUdpServer(socket, o.dispatcher, o.logger);
  }

  address(): { address: string; port: number } {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  async close(): Promise<void> {
    this.closed = true;
    await new Promise<void>((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    this.dispatcher.handle(msg, { transport: 'udp', address: rinfo.address, port: rinfo.port }).then((reply) => {
      if (reply === null) return;
      // A request still in the call-control layer at shutdown: dgram's send on a closed socket
      // throws synchronously, which here would be an unhandled rejection and take the process down.
      if (this.closed) {
        this.repliesAfterClose++;
        return;
      }
      let out = reply;
      if (out.length > MAX_NG_DATAGRAM) {
        const frame = splitFrame(msg);
        out = encodeFrame(frame.cookie, errorReply(`reply of ${reply.length} bytes does not fit a UDP datagram`), frame.format);
      }
      this.socket.send(out, rinfo.port, rinfo.address, (err) => {
        if (err) {
          this.sendErrors++;
          this.logger?.warn({ err }, 'ng udp: reply not sent');
        }
      });
    }, (err: unknown) => this.logger?.error({ err }, 'ng udp: dispatcher failed'));
  }
}
