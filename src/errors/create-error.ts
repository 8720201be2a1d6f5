/**
 * The factory every layer builds its errors with (fastify core's `createError(code, message,
 * statusCode)`, one catalog per layer): `defineErrorCatalog` checks and freezes a layer's table
 * of codes, `createErrorClass` turns it into that layer's error class. docs/errors.md documents
 * every catalog; test/unit/errors/catalogs.test.ts keeps catalogs, docs and sources in step.
 */
import { type ErrorEntry, TypedError, type TypedErrorOptions } from './typed-error';

export type ErrorCatalog<Code extends string> = Readonly<Record<Code, ErrorEntry>>;

/**
 * A layer's frozen catalog. Every code must start with `prefix` (e.g. `KEY_ERR_`) and be
 * upper snake case, every status must be an HTTP error status (4xx/5xx), every message non-empty:
 * a malformed catalog fails when its module loads, not when an error is first thrown.
 */
export function defineErrorCatalog<Code extends string>(prefix: string, table: Record<Code, ErrorEntry>): ErrorCatalog<Code> {
  for (const [code, entry] of Object.entries(table) as [string, ErrorEntry][]) {
    if (!code.startsWith(prefix) || !/^[A-Z][A-Z0-9_]*$/.test(code)) throw new Error(`error catalog ${prefix}: bad code ${code}`);
    if (!Number.isInteger(entry.statusCode) || entry.statusCode < 400 || entry.statusCode > 599) {
      throw new Error(`error catalog ${prefix}: ${code} has status ${entry.statusCode}, not 400..599`);
    }
    if (entry.message.length === 0) throw new Error(`error catalog ${prefix}: ${code} has no message`);
    Object.freeze(entry);
  }
  return Object.freeze(table);
}

/** A layer's error class: `new LayerError(code, options)` takes status and message from the catalog. */
export type ErrorClass<Code extends string> = new (code: Code, options?: TypedErrorOptions) => TypedError<Code>;

export function createErrorClass<Code extends string>(name: string, catalog: ErrorCatalog<Code>): ErrorClass<Code> {
  const layerError = class extends TypedError<Code> {
    constructor(code: Code, options: TypedErrorOptions = {}) {
      const entry = catalog[code];
      if (entry === undefined) throw new TypeError(`${name}: ${String(code)} is not in its catalog`);
      super(name, code, entry, options);
    }
  };
  Object.defineProperty(layerError, 'name', { value: name });
  return layerError;
}
