/**
 * Any thrown value → `{ status, body: { error: { code, message, field?, tone? } } }` (tone: a
 * refused barge). Every layer's typed error carries its own HTTP status (src/errors), so the
 * status is `err.statusCode`; there is no per-layer table here. Anything untyped becomes
 * API_ERR_INTERNAL with a fixed message: an unknown error's text is never echoed, since we cannot
 * vouch that it holds no key material.
 */
import { CallError } from '../call/errors';
import { TypedError } from '../errors';
import { fieldOf } from '../control/errors';
import { API_ERRORS } from './errors';

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string; readonly tone?: string };
}

export interface HttpError {
  readonly status: number;
  readonly body: ErrorBody;
}

/** Map any thrown value to the HTTP answer. `internal` is true when it should be logged as a bug (any 5xx). */
export function toHttpError(err: unknown): HttpError & { internal: boolean } {
  if (!(err instanceof TypedError)) {
    return { status: 500, body: { error: { code: 'API_ERR_INTERNAL', message: API_ERRORS.API_ERR_INTERNAL.message } }, internal: true };
  }
  const field = fieldOf(err);
  // A refused barge says which tone the initiator hears (reorder, barge_failed).
  const tone = err instanceof CallError ? err.tone : undefined;
  const body: ErrorBody = {
    error: { code: err.code, message: err.message, ...(field === undefined ? {} : { field }), ...(tone === undefined ? {} : { tone }) },
  };
  return { status: err.statusCode, body, internal: err.statusCode >= 500 };
}
