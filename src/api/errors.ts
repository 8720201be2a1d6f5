/**
 * Error catalog of the control API (fastify core's `errors.js` is the model),
 * built with the project's one error factory (src/errors): every `API_ERR_*` code once, with its
 * HTTP status and a fixed message. Messages and details never carry key material; `field` names
 * the offending request field (JSON-pointer-like path). `test/integration/api/errors.test.ts`
 * keeps the catalog consistent.
 */
import { createErrorClass, defineErrorCatalog, TypedError } from '../errors';

const API_ERROR_TABLE = {
  API_ERR_UNAUTHORIZED: { statusCode: 401, message: 'missing or wrong bearer token' },
  API_ERR_BAD_REQUEST: { statusCode: 400, message: 'the request does not match the schema' },
  API_ERR_BAD_JSON: { statusCode: 400, message: 'the request body is not valid JSON' },
  API_ERR_UNSUPPORTED_MEDIA_TYPE: { statusCode: 415, message: 'send the body as application/json' },
  API_ERR_PAYLOAD_TOO_LARGE: { statusCode: 413, message: 'the request body is too large' },
  API_ERR_NOT_FOUND: { statusCode: 404, message: 'no such route' },
  API_ERR_UNKNOWN_CALL: { statusCode: 404, message: 'no such call' },
  API_ERR_UNKNOWN_LEG: { statusCode: 404, message: 'no such leg in this call' },
  API_ERR_DUPLICATE_CALL: { statusCode: 409, message: 'a call with this id already exists' },
  API_ERR_DUPLICATE_LEG: { statusCode: 409, message: 'the call already has a leg with this id' },
  API_ERR_DUPLICATE_STREAM: { statusCode: 409, message: 'a stream kind is listed twice or the leg already carries it' },
  API_ERR_UNKNOWN_STREAM: { statusCode: 400, message: 'the leg carries no stream of this kind' },
  API_ERR_MISSING_CRYPTO: { statusCode: 400, message: 'an sdes leg needs the endpoint\'s a=crypto offer for every stream' },
  API_ERR_CRYPTO_NOT_ALLOWED: { statusCode: 400, message: 'a=crypto lines are only taken for sdes legs' },
  API_ERR_NO_KEYS: { statusCode: 404, message: 'this leg has no managed keys to deliver' },
  API_ERR_BAD_SDP: { statusCode: 400, message: 'the SDP cannot be parsed or lacks a connection address or media' },
  API_ERR_NO_PEER_LEG: { statusCode: 409, message: 'the SDP needs exactly one other leg (or "to") to rewrite for' },
  API_ERR_SDES_PENDING: { statusCode: 409, message: 'the other leg uses SDES and has no keys yet; post its offer first (delayed offer)' },
  API_ERR_NO_PENDING_OFFER: { statusCode: 409, message: 'no offer from the other leg is waiting for this answer' },
  API_ERR_BAD_SDES_ANSWER: { statusCode: 400, message: 'an SDES answer carries exactly one a=crypto line per m-line, naming one offered tag' },
  API_ERR_MULTIPARTY_UNSUPPORTED: { statusCode: 409, message: 'a call without a conference pairs two legs; a third party joins through POST .../conference and .../participants, or .../barge' },
  API_ERR_NO_CONFERENCE: { statusCode: 409, message: 'the call has no conference bridge (start an ad hoc conference or create a meet-me first)' },
  API_ERR_SHUTTING_DOWN: { statusCode: 503, message: 'the server is shutting down' },
  API_ERR_REMOTE_REFUSED: { statusCode: 400, message: 'the relay does not send to this address' },
  API_ERR_SDP_LIMIT: { statusCode: 400, message: 'the SDP exceeds a configured limit' },
  API_ERR_SDP_FAN_OUT: { statusCode: 400, message: 'the SDP has more active m-lines of a kind than the leg has streams (one per kind)' },
  API_ERR_BAD_CURSOR: { statusCode: 400, message: 'the cursor is not one this server issued' },
  API_ERR_RATE_LIMITED: { statusCode: 429, message: 'too many requests; retry later' },
  API_ERR_TOO_MANY_CONNECTIONS: { statusCode: 503, message: 'too many connections' },
  API_ERR_TOO_MANY_CLIENTS: { statusCode: 503, message: 'too many WebSocket event subscribers' },
  API_ERR_CALL_LIMIT: { statusCode: 503, message: 'the relay holds its maximum number of calls' },
  API_ERR_LEG_LIMIT: { statusCode: 409, message: 'the call holds its maximum number of legs' },
  API_ERR_INTERNAL: { statusCode: 500, message: 'internal error' },
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_TABLE;

export const API_ERRORS = defineErrorCatalog<ApiErrorCode>('API_ERR_', API_ERROR_TABLE);

export class ApiError extends createErrorClass('ApiError', API_ERRORS) {
  constructor(code: ApiErrorCode, options: { field?: string; detail?: string } = {}) {
    super(code, options);
  }
}

/** Attach the request field that caused a typed error thrown by a lower layer (keys, call, relay). */
export function withField<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    markField(err, field);
    throw err;
  }
}

const FIELD = Symbol('srtp-relay.api.field');

/** The same error, marked with the request field that caused it (for errors built here). */
export function fieldError<E>(field: string, err: E): E {
  markField(err, field);
  return err;
}

function markField(err: unknown, field: string): void {
  if (err !== null && typeof err === 'object' && (err as Record<symbol, unknown>)[FIELD] === undefined) {
    (err as Record<symbol, unknown>)[FIELD] = field;
  }
}

/**
 * The request field to name in the reply: an ApiError's own field, else the field a caller marked
 * (withField, fieldError), else the field a lower layer's error derived itself (a CallError's leg).
 */
export function fieldOf(err: unknown): string | undefined {
  if (err instanceof ApiError && err.field !== undefined) return err.field;
  if (err !== null && typeof err === 'object') {
    const f = (err as Record<symbol, unknown>)[FIELD];
    if (typeof f === 'string') return f;
  }
  return err instanceof TypedError ? err.field : undefined;
}
