/**
 * ng over HTTP: `POST /ng` with content type `application/x-rtpengine-ng`, the body one ng
 * message (`<cookie> <dictionary>`), the reply the same (rtpengine's
 * rtpengine's docs/http_websocket_support.md, "ng Protocol Interface"). Registered by the API server on its
 * own fastify instance, so it sits behind the same bearer-token hook as every API route: the
 * API's `onRequest` hook runs before this route's handler.
 */
import type { FastifyInstance } from 'fastify';
import type { NgDispatcher } from './dispatcher';

export const NG_CONTENT_TYPE = 'application/x-rtpengine-ng';

export interface NgHttpRouteOptions {
  /** Largest body accepted (default 1 MiB). */
  readonly bodyLimit?: number;
}

export async function registerNgHttpRoute(app: FastifyInstance, dispatcher: NgDispatcher, options: NgHttpRouteOptions = {}): Promise<void> {
  // An encapsulated scope: the raw-body parser applies to this route only, not to the JSON API.
  await app.register(async (scope) => {
    scope.addContentTypeParser(NG_CONTENT_TYPE, { parseAs: 'buffer', bodyLimit: options.bodyLimit ?? 1024 * 1024 }, (_req, body, done) => done(null, body));
    scope.post('/ng', async (req, reply) => {
      const body = req.body;
      if (!Buffer.isBuffer(body)) {
        return reply.code(415).type('text/plain').send(`POST /ng needs Content-Type: ${NG_CONTENT_TYPE}`);
      }
      const out = await dispatcher.handle(body, { transport: 'http', address: req.ip, port: req.socket.remotePort ?? 0 });
      if (out === null) return reply.code(400).type('text/plain').send('not an ng message: expected "<cookie> <dictionary>"');
      return reply.code(200).type(NG_CONTENT_TYPE).send(out);
    });
  });
}
