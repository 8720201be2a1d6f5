/**
 * The OpenAPI 3.0 document, rendered from the route table (`routes.ts`) and the very schemas
 * fastify validates with, so the document cannot describe a different API than the one served.
 */
import { API_ERRORS } from './errors';
import { ROUTES, type RouteSpec } from './routes';
import { errorSchema } from './schemas';

/** `/v1/calls/:callId` → `/v1/calls/{callId}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(route: RouteSpec): object[] {
  const params = route.schema.params as { properties?: Record<string, object> } | undefined;
  const query = route.schema.querystring as { properties?: Record<string, object> } | undefined;
  return [
    ...Object.entries(params?.properties ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
    ...Object.entries(query?.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
  ];
}

function errorStatuses(route: RouteSpec): number[] {
  const set = new Set<number>([401, 500]);
  if (route.schema.body !== undefined || route.schema.params !== undefined || route.schema.querystring !== undefined) set.add(400);
  if (route.schema.params !== undefined) set.add(404);
  if (route.method !== 'GET') set.add(409);
  return [...set].sort();
}

/** `POST /ng`: rtpengine's ng protocol over HTTP (src/ng/http-route.ts), not a JSON route. */
const NG_OPERATION = {
  operationId: 'ng',
  summary: 'rtpengine ng protocol: one message "<cookie> <bencode or JSON dictionary>" in, the reply out',
  tags: ['ng'],
  requestBody: { required: true, content: { 'application/x-rtpengine-ng': { schema: { type: 'string', format: 'binary' } } } },
  responses: {
    200: { description: 'the ng reply (its own result: ok, error, pong, load limit)', content: { 'application/x-rtpengine-ng': { schema: { type: 'string', format: 'binary' } } } },
    400: { description: 'not an ng message' },
    415: { description: 'wrong content type' },
  },
};

/** The operator console (console-routes.ts): static files, public (`security: []`), HTML/CSS/JS. */
const CONSOLE_PATHS: Readonly<Record<string, Record<string, object>>> = {
  '/': { get: { operationId: 'consoleRoot', summary: 'Redirects to the operator console (/console/)', tags: ['console'], security: [], responses: { 302: { description: 'to /console/' } } } },
  '/console': { get: { operationId: 'consoleRedirect', summary: 'Redirects to /console/', tags: ['console'], security: [], responses: { 302: { description: 'to /console/' } } } },
  '/console/': {
    get: {
      operationId: 'consolePage', summary: 'The operator console page (docs/console.md); its data comes from this API with the token', tags: ['console'], security: [],
      responses: { 200: { description: 'the page', content: { 'text/html': { schema: { type: 'string' } } } }, 503: { description: 'not built (API_ERR_CONSOLE_NOT_BUILT)' } },
    },
  },
  '/console/{file}': {
    get: {
      operationId: 'consoleAsset', summary: 'A script or style sheet of the console', tags: ['console'], security: [],
      parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: { description: 'the file (text/javascript or text/css)' }, 404: { description: 'no such file (API_ERR_NOT_FOUND)' } },
    },
  },
};

export function buildOpenApi(version: string, options: { readonly ng?: boolean } = {}): object {
  const paths: Record<string, Record<string, object>> = {};
  if (options.ng === true) paths['/ng'] = { post: NG_OPERATION };
  Object.assign(paths, CONSOLE_PATHS);
  for (const route of ROUTES) {
    const responses: Record<string, object> = {};
    for (const [status, [description, schema]] of Object.entries(route.responses)) {
      responses[status] = schema === undefined
        ? { description }
        : { description, content: { [route.kind === 'text' ? 'text/plain' : 'application/json']: { schema } } };
    }
    for (const status of errorStatuses(route)) {
      responses[String(status)] ??= { description: 'error', content: { 'application/json': { schema: errorSchema } } };
    }
    const op: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      tags: route.tags,
      parameters: parameters(route),
      responses,
    };
    if (route.schema.body !== undefined) op.requestBody = { required: true, content: { 'application/json': { schema: route.schema.body } } };
    if (route.secret === true) op['x-secret'] = true;
    const path = openApiPath(route.url);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'srtp-relay control API',
      version,
      description: 'Calls, legs, keys, SDP rewriting, RTP fallback operations and security status. Every route needs `Authorization: Bearer <token>` except /healthz (status only) and the console\'s static files.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: errorSchema },
      'x-error-codes': Object.fromEntries(Object.entries(API_ERRORS).map(([code, e]) => [code, e.statusCode])),
    },
    security: [{ bearer: [] }],
    paths,
  };
}
