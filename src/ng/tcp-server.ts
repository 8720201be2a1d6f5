/**
 * ng over TCP (rtpengine's `--listen-tcp-ng`): messages back to back on a connection, framed by
 * tcp-framer.ts, each reply written on the same connection (replies carry the cookie, so they
 * may come back in any order). Bounded: a connection limit and a per-connection buffer limit;
 * a stream that is not ng is closed.
 */
import net from 'node:net';
import type { Logger } from 'pino';
import type { NgDispatcher } from './dispatcher';
import { NgTcpFramer } from './tcp-framer';

export interface NgTcpServerOptions {
  readonly address: string;
  /** 0: a port from the OS (tests). */
  readonly port: number;
  readonly dispatcher: NgDispatcher;
  readonly logger?: Logger;
  /** Largest message, and most bytes buffered per connection (default 1 MiB). */
  readonly maxMessageBytes?: number;
  /** Most connections at once (default 64: a handful of proxies, each with a few). */
  readonly maxConnections?: number;
}

export class NgTcpServer {
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    private readonly o: NgTcpServerOptions,
  ) {
    server.maxConnections = o.maxConnections ?? 64;
    server.on('connection', (socket) => this.onConnection(socket));
    server.on('error', (err) => o.logger?.warn({ err }, 'ng tcp: server error'));
  }

  static async listen(o: NgTcpServerOptions): Promise<NgTcpServer> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new NgTcpServer(server, o);
  }

  address(): { address: string; port: number } {
    const a = this.server.address() as net.AddressInfo;
    return { address: a.address, port: a.port };
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(socket: net.Socket): void {
    this.sockets.add(socket);
    const framer = new NgTcpFramer(this.o.maxMessageBytes ?? 1024 * 1024);
    const peer = { transport: 'tcp' as const, address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', (err) => this.o.logger?.debug({ err, peer }, 'ng tcp: connection error'));
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
      } catch (err) {
        this.o.logger?.warn({ peer, code: (err as { code?: string }).code }, `ng tcp: closing connection: ${(err as Error).message}`);
        socket.destroy();
        return;
      }
      for (const m of messages) {
        this.o.dispatcher.handle(m, peer).then((reply) => {
          if (reply !== null && !socket.destroyed) socket.write(reply);
        }, (err: unknown) => this.o.logger?.error({ err }, 'ng tcp: dispatcher failed'));
      }
    });
  }
}
