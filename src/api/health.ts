/**
 * `/healthz`: load balancers and orchestrators probe it without a token, so the public answer is
 * only `{ status: "ok" | "degraded" }` (HTTP 503 when degraded); details (calls, workers, free
 * ports, why) are for token holders. Degraded: a media worker is down, the port pool cannot open
 * another leg, the server is shutting down, or the HA state store (docs/ha.md) is unreachable
 * (`store_unreachable`: media goes on from memory, but a standby cannot take over what changes).
 */
import type { ClusterStatus } from '../store/ha-node';
export interface HealthSource {
  readonly closed: boolean;
  callCount(): number;
  readonly relay: {
    workerLoad(): { index: number; calls: number; alive: boolean }[];
    readonly pool: { readonly available: number };
  };
}

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly reasons: readonly string[];
  readonly calls: number;
  readonly workers: { readonly total: number; readonly alive: number };
  readonly portsAvailable: number;
  /** Role, store connectivity, calls owned and foreign (docs/ha.md). */
  readonly cluster?: ClusterStatus;
}

/** A leg needs two ports (RTP and RTCP) unless muxed: fewer than two free means no new leg. */
const MIN_FREE_PORTS = 2;

export function evaluateHealth(source: HealthSource, shuttingDown: boolean, cluster?: ClusterStatus): HealthReport {
  const load = source.relay.workerLoad();
  const total = Math.max(load.length, 1);
  const alive = load.length === 0 ? 1 : load.filter((w) => w.alive).length;
  const portsAvailable = source.relay.pool.available;
  const reasons: string[] = [];
  if (shuttingDown || source.closed) reasons.push('shutting_down');
  if (alive < total) reasons.push('worker_down');
  if (portsAvailable < MIN_FREE_PORTS) reasons.push('ports_exhausted');
  if (cluster !== undefined && cluster.store.durable && !cluster.store.connected) reasons.push('store_unreachable');
  return {
    status: reasons.length === 0 ? 'ok' : 'degraded', reasons, calls: source.callCount(), workers: { total, alive }, portsAvailable,
    ...(cluster !== undefined ? { cluster } : {}),
  };
}
