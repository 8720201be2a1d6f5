/**
 * One error model (fastify core's errors test is the model): every layer's catalog is built with
 * the one factory, every catalog code is documented in docs/errors.md with its status, every code
 * any doc names exists, and every code string written in src/ is in a catalog.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { API_ERRORS, ApiError, CONFIG_ERRORS, ConfigError } from '../../../src/api';
import { BENCH_ERRORS, BenchError, type BenchErrorCode } from '../../../src/bench/bench-errors';
import { CALL_ERRORS, CallError, type CallErrorCode } from '../../../src/call';
import { createErrorClass, defineErrorCatalog, type ErrorCatalog, TypedError } from '../../../src/errors';
import { KEY_ERROR_CATALOG, KeyError, type KeyErrorCode } from '../../../src/keys';
import { RELAY_ERRORS, RelayError, type RelayErrorCode } from '../../../src/relay';
import { SCENARIO_ERRORS, ScenarioError, type ScenarioErrorCode } from '../../../src/scenario';
import { SRTP_ERRORS, SrtpError, type SrtpErrorCode } from '../../../src/srtp';
import { NG_ERRORS, NgError, type NgErrorCode } from '../../../src/ng/errors';

const ROOT = join(__dirname, '../../..');

interface Layer {
  readonly prefix: string;
  readonly catalog: ErrorCatalog<string>;
  /** Builds the layer's error for a code with its usual constructor shape. */
  readonly make: (code: string) => TypedError;
}

const LAYERS: readonly Layer[] = [
  { prefix: 'SRTP_ERR_', catalog: SRTP_ERRORS, make: (c) => new SrtpError(c as SrtpErrorCode, 'm') },
  { prefix: 'KEY_ERR_', catalog: KEY_ERROR_CATALOG, make: (c) => new KeyError(c as KeyErrorCode, 'm') },
  { prefix: 'RELAY_ERR_', catalog: RELAY_ERRORS, make: (c) => new RelayError(c as RelayErrorCode, 'm') },
  { prefix: 'CALL_ERR_', catalog: CALL_ERRORS, make: (c) => new CallError(c as CallErrorCode) },
  { prefix: 'API_ERR_', catalog: API_ERRORS, make: (c) => new ApiError(c as keyof typeof API_ERRORS) },
  { prefix: 'CONFIG_ERR_', catalog: CONFIG_ERRORS, make: () => new ConfigError('m') },
  { prefix: 'SCENARIO_ERR_', catalog: SCENARIO_ERRORS, make: (c) => new ScenarioError(c as ScenarioErrorCode, 'm') },
  { prefix: 'BENCH_ERR_', catalog: BENCH_ERRORS, make: (c) => new BenchError(c as BenchErrorCode, 'm') },
  { prefix: 'NG_ERR_', catalog: NG_ERRORS, make: (c) => new NgError(c as NgErrorCode, 'm') },
];

const allCodes = new Map<string, number>(LAYERS.flatMap((l) => Object.entries(l.catalog).map(([code, e]) => [code, e.statusCode] as const)));
/**
 * An error code: `<LAYER>_ERR_<WHAT>`, ending in a word (not a bare `KEY_ERR_` prefix in prose).
 * Any layer prefix counts, so a new layer's codes must join a catalog here; only fastify's own
 * `FST_ERR_*` (which the API maps to API_ERR_*) are not ours.
 */
const CODE = /\b(?!FST_)[A-Z][A-Z0-9]*_ERR_[A-Z0-9_]*[A-Z0-9]\b/g;

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p, ext) : p.endsWith(ext) ? [p] : [];
  });
}

/** `| \`CODE\` | 400 | meaning |` rows of docs/errors.md, by code. */
function documentedStatuses(): Map<string, number> {
  const rows = new Map<string, number>();
  for (const m of readFileSync(join(ROOT, 'docs/errors.md'), 'utf8').matchAll(/^\| `([A-Z0-9_]+)` \| (\d{3}) \| (.+) \|$/gm)) {
    expect(rows.has(m[1])).toBe(false);
    rows.set(m[1], Number(m[2]));
  }
  return rows;
}

describe('one error model', () => {
  it.each(LAYERS.map((l) => [l.prefix, l] as const))('%s: catalog is frozen, well formed, and its class comes from the factory', (prefix, layer) => {
    expect(Object.isFrozen(layer.catalog)).toBe(true);
    expect(Object.keys(layer.catalog).length).toBeGreaterThan(0);
    for (const [code, entry] of Object.entries(layer.catalog)) {
      expect(code.startsWith(prefix)).toBe(true);
      expect(Object.isFrozen(entry)).toBe(true);
      const err = layer.make(code);
      expect(err).toBeInstanceOf(TypedError);
      expect(err).toBeInstanceOf(Error);
      expect(err.code).toBe(code);
      expect(err.statusCode).toBe(entry.statusCode);
      expect(err.message.length).toBeGreaterThan(0);
    }
  });

  it('every catalog code is documented in docs/errors.md with its status, and nothing else is', () => {
    const documented = documentedStatuses();
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(allCodes));
  });

  it('every error code named in the docs and README exists', () => {
    const docs = [...filesUnder(join(ROOT, 'docs'), '.md'), join(ROOT, 'README.md')];
    const unknown = docs.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(CODE)].map((m) => m[0]).filter((c) => !allCodes.has(c)).map((c) => `${f}: ${c}`));
    expect(unknown).toEqual([]);
  });

  it('every error code string in src/ is in a catalog', () => {
    const sources = filesUnder(join(ROOT, 'src'), '.ts');
    expect(sources.length).toBeGreaterThan(50);
    const written = sources.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/['"`]((?!FST_)[A-Z][A-Z0-9]*_ERR_[A-Z0-9_]+)['"`]/g)].map((m) => ({ f, code: m[1] })));
    expect(written.length).toBeGreaterThan(100);
    expect(written.filter((w) => !allCodes.has(w.code)).map((w) => `${w.f}: ${w.code}`)).toEqual([]);
  });

  it('the factory refuses a malformed catalog and an unknown code', () => {
    expect(() => defineErrorCatalog('X_ERR_', { Y_ERR_A: { statusCode: 400, message: 'm' } })).toThrow(/bad code/);
    expect(() => defineErrorCatalog('X_ERR_', { X_ERR_A: { statusCode: 200, message: 'm' } })).toThrow(/400\.\.599/);
    expect(() => defineErrorCatalog('X_ERR_', { X_ERR_A: { statusCode: 400, message: '' } })).toThrow(/no message/);
    const XError = createErrorClass('XError', defineErrorCatalog('X_ERR_', { X_ERR_A: { statusCode: 418, message: 'teapot' } }));
    const e = new XError('X_ERR_A', { detail: 'd', field: 'f' });
    expect(e).toMatchObject({ name: 'XError', code: 'X_ERR_A', statusCode: 418, message: 'teapot: d', field: 'f', detail: 'd' });
    expect(XError.name).toBe('XError');
    expect(() => new XError('X_ERR_B' as 'X_ERR_A')).toThrow(/not in its catalog/);
  });
});
