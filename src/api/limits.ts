/**
 * Limits and timeouts of the control API: every queue, map and connection has a limit. Defaults are documented in docs/api.md ("Limits"); `serve` takes them from the config
 * file's `limits` section. A limit that is hit answers with a code (HTTP 429 or 503, or a 400
 * for request content) and increments `srtp_relay_limit_refusals_total{limit}`.
 */
import { readFileSync } from 'node:fs';

export interface ServerLimits {
  /** Open TCP connections to the API (capped further by half the process's file descriptor limit). */
  readonly maxConnections: number;
  /** Open TCP connections from one source address (capped further at a quarter of the effective maxConnections). */
  readonly maxConnectionsPerSource: number;
  /** A connection that has not sent an authenticated request by then is closed. */
  readonly unauthenticatedTimeoutMs: number;
  /** Time to receive a request's headers (node's headersTimeout). */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request (node's requestTimeout). */
  readonly requestTimeoutMs: number;
  /** Idle keep-alive connections are closed after this (node's keepAliveTimeout). */
  readonly keepAliveTimeoutMs: number;
  /** A connection with no traffic either way for this long is destroyed (node's server.timeout): a client that stops reading a response. */
  readonly idleTimeoutMs: number;
  /** Requests per window with the bearer token (one token: all authorised clients together). */
  readonly requestsPerWindow: number;
  /** Requests per window from one address without a valid token. */
  readonly unauthenticatedRequestsPerWindow: number;
  readonly rateWindowMs: number;
  /** WebSocket event subscribers. */
  readonly maxWebSocketClients: number;
  /** Bytes queued toward one WebSocket subscriber before it is dropped as too slow. */
  readonly maxWebSocketBufferedBytes: number;
  readonly maxCalls: number;
  readonly maxLegsPerCall: number;
  /** m= lines in one SDP body. */
  readonly maxSdpMediaLines: number;
  /** a=crypto lines in one m= section. */
  readonly maxCryptoLinesPerMedia: number;
  /** `GET /v1/calls` page size: default and maximum. */
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
  /** Shutdown: how long unfinished requests and silent clients get before they are cut. */
  readonly shutdownGraceMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = Object.freeze({
  maxConnections: 1024,
  maxConnectionsPerSource: 128,
  unauthenticatedTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
  requestsPerWindow: 20_000,
  unauthenticatedRequestsPerWindow: 300,
  rateWindowMs: 60_000,
  maxWebSocketClients: 64,
  maxWebSocketBufferedBytes: 1 << 20,
  maxCalls: 10_000,
  maxLegsPerCall: 16,
  maxSdpMediaLines: 16,
  maxCryptoLinesPerMedia: 8,
  defaultPageSize: 100,
  maxPageSize: 1000,
  shutdownGraceMs: 3_000,
});

export const LIMIT_NAMES = Object.freeze(Object.keys(DEFAULT_LIMITS) as (keyof ServerLimits)[]);

/** Merge a partial set over the defaults; every value must be a positive integer. */
export function resolveLimits(partial: Partial<ServerLimits> = {}): ServerLimits {
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(partial)) {
    if (!(key in DEFAULT_LIMITS)) throw new RangeError(`limits: unknown key ${key}`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new RangeError(`limits.${key} must be a positive integer`);
    out[key] = value;
  }
  if (out.headersTimeoutMs > out.requestTimeoutMs) throw new RangeError('limits.headersTimeoutMs must not exceed limits.requestTimeoutMs');
  if (out.defaultPageSize > out.maxPageSize) throw new RangeError('limits.defaultPageSize must not exceed limits.maxPageSize');
  return Object.freeze(out) as unknown as ServerLimits;
}

/**
 * The soft RLIMIT_NOFILE of this process (Linux /proc), or null where unknown. Media sockets,
 * worker threads and log files need descriptors too, so the API keeps to half of them: a flood
 * of connections cannot starve the relay or the authorised client of descriptors.
 */
export function fileDescriptorLimit(): number | null {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m === null ? null : Number(m[1]);
  } catch {
    return null;
  }
}

export function effectiveMaxConnections(limits: ServerLimits, fdLimit: number | null = fileDescriptorLimit()): number {
  return fdLimit === null ? limits.maxConnections : Math.max(8, Math.min(limits.maxConnections, Math.floor(fdLimit / 2)));
}

/** One source may hold at most a quarter of the process's connections, so one host cannot take them all. */
export function effectiveMaxConnectionsPerSource(limits: ServerLimits, maxConnections: number): number {
  return Math.max(1, Math.min(limits.maxConnectionsPerSource, Math.floor(maxConnections / 4)));
}
