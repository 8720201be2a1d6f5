/**
 * Error catalog of the HTTP API (STYLE habit 7; fastify core's `errors.js` is the model): the
 * `API_ERR_*` codes only HTTP produces (auth, body parsing, routing), and with them every code
 * call control throws (`src/control/errors.ts`), so the HTTP catalog lists each code once with
 * its status and fixed message. `test/integration/api/errors.test.ts` keeps it consistent.
 */
import { CONTROL_ERRORS } from '../control/errors';

export const API_ERRORS = Object.freeze({
  API_ERR_UNAUTHORIZED: { statusCode: 401, message: 'missing or wrong bearer token' },
  API_ERR_BAD_JSON: { statusCode: 400, message: 'the request body is not valid JSON' },
  API_ERR_UNSUPPORTED_MEDIA_TYPE: { statusCode: 415, message: 'send the body as application/json' },
  API_ERR_PAYLOAD_TOO_LARGE: { statusCode: 413, message: 'the request body is too large' },
  API_ERR_NOT_FOUND: { statusCode: 404, message: 'no such route' },
  ...CONTROL_ERRORS,
} as const);

export type ApiErrorCode = keyof typeof API_ERRORS;

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly statusCode: number;
  readonly field: string | undefined;

  constructor(code: ApiErrorCode, options: { field?: string; detail?: string } = {}) {
    const entry = API_ERRORS[code];
    super(options.detail === undefined ? entry.message : `${entry.message}: ${options.detail}`);
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = entry.statusCode;
    this.field = options.field;
  }
}
