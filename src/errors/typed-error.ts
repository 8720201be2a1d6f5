/**
 * The one error type of the control plane (fastify core's `createError` is the
 * model): every error a layer throws carries a catalog `code`, the HTTP `statusCode` a front end
 * answers with, a message, and optionally the request `field` at fault and a free-text `detail`.
 * Layers never subclass this directly: `createErrorClass` (create-error.ts) builds each layer's
 * class from its catalog, so a front end maps any error to HTTP with `err.statusCode` alone.
 * Messages and details never carry key material.
 */

/** One catalog entry: the HTTP status and the fixed message of a code. */
export interface ErrorEntry {
  readonly statusCode: number;
  readonly message: string;
}

export interface TypedErrorOptions {
  /** Replaces the catalog message entirely (layers whose callers write a full sentence). */
  readonly message?: string;
  /** Appended to the catalog message as `message: detail`. Ignored when `message` is given. */
  readonly detail?: string;
  /** The request field (JSON-pointer-like path) that caused the error, when one did. */
  readonly field?: string;
  readonly cause?: unknown;
}

export class TypedError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly statusCode: number;
  readonly field: string | undefined;
  readonly detail: string | undefined;

  constructor(name: string, code: Code, entry: ErrorEntry, options: TypedErrorOptions = {}) {
    const message = options.message ?? (options.detail === undefined ? entry.message : `${entry.message}: ${options.detail}`);
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    this.code = code;
    this.statusCode = entry.statusCode;
    this.field = options.field;
    this.detail = options.detail;
  }
}

export function isTypedError(err: unknown): err is TypedError {
  return err instanceof TypedError;
}
