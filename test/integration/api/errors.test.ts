/**
 * The API error catalog stays consistent (fastify core's errors test is the model), every
 * layer's typed error reaches a client with its own catalog status, and an untyped error never
 * reaches a client.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { API_ERRORS, ApiError, ConfigError, toHttpError } from '../../../src/api';
import { CallError } from '../../../src/call';
import { CONTROL_ERRORS, ControlError } from '../../../src/control';
import { KEY_ERROR_CATALOG, KeyError, KeyErrorCode } from '../../../src/keys';
import { RELAY_ERRORS, RelayError, RelayErrorCode } from '../../../src/relay';
import { fromWireError, toWireError } from '../../../src/relay/errors';
import { SRTP_ERRORS, SrtpError, SrtpErrorCode } from '../../../src/srtp';
import { relayPortRange } from '../../helpers/port-ranges';
import { startTestApi } from './helpers';

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

  it('answers every RELAY_ERR_* and SRTP_ERR_* code with its catalog status', () => {
    for (const code of Object.values(RelayErrorCode)) {
      expect(toHttpError(new RelayError(code, 'm'))).toMatchObject({ status: RELAY_ERRORS[code].statusCode, body: { error: { code, message: 'm' } } });
    }
    for (const code of Object.values(SrtpErrorCode)) {
      expect(toHttpError(new SrtpError(code, 'm'))).toMatchObject({ status: SRTP_ERRORS[code].statusCode, body: { error: { code, message: 'm' } } });
    }
    expect(toHttpError(new RelayError(RelayErrorCode.PortsExhausted, 'no ports'))).toMatchObject({ status: 503, body: { error: { code: 'RELAY_ERR_PORTS_EXHAUSTED' } }, internal: true });
    expect(toHttpError(new SrtpError(SrtpErrorCode.BadKeyLength, 'x'))).toMatchObject({ status: 400, body: { error: { code: 'SRTP_ERR_BAD_KEY_LENGTH' } }, internal: false });
  });

  it('keeps code and status across the worker boundary', () => {
    const srtp = fromWireError(toWireError(new SrtpError(SrtpErrorCode.BadRoc, 'roc')));
    expect(srtp).toBeInstanceOf(SrtpError);
    expect(toHttpError(srtp)).toMatchObject({ status: 400, body: { error: { code: 'SRTP_ERR_BAD_ROC', message: 'roc' } } });
    const relay = fromWireError(toWireError(new RelayError(RelayErrorCode.UnknownLeg, 'leg x')));
    expect(relay).toBeInstanceOf(RelayError);
    expect(toHttpError(relay)).toMatchObject({ status: 404, body: { error: { code: 'RELAY_ERR_UNKNOWN_LEG', message: 'leg x' } } });
    const bug = fromWireError(toWireError(new TypeError('boom')));
    expect(toHttpError(bug)).toMatchObject({ status: 500, body: { error: { code: 'RELAY_ERR_INTERNAL' } }, internal: true });
  });

  it('lists every code call control throws, with the same status, and maps ControlError by its own statusCode', () => {
    for (const [code, entry] of Object.entries(CONTROL_ERRORS)) {
      expect(API_ERRORS[code as keyof typeof API_ERRORS]).toEqual(entry);
      const e = new ControlError(code as keyof typeof CONTROL_ERRORS, { field: 'x', detail: 'd' });
      expect(e).toMatchObject({ code, statusCode: entry.statusCode, field: 'x', message: `${entry.message}: d` });
      expect(toHttpError(e)).toMatchObject({ status: entry.statusCode, body: { error: { code, field: 'x' } }, internal: entry.statusCode >= 500 });
    }
  });

  it('uses the KEY_ERR_* and CALL_ERR_* catalogs for their statuses', () => {
    for (const code of Object.values(KeyErrorCode)) {
      expect(toHttpError(new KeyError(code, 'm')).status).toBe(KEY_ERROR_CATALOG[code].statusCode);
    }
    expect(toHttpError(new CallError('CALL_ERR_NOT_HELD'))).toMatchObject({ status: 409, body: { error: { code: 'CALL_ERR_NOT_HELD' } } });
    expect(toHttpError(new CallError('CALL_ERR_UNKNOWN_LEG', 'X', { legId: 'X' })).body.error.field).toBe('leg');
    expect(toHttpError(new CallError('CALL_ERR_UNKNOWN_RESOURCE', 'r', { resourceId: 'r' })).body.error.field).toBe('id');
    expect(toHttpError(new CallError('CALL_ERR_BARGE_REJECTED', undefined, { tone: 'reorder' })).body.error).toEqual({
      code: 'CALL_ERR_BARGE_REJECTED', message: 'barge rejected by the security rules', tone: 'reorder',
    });
  });

  it('answers a config error as a 500 that is logged', () => {
    expect(toHttpError(new ConfigError('config: unknown key x'))).toMatchObject({ status: 500, body: { error: { code: 'CONFIG_ERR_INVALID', message: 'config: unknown key x' } }, internal: true });
  });

  it('never echoes an untyped error', () => {
    const mapped = toHttpError(new Error('inline:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo='));
    expect(mapped).toEqual({ status: 500, body: { error: { code: 'API_ERR_INTERNAL', message: API_ERRORS.API_ERR_INTERNAL.message } }, internal: true });
  });

  it('logs an internal error with pino\'s err serializer (type, message, stack) and answers with the fixed message', async () => {
    const { api, client, logs } = await startTestApi(relayPortRange(10));
    try {
      (api.service as unknown as { callCount: () => number }).callCount = () => {
        throw new TypeError('callCount exploded');
      };
      const r = await client.call('GET', '/healthz');
      expect(r.status).toBe(500);
      expect(r.body).toEqual({ error: { code: 'API_ERR_INTERNAL', message: API_ERRORS.API_ERR_INTERNAL.message } });
      const line = logs.lines.map((l) => JSON.parse(l) as { msg?: string; err?: { type?: string; message?: string; stack?: string } }).find((l) => l.msg === 'internal error');
      expect(line?.err).toMatchObject({ type: 'TypeError', message: 'callCount exploded' });
      expect(line?.err?.stack).toContain('callCount exploded');
    } finally {
      await api.close();
    }
  });
});
