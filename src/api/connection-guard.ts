/**
 * TCP connections to the API: counted per process and per source address, refused over the
 * limits with a short 503 (`API_ERR_TOO_MANY_CONNECTIONS`), and closed when they have not sent
 * an authenticated request within `unauthenticatedTimeoutMs` (half-open and token-less
 * connections must not hold file descriptors). Also the list of every open socket, so shutdown
 * can cut what is left after its grace period, whatever state the HTTP parser is in.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { API_ERRORS } from './errors';

export type ConnectionRefusal = 'connections' | 'connections_per_source' | 'unauthenticated_timeout';

interface Tracked {
  readonly source: string;
  timer: NodeJS.Timeout | null;
}

const REFUSAL_BODY = JSON.stringify({ error: { code: 'API_ERR_TOO_MANY_CONNECTIONS', message: API_ERRORS.API_ERR_TOO_MANY_CONNECTIONS.message } });
const REFUSAL = `HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(REFUSAL_BODY)}\r\nConnection: close\r\nRetry-After: 1\r\n\r\n${REFUSAL_BODY}`;

export class ConnectionGuard {
  private readonly sockets = new Map<Socket, Tracked>();
  private readonly perSource = new Map<string, number>();
  /** Refused sockets linger ~100 ms for the 503 to leave; a request on one is refused too. */
  private readonly refusedSockets = new WeakSet<Socket>();

  constructor(
    private readonly limits: { readonly maxConnections: number; readonly maxConnectionsPerSource: number; readonly unauthenticatedTimeoutMs: number },
    private readonly onRefusal: (why: ConnectionRefusal, source: string) => void,
  ) {}

  get size(): number {
    return this.sockets.size;
  }

  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
  }

  private admit(socket: Socket): void {
    const source = socket.remoteAddress ?? '';
    const fromSource = this.perSource.get(source) ?? 0;
    if (this.sockets.size >= this.limits.maxConnections || fromSource >= this.limits.maxConnectionsPerSource) {
      this.onRefusal(this.sockets.size >= this.limits.maxConnections ? 'connections' : 'connections_per_source', source);
      this.refusedSockets.add(socket);
      refuse(socket);
      return;
    }
    const tracked: Tracked = { source, timer: null };
    tracked.timer = setTimeout(() => {
      tracked.timer = null;
      this.onRefusal('unauthenticated_timeout', source);
      socket.destroy();
    }, this.limits.unauthenticatedTimeoutMs);
    tracked.timer.unref();
    this.sockets.set(socket, tracked);
    this.perSource.set(source, fromSource + 1);
    socket.once('close', () => this.forget(socket));
  }

  /** Was this connection refused (over a limit)? Its requests must not reach a handler. */
  refused(socket: Socket): boolean {
    return this.refusedSockets.has(socket);
  }

  /** The socket carried a request with the right token: it may stay (idle timeouts still apply). */
  authenticated(socket: Socket): void {
    const tracked = this.sockets.get(socket);
    if (tracked !== undefined && tracked.timer !== null) {
      clearTimeout(tracked.timer);
      tracked.timer = null;
    }
  }

  /** Shutdown: cut every connection still open. */
  destroyAll(): void {
    for (const socket of [...this.sockets.keys()]) socket.destroy();
  }

  private forget(socket: Socket): void {
    const tracked = this.sockets.get(socket);
    if (tracked === undefined) return;
    if (tracked.timer !== null) clearTimeout(tracked.timer);
    this.sockets.delete(socket);
    const n = (this.perSource.get(tracked.source) ?? 1) - 1;
    if (n <= 0) this.perSource.delete(tracked.source);
    else this.perSource.set(tracked.source, n);
  }
}

/** A short 503 where the socket can still take it, then the socket is gone. */
function refuse(socket: Socket): void {
  socket.on('error', () => undefined);
  socket.end(REFUSAL);
  setTimeout(() => socket.destroy(), 100).unref();
}
