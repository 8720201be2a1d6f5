/**
 * The operator console on the API port: `GET /` and `GET /console` redirect to `/console/`, which
 * serves the page; `/console/<file>` its script and style sheet. Public (no token): the page is
 * a client of the API like any other and holds no data (docs/console.md). Strict headers: the
 * page may load only its own files and talk only to this origin (CSP), is never framed, and
 * sends no referrer.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from './errors';
import type { ConsoleAssets, ConsoleAsset } from './console-assets';

/** Routes the auth hook lets through without a token (besides /healthz). */
export const CONSOLE_ROUTE_URLS: readonly string[] = Object.freeze(['/', '/console', '/console/', '/console/:file']);

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self'",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

function send(reply: FastifyReply, asset: ConsoleAsset): FastifyReply {
  return reply
    .header('content-type', asset.contentType)
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    // Small files, and a rebuilt server must never be paired with an old cached script.
    .header('cache-control', 'no-cache')
    .send(asset.body);
}

export function registerConsoleRoutes(app: FastifyInstance, assets: ConsoleAssets): void {
  const redirect = async (_req: unknown, reply: FastifyReply): Promise<FastifyReply> => reply.redirect('/console/', 302);
  app.get('/', redirect);
  app.get('/console', redirect);
  app.get('/console/', async (_req, reply) => {
    const page = assets.get('index.html');
    if (page === undefined) throw new ApiError('API_ERR_CONSOLE_NOT_BUILT');
    return send(reply, page);
  });
  app.get('/console/:file', async (req, reply) => {
    const asset = assets.get((req.params as { file: string }).file);
    if (asset === undefined) throw new ApiError('API_ERR_NOT_FOUND');
    return send(reply, asset);
  });
}
