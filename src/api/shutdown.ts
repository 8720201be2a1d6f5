/**
 * Shutdown that always completes, whatever clients do (a request stalled in its headers, a
 * WebSocket subscriber that never answers the close frame, live calls):
 *
 * 1. new requests get 503 `API_ERR_SHUTTING_DOWN` (Connection: close), /healthz says degraded,
 *    and the other front ends' listeners (ng over UDP and TCP) close, so no command starts a call;
 * 2. every call is closed (keys wiped, sockets closed, `callclosed` with reason `shutdown`
 *    published while WebSocket subscribers are still connected), then the relay's workers and
 *    the key manager;
 * 3. the listener stops and idle connections close; unfinished requests and subscribers get
 *    what is left of `graceMs` (counted from the start);
 * 4. then every remaining connection is cut (subscribers terminated, sockets destroyed).
 *
 * The whole sequence is bounded by `graceMs` plus a short drain (FORCE_DRAIN_MS).
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ConnectionGuard } from './connection-guard';

export interface ShutdownParts {
  readonly app: FastifyInstance;
  readonly service: { close(): Promise<void> };
  readonly connections: ConnectionGuard;
  readonly state: { shuttingDown: boolean };
  readonly logger: Logger;
  /** Other front ends' listeners (ng UDP/TCP servers), closed before the calls. */
  readonly listeners?: readonly { close(): Promise<void> }[];
}

export interface ShutdownReport {
  /** Calls and keys closed within the bound. */
  readonly callsClosed: boolean;
  /** Connections still open at the deadline and cut. */
  readonly forced: number;
  readonly ms: number;
}

/** After the forced cut, how long the server gets to notice its sockets are gone. */
export const FORCE_DRAIN_MS = 500;

function within<T>(p: Promise<T>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    p.then(() => { clearTimeout(timer); resolve(true); }, () => { clearTimeout(timer); resolve(true); });
  });
}

export async function shutdownApi(parts: ShutdownParts, graceMs: number): Promise<ShutdownReport> {
  const start = Date.now();
  const left = (): number => graceMs - (Date.now() - start);
  const { app, connections, logger } = parts;
  parts.state.shuttingDown = true;
  const listenersClosed = await within(Promise.all((parts.listeners ?? []).map((l) => l.close())), left());
  if (!listenersClosed) logger.warn({ graceMs }, 'shutdown: ng listeners not closed within the grace period');

  // Calls first: no client can delay wiping keys or stopping media.
  const serviceClosed = parts.service.close();
  const callsClosed = await within(serviceClosed, left());
  if (!callsClosed) logger.warn({ graceMs }, 'shutdown: calls not all closed within the grace period');

  // Then the listener. app.close() also closes WebSocket subscribers (close frames) and idle
  // keep-alive connections; it would wait for the rest without bound, so it gets the remaining grace.
  const appClosed = app.close();
  let forced = 0;
  if (!(await within(appClosed, left()))) {
    forced = connections.size + (app.websocketServer?.clients.size ?? 0);
    logger.warn({ connections: connections.size, subscribers: app.websocketServer?.clients.size ?? 0 }, 'shutdown: cutting connections left after the grace period');
    for (const client of app.websocketServer?.clients ?? []) client.terminate();
    app.server.closeAllConnections();
    connections.destroyAll();
    await within(appClosed, FORCE_DRAIN_MS);
  }
  if (!callsClosed) await within(serviceClosed, FORCE_DRAIN_MS);
  return { callsClosed, forced, ms: Date.now() - start };
}
