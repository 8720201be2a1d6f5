/**
 * HA metrics (docs/ha.md), on the API's registry: whether the state store is reachable (0 is
 * the loud one: media goes on from memory), calls owned and foreign, takeovers, SRTP index
 * reservations persisted and waiting. No call ids, no keys.
 */
import { Gauge, type Registry } from 'prom-client';
import type { HaNode } from '../store/ha-node';

export function registerClusterMetrics(registry: Registry, ha: HaNode): void {
  const registers = [registry];
  new Gauge({
    name: 'srtp_relay_store_up', help: 'State store reachable (1) or not (0: degraded to memory, a standby cannot take over changes)', labelNames: ['kind'], registers,
    collect() {
      const s = ha.status().store;
      this.set({ kind: s.kind }, s.connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'srtp_relay_store_down_events', help: 'Times the state store became unreachable since start', registers,
    collect() { this.set(ha.totals.storeDown); },
  });
  new Gauge({
    name: 'srtp_relay_cluster_calls', help: 'Calls by ownership: owned (relayed here) or foreign (held ready for takeover)', labelNames: ['ownership', 'role'], registers,
    collect() {
      const s = ha.status();
      this.set({ ownership: 'owned', role: s.role }, s.calls.owned);
      this.set({ ownership: 'foreign', role: s.role }, s.calls.foreign);
    },
  });
  new Gauge({
    name: 'srtp_relay_takeovers', help: 'Foreign calls taken over since start', registers,
    collect() { this.set(ha.totals.takeovers); },
  });
  new Gauge({
    name: 'srtp_relay_index_reservations', help: 'SRTP index reservations persisted since start, and those waiting for the store now', labelNames: ['state'], registers,
    collect() {
      const s = ha.status();
      this.set({ state: 'persisted' }, s.totals.reservations);
      this.set({ state: 'waiting' }, s.totals.reservationsWaiting);
    },
  });
}
