/**
 * The API error catalog stays consistent (fastify core's errors test is the model), every
 * lower layer's codes map to an HTTP status, and an untyped error never reaches a client.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { API_ERRORS, ApiError, RELAY_ERROR_STATUS, SRTP_ERROR_STATUS, toHttpError } from '../../../src/api';
import { CallError } from '../../../src/call';
import { CONTROL_ERRORS, ControlError } from '../../../src/control';
import { KEY_ERROR_CATALOG, KeyError, KeyErrorCode } from '../../../src/keys';
import { RelayError, RelayErrorCode } from '../../../src/relay';
import { SrtpError, SrtpErrorCode } from '../../../src/srtp';

// The HTTP front end raises its own codes; call control raises the rest (src/control/errors.ts).
const sourceDirs = ['../../../src/api', '../../../src/control'].map((d) => path.join(__dirname, d));
const sources = sourceDirs
  .flatMap((dir) => readdirSync(dir).filter((f) => f !== 'errors.ts' && f.endsWith('.ts')).map((f) => readFileSync(path.join(dir, f), 'utf8')))
  .join('\n');

describe('API error catalog', () => {
  it.each(Object.entries(API_ERRORS))('%s is well formed and raised somewhere in src/api or src/control', (code, entry) => {
    expect(code).toMatch(/^API_ERR_[A-Z_]+$/);
    expect(entry.statusCode).toBeGreaterThanOrEqual(400);
    expect(entry.statusCode).toBeLessThan(600);
    expect(entry.message.length).toBeGreaterThan(5);
    expect(sources).toContain(`'${code}'`);
  });

  it('ApiError carries code, status, field, and the fixed message', () => {
    const e = new ApiError('API_ERR_UNKNOWN_LEG', { field: 'legId', detail: 'B' });
    expect(e).toMatchObject({ code: 'API_ERR_UNKNOWN_LEG', statusCode: 404, field: 'legId', message: `${API_ERRORS.API_ERR_UNKNOWN_LEG.message}: B` });
    expect(toHttpError(e)).toMatchObject({ status: 404, body: { error: { code: 'API_ERR_UNKNOWN_LEG', field: 'legId' } }, internal: false });
  });

  it('lists every code call control throws, with the same status, and maps ControlError by its own statusCode', () => {
    for (const [code, entry] of Object.entries(CONTROL_ERRORS)) {
      expect(API_ERRORS[code as keyof typeof API_ERRORS]).toEqual(entry);
      const e = new ControlError(code as keyof typeof CONTROL_ERRORS, { field: 'x', detail: 'd' });
      expect(e).toMatchObject({ code, statusCode: entry.statusCode, field: 'x', message: `${entry.message}: d` });
      expect(toHttpError(e)).toMatchObject({ status: entry.statusCode, body: { error: { code, field: 'x' } }, internal: false });
    }
  });

  it('maps every RELAY_ERR_* and SRTP_ERR_* code (no catalog of their own yet)', () => {
    expect(Object.keys(RELAY_ERROR_STATUS).sort()).toEqual(Object.values(RelayErrorCode).sort());
    expect(Object.keys(SRTP_ERROR_STATUS).sort()).toEqual(Object.values(SrtpErrorCode).sort());
    expect(toHttpError(new RelayError(RelayErrorCode.PortsExhausted, 'no ports'))).toMatchObject({ status: 503, body: { error: { code: 'RELAY_ERR_PORTS_EXHAUSTED' } } });
    expect(toHttpError(new SrtpError(SrtpErrorCode.BadKeyLength, 'x'))).toMatchObject({ status: 400, body: { error: { code: 'SRTP_ERR_BAD_KEY_LENGTH' } } });
  });

  it('uses the KEY_ERR_* and CALL_ERR_* catalogs for their statuses', () => {
    for (const code of Object.values(KeyErrorCode)) {
      expect(toHttpError(new KeyError(code, 'm')).status).toBe(KEY_ERROR_CATALOG[code].httpStatus);
    }
    expect(toHttpError(new CallError('CALL_ERR_NOT_HELD'))).toMatchObject({ status: 409, body: { error: { code: 'CALL_ERR_NOT_HELD' } } });
    expect(toHttpError(new CallError('CALL_ERR_UNKNOWN_LEG', 'X', { legId: 'X' })).body.error.field).toBe('leg');
  });

  it('never echoes an untyped error', () => {
    const mapped = toHttpError(new Error('inline:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo='));
    expect(mapped).toEqual({ status: 500, body: { error: { code: 'API_ERR_INTERNAL', message: API_ERRORS.API_ERR_INTERNAL.message } }, internal: true });
  });
});
