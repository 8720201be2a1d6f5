/**
 * Where scenarios run: a relay started in this process (the control API from `src/api` on
 * 127.0.0.1, an ephemeral port and a fresh random token; media workers configurable, 0 = in
 * the same thread), or an existing relay given by URL and token. Either way the runner only
 * talks HTTP to it.
 */
import { randomBytes } from 'node:crypto';
import { startApiServer, type RunningApi } from '../api';
import { RelayClient } from './relay-client';
import { ScenarioError } from './scenario-error';
import type { ClusterSettings } from './scenario-types';

export interface RelayTarget {
  readonly client: RelayClient;
  /** True when the runner started the relay (cluster settings of a scenario apply). */
  readonly inProcess: boolean;
  close(): Promise<void>;
}

export interface InProcessOptions {
  readonly workers: number;
  readonly portRange: readonly [number, number];
  readonly cluster?: ClusterSettings | null;
}

export async function startInProcessRelay(options: InProcessOptions): Promise<RelayTarget> {
  const token = randomBytes(24).toString('base64url');
  let api: RunningApi;
  try {
    api = await startApiServer({
      listen: { host: '127.0.0.1', port: 0 },
      token,
      relay: { portRange: [options.portRange[0], options.portRange[1]], bindAddress: '127.0.0.1', workers: options.workers, logLevel: 'silent' },
      cluster: { securityMode: 'mixed', ...(options.cluster ?? {}) },
      logLevel: 'silent',
    });
  } catch (err) {
    throw new ScenarioError('SCENARIO_ERR_RELAY', `cannot start the in-process relay: ${(err as Error).message}`);
  }
  return { client: new RelayClient(api.url, token), inProcess: true, close: () => api.close() };
}

export async function connectRemoteRelay(url: string, token: string): Promise<RelayTarget> {
  const base = url.replace(/\/+$/, '').replace(/\/v1$/, '');
  const client = new RelayClient(base, token);
  try {
    await client.request('GET', '/v1/calls');
  } catch (err) {
    throw new ScenarioError('SCENARIO_ERR_RELAY', `cannot use the relay at ${base}: ${(err as Error).message}`);
  }
  return { client, inProcess: false, close: async () => undefined };
}
