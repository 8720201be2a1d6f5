/**
 * Prometheus metrics (prom-client, a registry of our own): calls, legs and statuses now; HTTP
 * requests, call and security-change totals; per-leg relay counters summed over open calls.
 * Labels are bounded (route templates, statuses, counter names): never call ids or keys.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { COUNTER_NAMES } from '../relay';
import type { CallController } from '../control';

export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  /** Requests and connections refused by a limit (limits.ts), by limit name. */
  readonly limitRefusals: Counter<'limit'>;
  private connections: () => number = () => 0;

  constructor(service: CallController) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'srtp_relay_process_' });
    this.httpRequests = new Counter({ name: 'srtp_relay_http_requests_total', help: 'API requests by route template and status', labelNames: ['method', 'route', 'status'], registers });
    this.limitRefusals = new Counter({ name: 'srtp_relay_limit_refusals_total', help: 'Connections and requests refused by a configured limit (connections, connections_per_source, unauthenticated_timeout, rate, websocket_clients, websocket_buffer, calls, legs_per_call, sdp_size, sdp_fan_out, remote_address)', labelNames: ['limit'], registers });
    const connections = (): number => this.connections();
    new Gauge({
      name: 'srtp_relay_api_connections', help: 'Open TCP connections to the API', registers,
      collect() { this.set(connections()); },
    });
    new Gauge({
      name: 'srtp_relay_calls', help: 'Open calls by security status', labelNames: ['status'], registers,
      collect() {
        const by = { encrypted: 0, authenticated: 0, nonsecure: 0 };
        for (const s of service.sessions()) by[s.report.status] += 1;
        for (const [status, n] of Object.entries(by)) this.set({ status }, n);
      },
    });
    new Gauge({
      name: 'srtp_relay_legs', help: 'Relay legs (sockets) of open calls', registers,
      collect() {
        let n = 0;
        for (const s of service.sessions()) n += [...s.relayLegs.ids()].length;
        this.set(n);
      },
    });
    new Gauge({
      name: 'srtp_relay_leg_counter', help: 'Per-leg relay counters summed over open calls (packets, auth failures, replays, drops)', labelNames: ['counter'], registers,
      collect() {
        const sums = Object.fromEntries(COUNTER_NAMES.map((c) => [c, 0])) as Record<string, number>;
        for (const s of service.sessions()) {
          for (const leg of s.relayCall.stats().legs) for (const c of COUNTER_NAMES) sums[c] += leg.counters[c];
        }
        for (const c of COUNTER_NAMES) this.set({ counter: c }, sums[c]);
      },
    });
    new Gauge({
      name: 'srtp_relay_calls_created', help: 'Calls created since start', registers,
      collect() { this.set(service.totals.callsCreated); },
    });
    new Gauge({
      name: 'srtp_relay_calls_closed', help: 'Calls closed since start', registers,
      collect() { this.set(service.totals.callsClosed); },
    });
    new Gauge({
      name: 'srtp_relay_security_changes', help: 'securitychange events by new status', labelNames: ['status'], registers,
      collect() { for (const [status, n] of Object.entries(service.totals.securityChanges)) this.set({ status }, n); },
    });
    new Gauge({
      name: 'srtp_relay_packet_io', help: 'Packet I/O backend of the media workers (1 for the one running): native (batched recvmmsg/sendmmsg) or dgram', labelNames: ['backend'], registers,
      collect() {
        const running = service.relay.ioBackend;
        for (const backend of ['native', 'dgram']) this.set({ backend }, backend === running ? 1 : 0);
      },
    });
    new Gauge({
      name: 'srtp_relay_ports_available', help: 'Free UDP ports in the media port range', registers,
      collect() { this.set(service.relay.pool.available); },
    });
  }

  /** Where the open-connection gauge reads its value. */
  watchConnections(count: () => number): void {
    this.connections = count;
  }
}
