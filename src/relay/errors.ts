/**
 * Typed errors of the media relay's control side (control plane throws, data
 * plane counts), built with the project's one error factory (src/errors). Bad packets are never
 * errors: they increment a per-leg counter. Messages never carry key material.
 */
import { createErrorClass, defineErrorCatalog } from '../errors';
import { SRTP_ERRORS, SrtpError, type SrtpErrorCode } from '../srtp/errors';

export enum RelayErrorCode {
  BadOption = 'RELAY_ERR_BAD_OPTION',
  /** A remote the address policy refuses (multicast, broadcast, denied range, wrong family...). */
  RemoteRefused = 'RELAY_ERR_REMOTE_REFUSED',
  PortsExhausted = 'RELAY_ERR_PORTS_EXHAUSTED',
  BindFailed = 'RELAY_ERR_BIND_FAILED',
  DuplicateCall = 'RELAY_ERR_DUPLICATE_CALL',
  DuplicateLeg = 'RELAY_ERR_DUPLICATE_LEG',
  UnknownLeg = 'RELAY_ERR_UNKNOWN_LEG',
  KeyReuse = 'RELAY_ERR_KEY_REUSE',
  BadSrtpOptions = 'RELAY_ERR_BAD_SRTP_OPTIONS',
  Closed = 'RELAY_ERR_CLOSED',
  WorkerDied = 'RELAY_ERR_WORKER_DIED',
  Internal = 'RELAY_ERR_INTERNAL',
}

/** Status and meaning of each code (docs/errors.md lists the same table). */
export const RELAY_ERRORS = defineErrorCatalog<RelayErrorCode>('RELAY_ERR_', {
  [RelayErrorCode.BadOption]: { statusCode: 400, message: 'a relay, call or leg option is out of range' },
  [RelayErrorCode.RemoteRefused]: { statusCode: 400, message: 'the relay will not send to this remote address (address policy)' },
  [RelayErrorCode.PortsExhausted]: { statusCode: 503, message: 'no free media port pair is left in the configured range' },
  [RelayErrorCode.BindFailed]: { statusCode: 503, message: 'a media socket could not be bound' },
  [RelayErrorCode.DuplicateCall]: { statusCode: 409, message: 'a relay call with this id already exists' },
  [RelayErrorCode.DuplicateLeg]: { statusCode: 409, message: 'a relay leg with this id already exists' },
  [RelayErrorCode.UnknownLeg]: { statusCode: 404, message: 'no such relay leg' },
  [RelayErrorCode.KeyReuse]: { statusCode: 409, message: 'a master key would protect a second stream (never protect a (key, SSRC, index) twice)' },
  [RelayErrorCode.BadSrtpOptions]: { statusCode: 400, message: 'the SRTP options of a leg are invalid' },
  [RelayErrorCode.Closed]: { statusCode: 409, message: 'the relay, call or leg is closed' },
  [RelayErrorCode.WorkerDied]: { statusCode: 503, message: 'the media worker holding the call died' },
  [RelayErrorCode.Internal]: { statusCode: 500, message: 'internal relay error' },
});

export class RelayError extends createErrorClass('RelayError', RELAY_ERRORS) {
  constructor(code: RelayErrorCode, message: string) {
    super(code, { message });
  }
}

/** The plain-object form that crosses the worker boundary (Error objects lose their code). */
export interface WireError {
  readonly code: string;
  readonly message: string;
}

export function toWireError(err: unknown): WireError {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  return { code: typeof code === 'string' ? code : RelayErrorCode.Internal, message };
}

/**
 * Rebuild a typed error from its wire form, in the class of the layer whose catalog holds its
 * code (a worker raises RELAY_ERR_* and, when an SRTP context refuses its options, SRTP_ERR_*);
 * any other code becomes RELAY_ERR_INTERNAL, keeping the worker's message.
 */
export function fromWireError(wire: WireError): RelayError | SrtpError {
  if (Object.hasOwn(RELAY_ERRORS, wire.code)) return new RelayError(wire.code as RelayErrorCode, wire.message);
  if (Object.hasOwn(SRTP_ERRORS, wire.code)) return new SrtpError(wire.code as SrtpErrorCode, wire.message);
  return new RelayError(RelayErrorCode.Internal, wire.message);
}
