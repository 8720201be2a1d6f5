/**
 * Typed errors of the media relay's control side (STYLE habit 6: control plane throws, data
 * plane counts). Bad packets are never errors: they increment a per-leg counter.
 * Messages never carry key material.
 */
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

export class RelayError extends Error {
  readonly code: RelayErrorCode;
  constructor(code: RelayErrorCode, message: string) {
    super(message);
    this.name = 'RelayError';
    this.code = code;
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

/** Rebuild a typed error from its wire form; SRTP_ERR_* codes keep their code on a RelayError. */
export function fromWireError(wire: WireError): RelayError {
  const err = new RelayError(RelayErrorCode.Internal, wire.message);
  (err as { code: string }).code = wire.code;
  return err;
}
