/**
 * Errors call control throws, built with the project's one error factory (src/errors): every
 * `API_ERR_*` code a control operation can refuse with, once, with its HTTP status and a fixed
 * message. The codes keep their `API_ERR_` prefix because they are the public error codes of
 * every front end (docs/api.md); `statusCode` lets a front end map them without a table.
 * Messages and details never carry key material; `field` names the offending request field.
 */
import { createErrorClass, defineErrorCatalog, TypedError } from '../errors';

const CONTROL_ERROR_TABLE = {
  API_ERR_BAD_REQUEST: { statusCode: 400, message: 'the request does not match the schema' },
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
  API_ERR_NO_COMMON_CODEC: { statusCode: 409, message: 'the two sides share no codec (the relay passes codecs through; it does not transcode)' },
  API_ERR_SHUTTING_DOWN: { statusCode: 503, message: 'the server is shutting down' },
  API_ERR_INTERNAL: { statusCode: 500, message: 'internal error' },
} as const;

export type ControlErrorCode = keyof typeof CONTROL_ERROR_TABLE;

export const CONTROL_ERRORS = defineErrorCatalog<ControlErrorCode>('API_ERR_', CONTROL_ERROR_TABLE);

export class ControlError extends createErrorClass('ControlError', CONTROL_ERRORS) {
  constructor(code: ControlErrorCode, options: { field?: string; detail?: string } = {}) {
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

const FIELD = Symbol('srtp-relay.control.field');

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
 * The request field to name in the reply: a control error's own field, else the field a caller
 * marked (withField, fieldError), else the field a lower layer's error derived itself (a
 * CallError's leg).
 */
export function fieldOf(err: unknown): string | undefined {
  if (err instanceof ControlError && err.field !== undefined) return err.field;
  if (err !== null && typeof err === 'object') {
    const f = (err as Record<symbol, unknown>)[FIELD];
    if (typeof f === 'string') return f;
  }
  return err instanceof TypedError ? err.field : undefined;
}
