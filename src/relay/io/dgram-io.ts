/**
 * The node:dgram backend: exactly the relay's socket layer before the native one existed.
 * One 'message' callback per datagram (a new Buffer and rinfo each), sends through
 * `socket.send` with one bound completion per socket.
 *
 * The send buffer is the worker's `protected` scratch buffer. dgram normally hands a datagram
 * to the kernel during `send`; when the kernel queue is full it queues the send and keeps the
 * buffer, so the scratch buffer is renewed then and the queued datagram is never overwritten.
 */
import dgram from 'node:dgram';
import type { ScratchBuffers } from '../scratch-buffers';
import type { MediaSocket, PacketIo, SocketCallbacks } from './packet-io';

export class DgramSocket implements MediaSocket {
  private callbacks: SocketCallbacks | null = null;
  private readonly onSent = (err: Error | null, bytes?: number): void => {
    if (err === null || err === undefined) this.callbacks?.sent(null, bytes ?? 0);
    else this.callbacks?.sent((err as NodeJS.ErrnoException).code ?? err.name, 0);
  };

  constructor(
    /** The dgram socket itself (tests replace its `send` to play a full kernel queue). */
    readonly socket: dgram.Socket,
    private readonly scratch: ScratchBuffers,
  ) {}

  start(callbacks: SocketCallbacks): void {
    if (this.callbacks !== null) return;
    this.callbacks = callbacks;
    const { packet, sent } = callbacks;
    // Anything else the socket reports as an 'error' event counts as a failed send, never thrown.
    this.socket.on('error', (err: NodeJS.ErrnoException) => sent(err.code ?? err.name, 0));
    this.socket.on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => packet(msg, msg.length, rinfo.address, rinfo.port));
  }

  send(buf: Buffer, offset: number, length: number, port: number, address: string): void {
    try {
      this.socket.send(buf, offset, length, port, address, this.onSent);
    } catch (err) {
      // Synchronous refusals (socket closed under us): counted like asynchronous ones.
      this.callbacks?.sent((err as NodeJS.ErrnoException).code ?? 'ERR_SOCKET_DGRAM_NOT_RUNNING', 0);
      return;
    }
    if (this.socket.getSendQueueCount() > 0) {
      if (buf === this.scratch.protected) this.scratch.renewProtected();
      else if (buf === this.scratch.unprotected) this.scratch.renewUnprotected();
    }
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}

export class DgramIo implements PacketIo {
  readonly name = 'dgram' as const;

  constructor(private readonly scratch: ScratchBuffers) {}

  bind(family: 4 | 6, address: string, port: number): Promise<MediaSocket> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', ipv6Only: false });
      const onError = (err: Error): void => {
        try {
          socket.close();
        } catch {
          // closed
        }
        reject(err);
      };
      socket.once('error', onError);
      socket.bind({ address, port, exclusive: true }, () => {
        socket.off('error', onError);
        resolve(new DgramSocket(socket, this.scratch));
      });
    });
  }

  sendBuffer(): Buffer {
    return this.scratch.protected;
  }

  close(): void {
    // Sockets belong to legs, which close them; the scratch buffers belong to the engine.
  }
}
