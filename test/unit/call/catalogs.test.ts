/**
 * Consistency of the error catalog (fastify style: one table, codes, HTTP status) and of the
 * reason catalog, plus invariants of the status function over every scenario in this folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CALL_ERRORS, CallError, CallErrorCode, NOTICES, REASONS, reasonCap } from '../../../src/call';

const SRC = join(__dirname, '../../../src/call');
const sources = readdirSync(SRC).filter((f) => f.endsWith('.ts') && f !== 'errors.ts')
  .map((f) => readFileSync(join(SRC, f), 'utf8')).join('\n');

describe('error catalog (src/call/errors.ts)', () => {
  const codes = Object.keys(CALL_ERRORS) as CallErrorCode[];

  test('every code is CALL_ERR_* with a 4xx/5xx status and a distinct message', () => {
    for (const code of codes) {
      expect(code).toMatch(/^CALL_ERR_[A-Z_]+$/);
      const { statusCode, message } = CALL_ERRORS[code];
      expect(statusCode).toBeGreaterThanOrEqual(400);
      expect(statusCode).toBeLessThan(600);
      expect(message.length).toBeGreaterThan(0);
    }
    expect(new Set(codes.map((c) => CALL_ERRORS[c].message)).size).toBe(codes.length);
    expect(Object.isFrozen(CALL_ERRORS)).toBe(true);
  });

  test('every code is raised somewhere in src/call, and nothing raises a code outside the catalog', () => {
    for (const code of codes) expect(sources).toContain(`'${code}'`);
    const raised = [...sources.matchAll(/'(CALL_ERR_[A-Z_]+)'/g)].map((m) => m[1]);
    for (const code of raised) expect(codes).toContain(code);
  });

  test('CallError carries code, HTTP status and details', () => {
    const e = new CallError('CALL_ERR_UNKNOWN_LEG', 'X', { legId: 'X' });
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'CallError', code: 'CALL_ERR_UNKNOWN_LEG', statusCode: 404, details: { legId: 'X' } });
    expect(e.message).toBe('no such leg in this call: X');
  });
});

describe('reason catalog (src/call/reasons.ts)', () => {
  test('every reason caps the status below encrypted, cites a seed and is used by the code', () => {
    for (const [code, entry] of Object.entries(REASONS)) {
      expect(code).toMatch(/^[a-z0-9_]+$/);
      expect(['nonsecure', 'authenticated']).toContain(reasonCap(code as keyof typeof REASONS));
      expect(entry.seed).toMatch(/^00[0-4]/);
      expect(sources).toContain(`'${code}'`);
    }
    for (const entry of Object.values(NOTICES)) expect(entry.seed).toMatch(/^00[0-4]/);
  });

  test('the issue\'s example codes exist', () => {
    for (const code of ['moh_rtp', 'transcoder_rtp', 'device_not_trusted', 'signaling_not_tls', 'sip_trunk_no_srtp']) {
      expect(Object.keys(REASONS)).toContain(code);
    }
  });
});
