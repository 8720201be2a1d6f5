/**
 * Assembles the running service: key manager, media relay, call controller, fastify app. Used by
 * `srtp-relay serve` and by the integration tests (which pass their own options and a log
 * destination). Close cascade (shutdown.ts): new requests refused → controller.close() (every call
 * closed: sockets closed, contexts wiped, keys released, `callclosed` reason `shutdown` sent to
 * subscribers) → relay workers stopped → key manager closed → listener stopped → connections
 * left after `limits.shutdownGraceMs` cut.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino, { type DestinationStream, type Logger } from 'pino';
import { defineCluster, type ClusterConfig } from '../call';
import { KeyManager, type KeyManagerConfig } from '../keys';
import { MediaRelay, type AddressPolicyConfig, type MediaRelayOptions } from '../relay';
import { CallController, CONTROL_EVENT_TYPES } from '../control';
import { ControllerNgCallControl, NgDispatcher, NgTcpServer, NgUdpServer } from '../ng';
import { ConsoleAssets } from './console-assets';
import { EventHub } from './event-hub';
import { resolveLimits, type ServerLimits } from './limits';
import { buildApiServer } from './server';
import { shutdownApi, type ShutdownReport } from './shutdown';
import { registerClusterMetrics } from './cluster-metrics';
import { ConfigError } from './config-error';
import type { HaConfig } from './ha-config';
import { HaNode, MemoryStore, RedisStore, type StateStore } from '../store';
import { nonlocalBindProblem } from '../store/nonlocal-bind';

export interface ApiServerConfig {
  readonly listen: { readonly host: string; readonly port: number };
  readonly token: string;
  readonly relay: MediaRelayOptions;
  readonly keys?: KeyManagerConfig;
  readonly cluster?: Partial<ClusterConfig>;
  readonly advertiseAddress?: string;
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly logLevel?: string;
  /** Where pino writes (default stdout). */
  readonly logDestination?: DestinationStream;
  readonly version?: string;
  readonly onRoute?: (route: { method: string; url: string }) => void;
  /** Over DEFAULT_LIMITS (limits.ts). */
  readonly limits?: Partial<ServerLimits>;
  /** Remotes the relay may send to (relay/address-policy.ts); overrides `relay.addressPolicy`. */
  readonly addressPolicy?: AddressPolicyConfig;
  /** rtpengine's ng protocol: UDP and TCP listeners (null: none). `POST /ng` is always there. */
  readonly ng?: { readonly udp: NgListen | null; readonly tcp?: NgListen | null };
  /** State store and role (docs/ha.md); default: memory, active. */
  readonly ha?: HaConfig;
  /** Where the operator console's files are (default dist/console beside this module). */
  readonly consoleDir?: string;
}

export interface NgListen {
  readonly host: string;
  /** 0: a port from the OS. */
  readonly port: number;
}

export interface RunningApi {
  readonly app: FastifyInstance;
  readonly service: CallController;
  readonly events: EventHub;
  readonly logger: Logger;
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly limits: ServerLimits;
  /** Bounded shutdown (shutdown.ts); idempotent. */
  close(): Promise<void>;
  /** What the last close() did (null before). */
  readonly shutdownReport: ShutdownReport | null;
  /** This node's HA part (docs/ha.md): role, store, owned and foreign calls. */
  readonly ha: HaNode;
  /** Where ng listens (null: not on that transport). */
  readonly ng: { readonly udp: NgListen | null; readonly tcp: NgListen | null; readonly dispatcher: NgDispatcher };
}

export async function startApiServer(config: ApiServerConfig): Promise<RunningApi> {
  const logger = pino({ name: 'srtp-relay', level: config.logLevel ?? 'info' }, config.logDestination);
  const limits = resolveLimits(config.limits);
  const ha = config.ha;
  const durable = ha !== undefined && ha.store.kind === 'redis';
  if (durable && ha.role === 'standby') {
    const problem = nonlocalBindProblem(config.relay.bindAddress ?? '0.0.0.0');
    if (problem !== null) throw new ConfigError(problem);
  }
  const keys = await KeyManager.create({ ...(config.keys ?? {}), ...(ha?.clusterKey !== undefined ? { nodeKey: ha.clusterKey } : {}) });
  if (durable && !keys.canSeal) {
    keys.close();
    throw new ConfigError('a redis store needs the cluster key that seals keys at rest: set SRTP_RELAY_NODE_KEY (32 bytes, base64) or ha.clusterKey, the same on every node');
  }
  let relay: MediaRelay;
  try {
    relay = await MediaRelay.create({
      ...config.relay, logger: logger.child({ component: 'relay' }),
      ...(config.addressPolicy !== undefined ? { addressPolicy: config.addressPolicy } : {}),
      ...(durable ? { indexReservationBlock: ha.reservationBlock } : {}),
    });
  } catch (err) {
    keys.close();
    throw err;
  }
  const events = new EventHub();
  const service = new CallController({
    keys, relay, logger: logger.child({ component: 'calls' }),
    cluster: defineCluster({ securityMode: 'mixed', ...config.cluster }),
    ...(config.advertiseAddress !== undefined ? { advertiseAddress: config.advertiseAddress } : {}),
  });
  const storeLogger = logger.child({ component: 'store' });
  const store: StateStore = durable && ha.store.kind === 'redis'
    ? new RedisStore({ location: ha.store, logger: storeLogger, ttlMs: ha.ttlSeconds * 1000, subscribe: ha.role === 'standby' })
    : new MemoryStore();
  const haNode = new HaNode({
    controller: service, store, role: ha?.role ?? 'active', nodeId: ha?.nodeId ?? 'local', logger: storeLogger,
    ...(ha !== undefined ? { ttlMs: ha.ttlSeconds * 1000 } : {}),
  });
  // Call control's events go out on the WebSocket as they are (docs/api.md "Events").
  for (const type of CONTROL_EVENT_TYPES) {
    (service.on as (t: string, l: (p: never) => void) => unknown).call(service, type, (payload: never) => events.publish(type, payload));
  }
  // ng is the second front end on the same controller: one call model, one event stream.
  const ngLogger = logger.child({ component: 'ng' });
  const dispatcher = new NgDispatcher(new ControllerNgCallControl(service, { maxCalls: limits.maxCalls }), { logger: ngLogger });
  const ngServers: { close(): Promise<void> }[] = [];
  let udp: NgListen | null = null;
  let tcp: NgListen | null = null;
  let http: Awaited<ReturnType<typeof buildApiServer>>;
  try {
    const ng = config.ng ?? { udp: null };
    if (ng.udp !== null) {
      const server = await NgUdpServer.listen({ address: ng.udp.host, port: ng.udp.port, dispatcher, logger: ngLogger });
      ngServers.push(server);
      udp = { host: server.address().address, port: server.address().port };
    }
    if (ng.tcp !== undefined && ng.tcp !== null) {
      const server = await NgTcpServer.listen({ address: ng.tcp.host, port: ng.tcp.port, dispatcher, logger: ngLogger });
      ngServers.push(server);
      const a = server.address();
      tcp = { host: a.address, port: a.port };
    }
    await haNode.start();
    http = await buildApiServer({
      service, events, token: config.token, logger, version: config.version ?? '0.1.0', limits, ng: dispatcher, cluster: haNode,
      console: ConsoleAssets.load(config.consoleDir),
      ...(config.onRoute !== undefined ? { onRoute: config.onRoute } : {}),
      ...(config.tls !== undefined ? { https: { cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) } } : {}),
    });
    registerClusterMetrics(http.metrics.registry, haNode);
    await http.app.listen({ host: config.listen.host, port: config.listen.port });
  } catch (err) {
    await Promise.all(ngServers.map((s) => s.close()));
    await service.close();
    await haNode.close();
    throw err;
  }
  const app: FastifyInstance = http.app;
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${config.tls !== undefined ? 'https' : 'http'}://${host}:${address.port}`;
  let closing: Promise<void> | null = null;
  let report: ShutdownReport | null = null;
  return {
    app, service, events, logger, url, limits, ha: haNode, ng: { udp, tcp, dispatcher },
    get shutdownReport() {
      return report;
    },
    close() {
      closing ??= (async () => {
        report = await shutdownApi({ app, service, connections: http.connections, state: http.state, logger, listeners: ngServers }, limits.shutdownGraceMs);
        await haNode.close();
        logger.info({ ms: report.ms, forced: report.forced, callsClosed: report.callsClosed }, 'api closed');
      })();
      return closing;
    },
  };
}
