/**
 * Error catalog for the call model (control plane throws, with the HTTP status a
 * front end answers with), built with the project's one error factory (src/errors). One table,
 * kept consistent by `test/unit/call/catalogs.test.ts`: every code is `CALL_ERR_*`, every entry
 * has a status and a message, and every code is raised somewhere under `src/call`.
 */
import { createErrorClass, defineErrorCatalog } from '../errors';

const CALL_ERROR_TABLE = {
  CALL_ERR_CLOSED: { statusCode: 409, message: 'the call is closed' },
  CALL_ERR_BAD_DEVICE: { statusCode: 400, message: 'invalid device description' },
  CALL_ERR_BAD_DEVICE_KIND: { statusCode: 400, message: 'device kind not allowed in this role' },
  CALL_ERR_BAD_LEG: { statusCode: 400, message: 'invalid leg description' },
  CALL_ERR_BAD_POLICY: { statusCode: 400, message: 'unknown fallback policy' },
  CALL_ERR_UNKNOWN_LEG: { statusCode: 404, message: 'no such leg in this call' },
  CALL_ERR_DUPLICATE_LEG: { statusCode: 409, message: 'a leg with this id already exists' },
  CALL_ERR_UNKNOWN_RESOURCE: { statusCode: 404, message: 'no such media resource in this call' },
  CALL_ERR_DUPLICATE_RESOURCE: { statusCode: 409, message: 'a media resource with this id already exists' },
  CALL_ERR_NO_SUCH_STREAM: { statusCode: 400, message: 'the call carries no media stream of this kind' },
  CALL_ERR_ALREADY_HELD: { statusCode: 409, message: 'the call is already on hold' },
  CALL_ERR_NOT_HELD: { statusCode: 409, message: 'the call is not on hold' },
  CALL_ERR_TRANSITION_PENDING: { statusCode: 409, message: 'another hold, forward or transfer is in progress' },
  CALL_ERR_CONFERENCE_ACTIVE: { statusCode: 409, message: 'the call is already a conference or barge' },
  CALL_ERR_NO_CONFERENCE: { statusCode: 409, message: 'the call is not a conference' },
  CALL_ERR_BELOW_MINIMUM_SECURITY: { statusCode: 403, message: 'Does not meet Security Level, call rejected' },
  CALL_ERR_BARGE_REJECTED: { statusCode: 403, message: 'barge rejected by the security rules' },
  CALL_ERR_FEATURE_UNAVAILABLE: { statusCode: 403, message: 'feature not available for a protected device' },
} as const;

export type CallErrorCode = keyof typeof CALL_ERROR_TABLE;

export const CALL_ERRORS = defineErrorCatalog<CallErrorCode>('CALL_ERR_', CALL_ERROR_TABLE);

export class CallError extends createErrorClass('CallError', CALL_ERRORS) {
  /** Machine-readable context (ids, levels, the tone the initiator hears); never key material. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: CallErrorCode, detail?: string, details: Record<string, unknown> = {}) {
    super(code, { ...(detail === undefined ? {} : { detail }), field: fieldOfDetails(details) });
    this.details = Object.freeze({ ...details });
  }

  /** The tone the initiator of a refused barge hears (reorder, barge_failed), when one was named. */
  get tone(): string | undefined {
    return typeof this.details.tone === 'string' ? this.details.tone : undefined;
  }
}

/** The request field a call error points at: the leg (`leg`) or the media resource (`id`) it names. */
function fieldOfDetails(details: Record<string, unknown>): string | undefined {
  if (typeof details.legId === 'string') return 'leg';
  if (typeof details.resourceId === 'string') return 'id';
  return undefined;
}
