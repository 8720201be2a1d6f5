/**
 * `srtp-relay serve`: the API and the media workers on embedded defaults (in-memory state,
 * loopback, ports 30000-39999, one worker per core). Prints the URL and where the token is
 * (never the token), and shuts down on SIGTERM/SIGINT within `limits.shutdownGraceMs` plus a
 * moment, whatever clients do (src/api/shutdown.ts): calls closed and keys wiped first, then
 * listeners, then leftover connections cut; exit 0. A watchdog exits 1 should the sequence
 * itself ever hang (a bug, never a client's doing).
 */
import type { Command } from 'commander';
import { loadConfig, resolveToken, startApiServer, type ServeFlags } from '../api';

/** Beyond the grace period: the forced cut, worker threads' exit, the key manager. */
const WATCHDOG_MARGIN_MS = 5_000;

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the control API and the media relay')
    .option('--config <file>', 'JSON or YAML config file')
    .option('--listen <host:port>', 'API address (default 127.0.0.1:8080; port 0 picks one)')
    .option('--data-dir <dir>', 'data directory for the token (default ~/.srtp-relay; env SRTP_RELAY_DATA_DIR)')
    .option('--media-bind <ip>', 'address the media sockets bind (default 127.0.0.1)')
    .option('--port-range <min-max>', 'media UDP ports (default 30000-39999)')
    .option('--workers <n>', 'media worker threads (default one per core; 0 = in-process)')
    .option('--log-level <level>', 'pino level (default info)')
    .option('--listen-ng <host:port|none>', 'rtpengine ng protocol over UDP (default 127.0.0.1:2223; none to disable)')
    .option('--listen-ng-tcp <host:port|none>', 'rtpengine ng protocol over TCP (default none)')
    .option('--store <url>', 'call state store: memory (default) or redis://host:port/db (env SRTP_RELAY_STORE; docs/ha.md)')
    .option('--role <role>', 'active (default) or standby: hold other nodes\' calls and take them over (env SRTP_RELAY_ROLE)')
    .option('--node-id <id>', 'this node\'s name in the store (default host-pid; env SRTP_RELAY_NODE_ID)')
    .action(async (flags: ServeFlags) => {
      const config = loadConfig(flags);
      const token = await resolveToken({ env: process.env, dataDir: config.dataDir, ...(config.token !== undefined ? { configToken: config.token } : {}) });
      const api = await startApiServer({
        listen: config.listen,
        token: token.token,
        relay: { portRange: config.media.portRange, bindAddress: config.media.bindAddress, workers: config.media.workers, logLevel: config.logLevel },
        keys: { ...(config.keys.suitePreference !== undefined ? { suitePreference: config.keys.suitePreference } : {}), ...(config.keys.lifetime !== undefined ? { keys: { lifetime: config.keys.lifetime } } : {}) },
        cluster: config.cluster,
        limits: config.limits,
        addressPolicy: config.addressPolicy,
        ...(config.media.advertiseAddress !== undefined ? { advertiseAddress: config.media.advertiseAddress } : {}),
        ...(config.tls !== undefined ? { tls: config.tls } : {}),
        logLevel: config.logLevel,
        ng: { udp: config.ng.udp, tcp: config.ng.tcp },
        ha: config.ha,
      });
      const where = token.file !== null ? `token in ${token.file}` : `token from ${token.source === 'env' ? 'SRTP_RELAY_TOKEN' : 'the config file'}`;
      console.log(`srtp-relay listening on ${api.url}/v1 (${where}; media ${config.media.bindAddress} ports ${config.media.portRange[0]}-${config.media.portRange[1]}, ${config.media.workers} worker(s))`);
      const ng = [api.ng.udp !== null ? `udp:${api.ng.udp.host}:${api.ng.udp.port}` : null, api.ng.tcp !== null ? `tcp:${api.ng.tcp.host}:${api.ng.tcp.port}` : null, `${api.url}/ng`].filter((x) => x !== null);
      console.log(`srtp-relay ng control on ${ng.join(', ')}`);
      const cluster = api.ha.status();
      console.log(`srtp-relay ${cluster.role} node ${cluster.nodeId}, store ${cluster.store.where}${cluster.store.durable && !cluster.store.connected ? ' (UNREACHABLE: running from memory)' : ''}`);
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        api.logger.info({ signal }, 'shutting down');
        setTimeout(() => {
          console.error('srtp-relay: shutdown did not complete in time; exiting');
          process.exit(1);
        }, api.limits.shutdownGraceMs + WATCHDOG_MARGIN_MS).unref();
        api.close().then(
          () => {
            console.log('srtp-relay stopped');
            process.exit(0);
          },
          (err: unknown) => {
            console.error(`srtp-relay: shutdown failed: ${(err as Error).message}`);
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}
