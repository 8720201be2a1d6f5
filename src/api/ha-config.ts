/**
 * The `ha` part of `serve`'s configuration (docs/ha.md): file `ha: { store, role, nodeId,
 * ttlSeconds, reservationBlock, clusterKey }`, environment SRTP_RELAY_STORE / SRTP_RELAY_ROLE /
 * SRTP_RELAY_NODE_ID / SRTP_RELAY_NODE_KEY, flags --store / --role / --node-id (flags win).
 */
import os from 'node:os';
import { DEFAULT_INDEX_BLOCK } from '../relay/index-guard';
import { parseStoreUrl, type StoreLocation } from '../store/store-url';
import { ConfigError } from './config-error';

export interface HaConfig {
  readonly store: StoreLocation;
  readonly role: 'active' | 'standby';
  readonly nodeId: string;
  readonly ttlSeconds: number;
  /** Packets per SSRC per SRTP index reservation (RFC 3711 §9.1 argument in docs/ha.md). */
  readonly reservationBlock: number;
  /** Cluster key (base64, crypto_secretbox) from the file; else SRTP_RELAY_NODE_KEY. Never stored. */
  readonly clusterKey?: string;
}

export const HA_KEYS = ['store', 'role', 'nodeId', 'ttlSeconds', 'reservationBlock', 'clusterKey'];

export interface HaFlags {
  readonly store?: string;
  readonly role?: string;
  readonly nodeId?: string;
}

export function parseHaConfig(file: Record<string, unknown> | undefined, flags: HaFlags, env: NodeJS.ProcessEnv): HaConfig {
  const f = file ?? {};
  const text = (v: unknown, what: string): string | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new ConfigError(`config ha.${what} must be a string`);
    return v;
  };
  let store: StoreLocation;
  try {
    store = parseStoreUrl(flags.store ?? nonEmpty(env.SRTP_RELAY_STORE) ?? text(f.store, 'store') ?? 'memory');
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const role = flags.role ?? nonEmpty(env.SRTP_RELAY_ROLE) ?? text(f.role, 'role') ?? 'active';
  if (role !== 'active' && role !== 'standby') throw new ConfigError(`role must be active or standby, got "${role}"`);
  if (role === 'standby' && store.kind !== 'redis') throw new ConfigError('role standby needs a shared store (--store redis://host:port/db)');
  const nodeId = flags.nodeId ?? nonEmpty(env.SRTP_RELAY_NODE_ID) ?? text(f.nodeId, 'nodeId') ?? `${os.hostname()}-${process.pid}`;
  if (!/^[\w.:-]{1,64}$/.test(nodeId)) throw new ConfigError('node id must be 1-64 letters, digits, _ . : -');
  const ttlSeconds = f.ttlSeconds ?? 60;
  if (typeof ttlSeconds !== 'number' || !Number.isInteger(ttlSeconds) || ttlSeconds < 3 || ttlSeconds > 86_400) throw new ConfigError('ha.ttlSeconds must be an integer 3..86400');
  const reservationBlock = f.reservationBlock ?? DEFAULT_INDEX_BLOCK;
  if (typeof reservationBlock !== 'number' || !Number.isInteger(reservationBlock) || reservationBlock < 16 || reservationBlock > 16_384) {
    // Above 2^14 a takeover's forward jump nears 2^15, where receivers start guessing ROC wrong (RFC 3711 §3.3.1).
    throw new ConfigError('ha.reservationBlock must be an integer 16..16384');
  }
  const clusterKey = text(f.clusterKey, 'clusterKey');
  return { store, role, nodeId, ttlSeconds, reservationBlock, ...(clusterKey !== undefined ? { clusterKey } : {}) };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}
