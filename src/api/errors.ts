/**
 * Error catalog of the HTTP API (fastify core's `errors.js` is the model), built with the
 * project's one error factory (src/errors): the `API_ERR_*` codes only HTTP produces (auth, body
 * parsing, routing, limits, address checks) and with them every code call control throws
 * (`src/control/errors.ts`), so the HTTP catalog lists each public code once with its status and
 * fixed message. Messages never carry key material; `field` names the offending request field.
 * `test/unit/errors/catalogs.test.ts` keeps catalogs, docs/errors.md and sources consistent.
 */
import { CONTROL_ERRORS } from '../control/errors';
import { createErrorClass, defineErrorCatalog } from '../errors';

export { fieldError, fieldOf, withField } from '../control/errors';

const HTTP_ERROR_TABLE = {
  API_ERR_UNAUTHORIZED: { statusCode: 401, message: 'missing or wrong bearer token' },
  API_ERR_BAD_JSON: { statusCode: 400, message: 'the request body is not valid JSON' },
  API_ERR_UNSUPPORTED_MEDIA_TYPE: { statusCode: 415, message: 'send the body as application/json' },
  API_ERR_PAYLOAD_TOO_LARGE: { statusCode: 413, message: 'the request body is too large' },
  API_ERR_NOT_FOUND: { statusCode: 404, message: 'no such route' },
  API_ERR_CONSOLE_NOT_BUILT: { statusCode: 503, message: 'the console is not built: run npm run build' },
  API_ERR_REMOTE_REFUSED: { statusCode: 400, message: 'the relay does not send to this address' },
  API_ERR_SDP_LIMIT: { statusCode: 400, message: 'the SDP exceeds a configured limit' },
  API_ERR_SDP_FAN_OUT: { statusCode: 400, message: 'the SDP has more active m-lines of a kind than the leg has streams (one per kind)' },
  API_ERR_BAD_CURSOR: { statusCode: 400, message: 'the cursor is not one this server issued' },
  API_ERR_RATE_LIMITED: { statusCode: 429, message: 'too many requests; retry later' },
  API_ERR_TOO_MANY_CONNECTIONS: { statusCode: 503, message: 'too many connections' },
  API_ERR_TOO_MANY_CLIENTS: { statusCode: 503, message: 'too many WebSocket event subscribers' },
  API_ERR_CALL_LIMIT: { statusCode: 503, message: 'the relay holds its maximum number of calls' },
  API_ERR_LEG_LIMIT: { statusCode: 409, message: 'the call holds its maximum number of legs' },
} as const;

const API_ERROR_TABLE = { ...HTTP_ERROR_TABLE, ...CONTROL_ERRORS };

export type ApiErrorCode = keyof typeof API_ERROR_TABLE;

export const API_ERRORS = defineErrorCatalog<ApiErrorCode>('API_ERR_', API_ERROR_TABLE);

export class ApiError extends createErrorClass('ApiError', API_ERRORS) {
  constructor(code: ApiErrorCode, options: { field?: string; detail?: string } = {}) {
    super(code, options);
  }
}
