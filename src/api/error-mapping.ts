/**
 * Typed errors of every layer → `{ status, body: { error: { code, message, field?, tone? } } }` (tone: a refused barge).
 * KEY_ERR_* and CALL_ERR_* carry their HTTP status in their own catalogs; RELAY_ERR_* and
 * SRTP_ERR_* have none yet, so their statuses live here (one table each). Anything untyped
 * becomes API_ERR_INTERNAL with a fixed message: an unknown error's text is never echoed,
 * since we cannot vouch that it holds no key material.
 */
import { CALL_ERRORS, CallError } from '../call/errors';
import { KEY_ERROR_CATALOG, KeyError } from '../keys/errors';
import { RelayErrorCode } from '../relay/errors';
import { SrtpErrorCode } from '../srtp/errors';
import { ControlError, fieldOf } from '../control/errors';
import { API_ERRORS, ApiError } from './errors';

export const RELAY_ERROR_STATUS: Readonly<Record<RelayErrorCode, number>> = Object.freeze({
  [RelayErrorCode.BadOption]: 400,
  [RelayErrorCode.PortsExhausted]: 503,
  [RelayErrorCode.BindFailed]: 503,
  [RelayErrorCode.DuplicateCall]: 409,
  [RelayErrorCode.DuplicateLeg]: 409,
  [RelayErrorCode.UnknownLeg]: 404,
  [RelayErrorCode.KeyReuse]: 409,
  [RelayErrorCode.BadSrtpOptions]: 400,
  [RelayErrorCode.Closed]: 409,
  [RelayErrorCode.WorkerDied]: 503,
  [RelayErrorCode.Internal]: 500,
});

export const SRTP_ERROR_STATUS: Readonly<Record<SrtpErrorCode, number>> = Object.freeze({
  [SrtpErrorCode.UnknownProfile]: 400,
  [SrtpErrorCode.ProfileNotEnabled]: 400,
  [SrtpErrorCode.BadKeyLength]: 400,
  [SrtpErrorCode.BadSaltLength]: 400,
  [SrtpErrorCode.BadKdr]: 400,
  [SrtpErrorCode.BadLabel]: 400,
  [SrtpErrorCode.BadMki]: 400,
  [SrtpErrorCode.DuplicateMki]: 400,
  [SrtpErrorCode.BadLifetime]: 400,
  [SrtpErrorCode.BadReplayWindow]: 400,
  [SrtpErrorCode.BadRoc]: 400,
  [SrtpErrorCode.BadOption]: 400,
  [SrtpErrorCode.NoKeys]: 400,
  [SrtpErrorCode.Closed]: 409,
  [SrtpErrorCode.PacketRejected]: 400,
});

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string; readonly tone?: string };
}

export interface HttpError {
  readonly status: number;
  readonly body: ErrorBody;
}

function body(code: string, message: string, field: string | undefined): ErrorBody {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/** Map any thrown value to the HTTP answer. `internal` is true when it should be logged as a bug. */
export function toHttpError(err: unknown): HttpError & { internal: boolean } {
  const field = err instanceof ApiError ? err.field : fieldOf(err);
  if (err instanceof ApiError || err instanceof ControlError) return { status: err.statusCode, body: body(err.code, err.message, field), internal: false };
  if (err instanceof CallError) {
    const detailField = field ?? (typeof err.details.legId === 'string' ? 'leg' : typeof err.details.resourceId === 'string' ? 'id' : undefined);
    const b = body(err.code, err.message, detailField);
    // A refused barge says which tone the initiator hears (reorder, barge_failed).
    const tone = err.details.tone;
    if (typeof tone === 'string') return { status: CALL_ERRORS[err.code].statusCode, body: { error: { ...b.error, tone } }, internal: false };
    return { status: CALL_ERRORS[err.code].statusCode, body: b, internal: false };
  }
  if (err instanceof KeyError) {
    return { status: KEY_ERROR_CATALOG[err.code].httpStatus, body: body(err.code, err.message, field), internal: false };
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in RELAY_ERROR_STATUS) {
    const status = RELAY_ERROR_STATUS[code as RelayErrorCode];
    return { status, body: body(code, (err as Error).message, field), internal: status >= 500 };
  }
  if (typeof code === 'string' && code in SRTP_ERROR_STATUS) {
    return { status: SRTP_ERROR_STATUS[code as SrtpErrorCode], body: body(code, (err as Error).message, field), internal: false };
  }
  return { status: 500, body: body('API_ERR_INTERNAL', API_ERRORS.API_ERR_INTERNAL.message, undefined), internal: true };
}
