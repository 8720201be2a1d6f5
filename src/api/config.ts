/**
 * `srtp-relay serve` configuration: embedded defaults, then an optional JSON or YAML file
 * (--config), then the environment, then command-line flags. Unknown keys are refused, so a
 * typo never silently falls back to a default.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ConfigError } from './config-error';

export { ConfigError } from './config-error';
import { AddressPolicy, type AddressPolicyConfig } from '../relay/address-policy';
import { HA_KEYS, parseHaConfig, type HaConfig } from './ha-config';
import { LIMIT_NAMES, resolveLimits, type ServerLimits } from './limits';

export interface ServeConfig {
  readonly listen: { readonly host: string; readonly port: number };
  readonly dataDir: string;
  readonly token?: string;
  /** PEM files; the API speaks HTTPS when both are set. */
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly media: {
    readonly bindAddress: string;
    readonly advertiseAddress?: string;
    readonly portRange: readonly [number, number];
    readonly workers: number;
  };
  readonly cluster: { readonly securityMode: 'mixed' | 'nonsecure'; readonly playSecureIndicationTone: boolean };
  readonly keys: { readonly suitePreference?: readonly string[]; readonly lifetime?: number };
  readonly logLevel: string;
  /** Over DEFAULT_LIMITS (limits.ts; docs/api.md "Limits"). */
  readonly limits: Partial<ServerLimits>;
  /** Remotes the relay may send to (docs/relay.md "Address policy"). */
  readonly addressPolicy: AddressPolicyConfig;
  /** rtpengine's ng protocol (docs/api.md "ng"): UDP (default 127.0.0.1:2223) and TCP listeners, null = off. */
  readonly ng: { readonly udp: { readonly host: string; readonly port: number } | null; readonly tcp: { readonly host: string; readonly port: number } | null };
  /** State store, role and SRTP index reservations (docs/ha.md). */
  readonly ha: HaConfig;
}

export interface ServeFlags {
  readonly config?: string;
  readonly listen?: string;
  readonly dataDir?: string;
  readonly mediaBind?: string;
  readonly portRange?: string;
  readonly workers?: string;
  readonly logLevel?: string;
  /** `host:port` or `none`. */
  readonly listenNg?: string;
  readonly listenNgTcp?: string;
  /** `memory`, `redis://host:port/db` or `redis+unix:///path?db=N` (docs/ha.md). */
  readonly store?: string;
  readonly role?: string;
  readonly nodeId?: string;
}


function defaultDataDir(): string {
  const home = os.homedir();
  return home !== '' ? path.join(home, '.srtp-relay') : path.resolve('.srtp-relay');
}

export function defaultConfig(): ServeConfig {
  return {
    listen: { host: '127.0.0.1', port: 8080 },
    dataDir: defaultDataDir(),
    media: { bindAddress: '127.0.0.1', portRange: [30000, 39999], workers: os.availableParallelism() },
    // A relay for secure calls: mixed mode (seed 003 Table 1), so devices' own modes count.
    cluster: { securityMode: 'mixed', playSecureIndicationTone: false },
    keys: {},
    logLevel: 'info',
    limits: {},
    addressPolicy: {},
    // rtpengine's default ng port, so Kamailio's `rtpengine_sock "udp:127.0.0.1:2223"` just works.
    ng: { udp: { host: '127.0.0.1', port: 2223 }, tcp: null },
    ha: parseHaConfig(undefined, {}, {}),
  };
}

/** An ng listener: `host:port`, or `none` / `off` for no listener. */
export function parseNgListen(text: string): { host: string; port: number } | null {
  if (/^(none|off)$/i.test(text.trim())) return null;
  return parseListen(text.trim());
}

/** `host:port`, `[v6]:port` or `port`. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const host = m?.[1] || m?.[2] || '127.0.0.1';
  const port = Number(m?.[3]);
  if (m === null || !Number.isInteger(port) || port < 0 || port > 65535 || isIP(host) === 0) {
    throw new ConfigError(`listen "${text}" is not host:port with an IP address and a port 0..65535`);
  }
  return { host, port };
}

export function parsePortRange(text: string): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(text);
  const range: [number, number] = [Number(m?.[1]), Number(m?.[2])];
  if (m === null || range[0] < 1 || range[1] > 65535 || range[0] > range[1]) throw new ConfigError(`port range "${text}" is not min-max within 1..65535`);
  return range;
}

const ALLOWED: Record<string, readonly string[]> = {
  '': ['listen', 'dataDir', 'token', 'tls', 'media', 'cluster', 'keys', 'logLevel', 'limits', 'addressPolicy', 'ng', 'ha'],
  ha: HA_KEYS,
  ng: ['listen', 'listenTcp'],
  limits: LIMIT_NAMES,
  addressPolicy: ['allow', 'deny', 'allowLinkLocal'],
  tls: ['cert', 'key'],
  media: ['bindAddress', 'advertiseAddress', 'portRange', 'workers'],
  cluster: ['securityMode', 'playSecureIndicationTone'],
  keys: ['suitePreference', 'lifetime'],
};

function checkKeys(obj: unknown, at: string): void {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new ConfigError(`config ${at === '' ? 'file' : at} must be an object`);
  for (const key of Object.keys(obj)) {
    if (!ALLOWED[at].includes(key)) throw new ConfigError(`config: unknown key ${at === '' ? key : `${at}.${key}`}`);
    if (key in ALLOWED && at === '') checkKeys((obj as Record<string, unknown>)[key], key);
  }
}

function readFileConfig(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8');
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new ConfigError(`config ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  checkKeys(data, '');
  return data as Record<string, unknown>;
}

export function loadConfig(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const base = defaultConfig();
  const file = flags.config !== undefined ? readFileConfig(flags.config) : {};
  const f = file as Partial<Record<string, Record<string, unknown>>> & { listen?: unknown; dataDir?: unknown; token?: unknown; logLevel?: unknown };
  const media = { ...base.media, ...(f.media ?? {}) } as { bindAddress: string; advertiseAddress?: string; portRange: unknown; workers: unknown };
  let portRange = Array.isArray(media.portRange) ? (media.portRange as [number, number]) : typeof media.portRange === 'string' ? parsePortRange(media.portRange) : base.media.portRange;
  let workers = typeof media.workers === 'number' ? media.workers : base.media.workers;
  let listen = typeof f.listen === 'string' ? parseListen(f.listen) : base.listen;
  let dataDir = typeof f.dataDir === 'string' ? f.dataDir : base.dataDir;
  if (env.SRTP_RELAY_DATA_DIR !== undefined && env.SRTP_RELAY_DATA_DIR !== '') dataDir = env.SRTP_RELAY_DATA_DIR;
  if (flags.listen !== undefined) listen = parseListen(flags.listen);
  if (flags.dataDir !== undefined) dataDir = flags.dataDir;
  if (flags.portRange !== undefined) portRange = parsePortRange(flags.portRange);
  if (flags.workers !== undefined) workers = Number(flags.workers);
  if (!Number.isInteger(workers) || workers < 0 || workers > 256) throw new ConfigError(`workers must be an integer 0..256`);
  const bindAddress = flags.mediaBind ?? media.bindAddress;
  if (isIP(bindAddress) === 0) throw new ConfigError(`media bind address "${bindAddress}" is not an IP address`);
  const tls = f.tls as { cert?: unknown; key?: unknown } | undefined;
  if (tls !== undefined && (typeof tls.cert !== 'string' || typeof tls.key !== 'string')) throw new ConfigError('tls needs cert and key file paths');
  const cluster = { ...base.cluster, ...(f.cluster ?? {}) } as ServeConfig['cluster'];
  if (cluster.securityMode !== 'mixed' && cluster.securityMode !== 'nonsecure') throw new ConfigError('cluster.securityMode must be mixed or nonsecure');
  const limits = (f.limits ?? {}) as Partial<ServerLimits>;
  try {
    resolveLimits(limits);
  } catch (err) {
    throw new ConfigError(`config: ${(err as Error).message}`);
  }
  const addressPolicy = (f.addressPolicy ?? {}) as AddressPolicyConfig;
  try {
    for (const list of [addressPolicy.allow, addressPolicy.deny]) {
      if (list !== undefined && (!Array.isArray(list) || list.some((c) => typeof c !== 'string'))) throw new RangeError('allow and deny are lists of CIDR strings');
    }
    if (addressPolicy.allowLinkLocal !== undefined && typeof addressPolicy.allowLinkLocal !== 'boolean') throw new RangeError('allowLinkLocal is true or false');
    new AddressPolicy(addressPolicy);
  } catch (err) {
    throw new ConfigError(`config addressPolicy: ${(err as Error).message}`);
  }
  const ngFile = (f.ng ?? {}) as { listen?: unknown; listenTcp?: unknown };
  for (const key of ['listen', 'listenTcp'] as const) {
    if (ngFile[key] !== undefined && typeof ngFile[key] !== 'string') throw new ConfigError(`config ng.${key} must be "host:port" or "none"`);
  }
  const ngUdpText = flags.listenNg ?? (ngFile.listen as string | undefined);
  const ngTcpText = flags.listenNgTcp ?? (ngFile.listenTcp as string | undefined);
  const ng = {
    udp: ngUdpText !== undefined ? parseNgListen(ngUdpText) : base.ng.udp,
    tcp: ngTcpText !== undefined ? parseNgListen(ngTcpText) : base.ng.tcp,
  };
  const ha = parseHaConfig(f.ha, { ...(flags.store !== undefined ? { store: flags.store } : {}), ...(flags.role !== undefined ? { role: flags.role } : {}), ...(flags.nodeId !== undefined ? { nodeId: flags.nodeId } : {}) }, env);
  return {
    listen,
    ng,
    ha,
    dataDir: path.resolve(dataDir),
    limits,
    addressPolicy,
    ...(typeof f.token === 'string' ? { token: f.token } : {}),
    ...(tls !== undefined ? { tls: { cert: tls.cert as string, key: tls.key as string } } : {}),
    media: { bindAddress, ...(media.advertiseAddress !== undefined ? { advertiseAddress: media.advertiseAddress } : {}), portRange: [portRange[0], portRange[1]], workers },
    cluster,
    keys: (f.keys ?? {}) as ServeConfig['keys'],
    logLevel: flags.logLevel ?? (typeof f.logLevel === 'string' ? f.logLevel : env.SRTP_RELAY_LOG_LEVEL ?? base.logLevel),
  };
}
