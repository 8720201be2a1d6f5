/**
 * The fastify app: auth on every route but the public `/healthz` and console page, limits (connections, request
 * rate, WebSocket subscribers, calls, legs, SDP size, remote addresses: limits.ts), the route
 * table bound to service handlers, the WebSocket event stream, /metrics, /healthz, the OpenAPI
 * document, the operator console's static files (console-routes.ts), and one error handler that turns every failure into `{ error: { code, message, field? } }`.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { BearerAuth } from './auth';
import { pageOfCalls } from './call-pages';
import { ConnectionGuard } from './connection-guard';
import { ConsoleAssets } from './console-assets';
import { CONSOLE_ROUTE_URLS, registerConsoleRoutes } from './console-routes';
import { evaluateHealth } from './health';
import { DEFAULT_LIMITS, effectiveMaxConnections, effectiveMaxConnectionsPerSource, type ServerLimits } from './limits';
import { assertRequestRemotes, socketFamilyOf, type RemoteJudge } from './remote-guard';
import { assertSdpWithinLimits } from './sdp-limits';
import type { BargeRequest, CallController, ConferenceRequest, CreateCallRequest, HoldRequest, InsertRequest, LegRequest, MeetMeRequest } from '../control';
import { API_ERRORS, ApiError, type ApiErrorCode } from './errors';
import { toHttpError } from './error-mapping';
import type { EventHub } from './event-hub';
import { ApiMetrics } from './metrics';
import { buildOpenApi } from './openapi';
import { replySerializerCompiler } from './reply-validation';
import { ROUTES, type RouteSpec } from './routes';
import { errorSchema } from './schemas';
import { registerNgHttpRoute, type NgDispatcher } from '../ng';
import type { HaNode } from '../store/ha-node';
import { bearerFromSubprotocols, selectSubprotocol } from './websocket-auth';

export interface ApiServerOptions {
  readonly service: CallController;
  readonly events: EventHub;
  readonly token: string;
  readonly logger: Logger;
  readonly version: string;
  readonly https?: { readonly cert: Buffer | string; readonly key: Buffer | string };
  /** Told of every route as it is registered (tests check each one is in the OpenAPI document). */
  readonly onRoute?: (route: { method: string; url: string }) => void;
  /** Default DEFAULT_LIMITS. */
  readonly limits?: ServerLimits;
  /** rtpengine's ng protocol over HTTP: `POST /ng`, behind the same token (docs/api.md "ng"). */
  readonly ng?: NgDispatcher;
  /** HA node (docs/ha.md): role and store in /healthz, /v1/cluster, /v1/cluster/activate. */
  readonly cluster?: HaNode;
  /** The console's files (default: ConsoleAssets.load(), i.e. dist/console). */
  readonly console?: ConsoleAssets;
}

/** The app plus what shutdown needs to reach (shutdown.ts). */
export interface ApiHttp {
  readonly app: FastifyInstance;
  readonly connections: ConnectionGuard;
  readonly limits: ServerLimits;
  /** Set first thing at shutdown: new requests get 503 API_ERR_SHUTTING_DOWN, /healthz says degraded. */
  readonly state: { shuttingDown: boolean };
  readonly metrics: ApiMetrics;
}

/** Routes answered without a token: the health probe and the console's static files. */
const PUBLIC_ROUTES = new Set(['/healthz', ...CONSOLE_ROUTE_URLS]);

/** Methods whose body is optional: an empty body with Content-Type: application/json is no body. */
const BODYLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/** Errors that only mean the client went away mid-request: logged at debug, no stack. */
function isClientAbort(err: FastifyError, req: FastifyRequest): boolean {
  const code = (err as { code?: unknown }).code;
  return req.raw.aborted || code === 'ECONNRESET' || code === 'ECONNABORTED' || code === 'EPIPE' || code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' || err.message === 'aborted';
}

type Params = { callId: string; legId: string; resourceId: string; kind: 'audio' | 'video' };
type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown;

function handlers(service: CallController, metrics: ApiMetrics, openapi: object, limits: ServerLimits, state: ApiHttp['state'], authed: WeakSet<FastifyRequest>, cluster?: HaNode): Record<string, Handler> {
  const p = (req: FastifyRequest): Params => req.params as Params;
  const b = <T>(req: FastifyRequest): T => (req.body ?? {}) as T;
  return {
    healthz: (req, reply) => {
      const health = evaluateHealth(service, state.shuttingDown, cluster?.status());
      reply.code(health.status === 'ok' ? 200 : 503);
      void reply.header('cache-control', 'no-store');
      // Without the token: the status only (probes); details are for token holders.
      return authed.has(req) ? health : { status: health.status };
    },
    metrics: async (_req, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
    openapi: () => openapi,
    createCall: async (req, reply) => {
      reply.code(201);
      return service.createCall(b<CreateCallRequest>(req));
    },
    listCalls: (req) => {
      const q = req.query as { limit?: string; cursor?: string };
      const ids = service.sessions().map((session) => session.id);
      const limit = Math.min(q.limit !== undefined ? Number(q.limit) : limits.defaultPageSize, limits.maxPageSize);
      return pageOfCalls(ids, (id) => service.getCall(id), limit, q.cursor);
    },
    getCall: (req) => service.getCall(p(req).callId),
    updateCall: (req) => service.updatePolicy(p(req).callId, b<{ policy: 'bridge' | 'rtp' }>(req).policy),
    deleteCall: async (req, reply) => {
      await service.deleteCall(p(req).callId);
      reply.code(204);
      return null;
    },
    getSecurity: (req) => service.security(p(req).callId),
    addLeg: async (req, reply) => {
      const leg = await service.addLeg(p(req).callId, b<LegRequest>(req));
      reply.code(201);
      return leg;
    },
    getLeg: (req) => service.getLeg(p(req).callId, p(req).legId),
    updateLeg: (req) => service.updateLeg(p(req).callId, p(req).legId, b<{ streams: { kind: 'audio' | 'video'; remote: { address: string; port: number } }[] }>(req).streams),
    removeLeg: (req) => service.removeLeg(p(req).callId, p(req).legId),
    getLegKeys: (req) => service.legKeys(p(req).callId, p(req).legId),
    processSdp: (req) => service.processSdp(p(req).callId, p(req).legId, b(req)),
    beginTransition: (req) => service.beginTransition(p(req).callId, b<{ kind: 'hold' | 'resume' | 'forward' | 'transfer' }>(req).kind),
    hold: (req) => service.hold(p(req).callId, b<HoldRequest>(req)),
    resume: (req) => service.resume(p(req).callId),
    insertTranscoder: (req) => service.insertTranscoder(p(req).callId, b<InsertRequest>(req)),
    removeTranscoder: (req) => service.removeTranscoder(p(req).callId, p(req).resourceId),
    insertMtp: (req) => service.insertMtp(p(req).callId, b<InsertRequest>(req)),
    removeMtp: (req) => service.removeMtp(p(req).callId, p(req).resourceId),
    transfer: (req) => service.transfer(p(req).callId, b(req)),
    startConference: (req) => service.startConference(p(req).callId, b<ConferenceRequest>(req)),
    conferenceKeys: (req) => service.conferenceKeys(p(req).callId),
    addParticipant: (req) => service.addParticipant(p(req).callId, b<{ leg: LegRequest }>(req).leg),
    removeParticipant: (req) => service.removeParticipant(p(req).callId, p(req).legId),
    rekeyLeg: (req) => service.rekeyLeg(p(req).callId, p(req).legId, b<{ stream?: 'audio' | 'video' }>(req).stream),
    addStream: (req) => service.addStream(p(req).callId, p(req).legId, b(req)),
    removeStream: (req) => service.removeStream(p(req).callId, p(req).legId, p(req).kind),
    barge: (req) => service.barge(p(req).callId, b<BargeRequest>(req)),
    endBargeTone: (req) => service.endBargeTone(p(req).callId),
    clusterStatus: () => {
      if (cluster === undefined) throw new ApiError('API_ERR_NOT_FOUND');
      return cluster.status();
    },
    clusterActivate: async (req) => {
      if (cluster === undefined) throw new ApiError('API_ERR_NOT_FOUND');
      const ids = b<{ callIds?: string[] }>(req).callIds;
      // Every id checked before any takeover: a typo fails the whole request, nothing half done.
      // A call this node already owns is no error (keepalived may repeat its notify script).
      ids?.forEach((id, i) => {
        if (!cluster.isForeign(id) && service.findSession(id) === undefined) throw new ApiError('API_ERR_UNKNOWN_CALL', { field: `callIds[${i}]` });
      });
      const activated = await cluster.activate(ids);
      return { activated, cluster: cluster.status() };
    },
    createMeetMe: async (req, reply) => {
      const result = await service.createMeetMe(b<MeetMeRequest>(req));
      reply.code(201);
      return result;
    },
  };
}

/** Field path from an ajv error: `/streams/0/remote` + missing `port` → `streams[0].remote.port`. */
function validationField(err: FastifyError): string | undefined {
  const v = err.validation?.[0];
  if (v === undefined) return undefined;
  const params = v.params as { missingProperty?: string; additionalProperty?: string };
  const parts = v.instancePath.split('/').filter((s) => s !== '');
  const extra = params.missingProperty ?? params.additionalProperty;
  if (extra !== undefined) parts.push(extra);
  const path = parts.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
  const context = err.validationContext;
  return path === '' ? context : context === 'params' ? path : path;
}

function fastifyErrorCode(err: FastifyError): ApiErrorCode | null {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return 'API_ERR_UNSUPPORTED_MEDIA_TYPE';
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return 'API_ERR_PAYLOAD_TOO_LARGE';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return 'API_ERR_BAD_JSON';
    default: return err instanceof SyntaxError && err.statusCode === 400 ? 'API_ERR_BAD_JSON' : null;
  }
}

/** Compatibility: the app alone (tests and embedders that do their own lifecycle). */
export async function buildServer(options: ApiServerOptions): Promise<FastifyInstance> {
  return (await buildApiServer(options)).app;
}

/** A node http(s) server with every timeout set: no connection can stall forever. */
function serverFactoryFor(options: ApiServerOptions, limits: ServerLimits, guard: ConnectionGuard) {
  return (handler: http.RequestListener): http.Server => {
    const timeouts = {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks header/request deadlines at this interval (default 30 s): keep it short.
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
    };
    const server = options.https !== undefined
      ? https.createServer({ cert: options.https.cert, key: options.https.key, ...timeouts }, handler)
      : http.createServer(timeouts, handler);
    server.keepAliveTimeout = limits.keepAliveTimeoutMs;
    server.headersTimeout = limits.headersTimeoutMs;
    server.requestTimeout = limits.requestTimeoutMs;
    // No 'timeout' listener: node destroys a socket idle this long (WebSocket upgrades clear it).
    server.setTimeout(limits.idleTimeoutMs);
    guard.attach(server);
    return server;
  };
}

export async function buildApiServer(options: ApiServerOptions): Promise<ApiHttp> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const state = { shuttingDown: false };
  const metrics = new ApiMetrics(options.service);
  const maxConnections = effectiveMaxConnections(limits);
  const connections = new ConnectionGuard(
    { maxConnections, maxConnectionsPerSource: effectiveMaxConnectionsPerSource(limits, maxConnections), unauthenticatedTimeoutMs: limits.unauthenticatedTimeoutMs },
    (why) => metrics.limitRefusals.inc({ limit: why }),
  );
  metrics.watchConnections(() => connections.size);
  const app = Fastify({
    loggerInstance: options.logger,
    // fastify's own request logs are two info lines per request (six per REST call set-up);
    // the onResponse hook below logs one line per request at debug instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    // Strict requests: unknown fields are errors, types are not coerced, defaults are not invented.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    serverFactory: serverFactoryFor(options, limits, connections),
    // Requests arriving while app.close() runs get a 503 with Connection: close.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }) as unknown as FastifyInstance;
  // First, so its hooks run before ours: it marks upgrade requests and closes their socket
  // after any non-upgrade answer (such as our 401).
  await app.register(websocket, {
    // Browsers send the token as a subprotocol (websocket-auth.ts): answer with the events
    // protocol, never with the bearer entry (ws would otherwise echo the first one offered).
    options: { maxPayload: 4096, handleProtocols: (protocols) => selectSubprotocol(protocols) },
    // Protocol errors (bad frames, oversized messages, resets) are the client's doing: a warning
    // without a stack, and the socket goes.
    errorHandler: (error, socket, request) => {
      request.log.warn({ code: (error as { code?: unknown }).code, reason: error.message }, 'websocket protocol error');
      socket.terminate();
    },
  });
  app.setSerializerCompiler(replySerializerCompiler());
  // JSON only: a text/plain body is a 415, not a string for the schema to puzzle over.
  app.removeContentTypeParser('text/plain');
  // An empty JSON body on a body-less method (DELETE with Content-Type: application/json) is no body.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '' && BODYLESS.has(req.method)) {
      done(null, undefined);
      return;
    }
    defaultJson(req, body as string, done);
  });
  const auth = new BearerAuth(options.token);
  const openapi = buildOpenApi(options.version, { ng: options.ng !== undefined });
  const authed = new WeakSet<FastifyRequest>();
  const bound = handlers(options.service, metrics, openapi, limits, state, authed, options.cluster);
  const judge: RemoteJudge = { policy: options.service.relay.addressPolicy, socketFamily: socketFamilyOf(options.service.relay.bindAddress) };

  if (options.onRoute !== undefined) {
    const onRoute = options.onRoute;
    app.addHook('onRoute', (r) => {
      for (const method of Array.isArray(r.method) ? r.method : [r.method]) onRoute({ method, url: r.url });
    });
  }
  app.addHook('onRequest', async (req, reply) => {
    if (connections.refused(req.raw.socket as Socket)) {
      void reply.header('connection', 'close');
      throw new ApiError('API_ERR_TOO_MANY_CONNECTIONS');
    }
    if (state.shuttingDown) {
      void reply.header('connection', 'close');
      throw new ApiError('API_ERR_SHUTTING_DOWN');
    }
    const url = req.routeOptions.url;
    const viaSubprotocol = url === '/v1/events' && auth.validToken(bearerFromSubprotocols(req.headers['sec-websocket-protocol']));
    if (auth.valid(req.headers.authorization) || viaSubprotocol) {
      authed.add(req);
      connections.authenticated(req.raw.socket as Socket);
      return;
    }
    if (url !== undefined && PUBLIC_ROUTES.has(url)) return;
    // A client without the token gets its answer and loses the connection.
    void reply.header('connection', 'close');
    throw new ApiError('API_ERR_UNAUTHORIZED');
  });
  // Per token (one token: every authorised client together) and, without it, per address.
  await app.register(rateLimit, {
    global: true,
    keyGenerator: (req) => (authed.has(req) ? 'token' : `ip:${req.ip}`),
    max: (req) => (authed.has(req) ? limits.requestsPerWindow : limits.unauthenticatedRequestsPerWindow),
    timeWindow: limits.rateWindowMs,
    onExceeded: () => metrics.limitRefusals.inc({ limit: 'rate' }),
    errorResponseBuilder: (_req, ctx) => new ApiError('API_ERR_RATE_LIMITED', { detail: `retry in ${ctx.after}` }),
  });
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpRequests.inc({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
    req.log.debug({ method: req.method, url: req.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request completed');
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isClientAbort(err, req)) {
      // The client went away: nothing to answer, nothing broken here.
      req.log.debug({ code: (err as { code?: unknown }).code ?? err.message }, 'client aborted the request');
      if (!reply.raw.destroyed && !reply.sent) void reply.code(400).send({ error: { code: 'API_ERR_BAD_REQUEST', message: API_ERRORS.API_ERR_BAD_REQUEST.message } });
      return;
    }
    let status: number;
    let body: object;
    if (err.validation !== undefined) {
      const field = validationField(err);
      status = 400;
      body = { error: { code: 'API_ERR_BAD_REQUEST', message: `${API_ERRORS.API_ERR_BAD_REQUEST.message}: ${err.validation[0]?.message ?? 'invalid'}`, ...(field !== undefined ? { field } : {}) } };
    } else if (fastifyErrorCode(err) !== null) {
      const e = new ApiError(fastifyErrorCode(err) as ApiErrorCode);
      status = e.statusCode;
      body = { error: { code: e.code, message: e.message } };
    } else {
      const mapped = toHttpError(err);
      status = mapped.status;
      body = mapped.body;
      if (mapped.internal) req.log.error({ err }, 'internal error');
    }
    const code = (body as { error: { code: string } }).error.code;
    // Floods of 401s and 429s would be floods of log lines: those go to debug (the metrics count them).
    if (status === 401 || status === 429) req.log.debug({ status, code }, 'request refused');
    else if (status < 500) req.log.info({ status, code }, 'request refused');
    if (status === 503 && code !== 'API_ERR_SHUTTING_DOWN') void reply.header('retry-after', '1');
    // No token, or going away: answer, then drop the connection.
    if (code === 'API_ERR_UNAUTHORIZED' || code === 'API_ERR_SHUTTING_DOWN') void reply.header('connection', 'close');
    void reply.code(status).header('cache-control', 'no-store').send(body);
  });
  app.setNotFoundHandler((_req, reply) => {
    void reply.code(404).send({ error: { code: 'API_ERR_NOT_FOUND', message: API_ERRORS.API_ERR_NOT_FOUND.message } });
  });

  const ctx: RouteContext = { bound, options, limits, metrics, judge };
  for (const route of ROUTES) registerRoute(app, route, ctx);
  registerConsoleRoutes(app, options.console ?? ConsoleAssets.load());
  if (options.ng !== undefined) await registerNgHttpRoute(app, options.ng);
  return { app, connections, limits, state, metrics };
}

interface RouteContext {
  readonly bound: Record<string, Handler>;
  readonly options: ApiServerOptions;
  readonly limits: ServerLimits;
  readonly metrics: ApiMetrics;
  readonly judge: RemoteJudge;
}

/**
 * Checks that need the live service or the configuration, run after schema validation and
 * before the handler: remote addresses (every route), SDP size and fan-out, calls and legs.
 */
function guardRequest(route: RouteSpec, req: FastifyRequest, ctx: RouteContext): void {
  const { limits, metrics, options } = ctx;
  const refuse = (limit: string, err: ApiError): never => {
    metrics.limitRefusals.inc({ limit });
    throw err;
  };
  const body = req.body as Record<string, unknown> | undefined;
  if (body !== undefined && body !== null) {
    try {
      assertRequestRemotes(ctx.judge, body);
      if (typeof body.sdp === 'string') assertSdpWithinLimits(body.sdp, limits, ctx.judge);
    } catch (err) {
      const code = (err as ApiError).code;
      refuse(code === 'API_ERR_REMOTE_REFUSED' ? 'remote_address' : code === 'API_ERR_SDP_FAN_OUT' ? 'sdp_fan_out' : code === 'API_ERR_SDP_LIMIT' ? 'sdp_size' : 'request', err as ApiError);
    }
  }
  const id = route.operationId;
  // A leg id the call already has is a conflict (409), whichever route names it.
  const newLeg = id === 'addLeg' ? ['id', body?.id] : id === 'addParticipant' ? ['leg.id', (body?.leg as { id?: unknown } | undefined)?.id]
    : id === 'barge' ? ['initiator.id', (body?.initiator as { id?: unknown } | undefined)?.id]
      : id === 'transfer' && (body?.to as { id?: unknown } | undefined)?.id !== body?.from ? ['to.id', (body?.to as { id?: unknown } | undefined)?.id] : null;
  if (newLeg !== null && typeof newLeg[1] === 'string') {
    if (options.service.legIds((req.params as Params).callId).includes(newLeg[1])) throw new ApiError('API_ERR_DUPLICATE_LEG', { field: newLeg[0] as string, detail: `leg ${newLeg[1]} exists` });
  }
  if ((id === 'createCall' || id === 'createMeetMe') && options.service.callCount() >= limits.maxCalls) {
    refuse('calls', new ApiError('API_ERR_CALL_LIMIT', { detail: `limit ${limits.maxCalls}` }));
  }
  const bodyLegs = id === 'createCall' && Array.isArray(body?.legs) ? body.legs.length : 0;
  if (bodyLegs > limits.maxLegsPerCall) refuse('legs_per_call', new ApiError('API_ERR_LEG_LIMIT', { field: 'legs', detail: `limit ${limits.maxLegsPerCall}` }));
  if (id === 'addLeg' || id === 'addParticipant') {
    if (options.service.legIds((req.params as Params).callId).length >= limits.maxLegsPerCall) refuse('legs_per_call', new ApiError('API_ERR_LEG_LIMIT', { field: 'callId', detail: `limit ${limits.maxLegsPerCall}` }));
  }
}

function registerRoute(app: FastifyInstance, route: RouteSpec, ctx: RouteContext): void {
  const { options, limits, metrics } = ctx;
  if (route.kind === 'websocket') {
    app.get(route.url, {
      websocket: true,
      // Before the upgrade: over the limit the client gets a 503 instead of a socket.
      preValidation: async () => {
        if (app.websocketServer.clients.size >= limits.maxWebSocketClients) {
          metrics.limitRefusals.inc({ limit: 'websocket_clients' });
          throw new ApiError('API_ERR_TOO_MANY_CLIENTS', { detail: `limit ${limits.maxWebSocketClients}` });
        }
      },
    }, (socket, req) => {
      const send = (event: object): void => {
        if (socket.readyState !== socket.OPEN) return;
        // A subscriber that does not read is dropped, not buffered for without bound.
        if (socket.bufferedAmount > limits.maxWebSocketBufferedBytes) {
          metrics.limitRefusals.inc({ limit: 'websocket_buffer' });
          req.log.warn({ bufferedAmount: socket.bufferedAmount }, 'websocket subscriber too slow: dropped');
          socket.terminate();
          return;
        }
        socket.send(JSON.stringify(event));
      };
      options.events.on('event', send);
      socket.on('close', () => options.events.off('event', send));
      // Logged by the plugin's errorHandler (above); here only the subscription ends.
      socket.on('error', () => options.events.off('event', send));
      // Subscribers only listen; anything they send is ignored.
      socket.on('message', () => undefined);
    });
    return;
  }
  const handler = ctx.bound[route.operationId];
  if (handler === undefined) throw new Error(`no handler for ${route.operationId}`);
  // Every JSON reply is validated against its schema (reply-validation.ts); errors against errorSchema.
  const response: Record<string, object> = route.kind === 'text' ? {} : { '4xx': errorSchema, '5xx': errorSchema };
  for (const [status, [, schema]] of Object.entries(route.responses)) if (schema !== undefined && route.kind !== 'text') response[status] = schema;
  app.route({
    method: route.method,
    url: route.url,
    schema: { ...route.schema, response },
    handler: async (req, reply) => {
      if (route.secret === true) void reply.header('cache-control', 'no-store');
      guardRequest(route, req, ctx);
      return handler(req, reply);
    },
  });
}
