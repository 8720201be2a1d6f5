/**
 * The fastify app: auth on every route, the route table bound to service handlers, the
 * WebSocket event stream, /metrics, /healthz, the OpenAPI document, and one error handler that
 * turns every failure into `{ error: { code, message, field? } }`.
 */
import websocket from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { BearerAuth } from './auth';
import type { BargeRequest, CallController, ConferenceRequest, HoldRequest, InsertRequest, LegRequest, MeetMeRequest } from '../control';
import { API_ERRORS, ApiError, type ApiErrorCode } from './errors';
import { toHttpError } from './error-mapping';
import type { EventHub } from './event-hub';
import { ApiMetrics } from './metrics';
import { buildOpenApi } from './openapi';
import { replySerializerCompiler } from './reply-validation';
import { ROUTES, type RouteSpec } from './routes';
import { errorSchema } from './schemas';

export interface ApiServerOptions {
  readonly service: CallController;
  readonly events: EventHub;
  readonly token: string;
  readonly logger: Logger;
  readonly version: string;
  readonly https?: { readonly cert: Buffer | string; readonly key: Buffer | string };
  /** Told of every route as it is registered (tests check each one is in the OpenAPI document). */
  readonly onRoute?: (route: { method: string; url: string }) => void;
}

type Params = { callId: string; legId: string; resourceId: string; kind: 'audio' | 'video' };
type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown;

function handlers(service: CallController, metrics: ApiMetrics, openapi: object): Record<string, Handler> {
  const p = (req: FastifyRequest): Params => req.params as Params;
  const b = <T>(req: FastifyRequest): T => (req.body ?? {}) as T;
  return {
    healthz: () => {
      const workers = service.relay.workerLoad();
      return { status: 'ok', calls: service.callCount(), workers: { total: Math.max(workers.length, 1), alive: workers.length === 0 ? 1 : workers.filter((w) => w.alive).length } };
    },
    metrics: async (_req, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
    openapi: () => openapi,
    createCall: async (req, reply) => {
      reply.code(201);
      return service.createCall(b(req));
    },
    listCalls: () => ({ calls: service.listCalls() }),
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

export async function buildServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: 256 * 1024,
    // Strict requests: unknown fields are errors, types are not coerced, defaults are not invented.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    ...(options.https !== undefined ? { https: { cert: options.https.cert, key: options.https.key } } : {}),
  }) as unknown as FastifyInstance;
  // First, so its hooks run before ours: it marks upgrade requests and closes their socket
  // after any non-upgrade answer (such as our 401).
  await app.register(websocket, { options: { maxPayload: 4096 } });
  app.setSerializerCompiler(replySerializerCompiler());
  // JSON only: a text/plain body is a 415, not a string for the schema to puzzle over.
  app.removeContentTypeParser('text/plain');
  const auth = new BearerAuth(options.token);
  const metrics = new ApiMetrics(options.service);
  const openapi = buildOpenApi(options.version);
  const bound = handlers(options.service, metrics, openapi);

  if (options.onRoute !== undefined) {
    const onRoute = options.onRoute;
    app.addHook('onRoute', (r) => {
      for (const method of Array.isArray(r.method) ? r.method : [r.method]) onRoute({ method, url: r.url });
    });
  }
  app.addHook('onRequest', async (req) => {
    auth.check(req.headers.authorization);
  });
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpRequests.inc({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
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
      if (mapped.internal) req.log.error({ errName: err.name, errCode: (err as { code?: unknown }).code, msg: err.message, stack: err.stack }, 'internal error');
    }
    const code = (body as { error: { code: string } }).error.code;
    if (status < 500) req.log.info({ status, code }, 'request refused');
    void reply.code(status).header('cache-control', 'no-store').send(body);
  });
  app.setNotFoundHandler((_req, reply) => {
    void reply.code(404).send({ error: { code: 'API_ERR_NOT_FOUND', message: API_ERRORS.API_ERR_NOT_FOUND.message } });
  });

  for (const route of ROUTES) registerRoute(app, route, bound, options);
  return app;
}

function registerRoute(app: FastifyInstance, route: RouteSpec, bound: Record<string, Handler>, options: ApiServerOptions): void {
  if (route.kind === 'websocket') {
    app.get(route.url, { websocket: true }, (socket) => {
      const send = (event: object): void => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
      };
      options.events.on('event', send);
      socket.on('close', () => options.events.off('event', send));
      socket.on('error', () => options.events.off('event', send));
      // Subscribers only listen; anything they send is ignored.
      socket.on('message', () => undefined);
    });
    return;
  }
  const handler = bound[route.operationId];
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
      return handler(req, reply);
    },
  });
}
