/**
 * One HA node for the store integration tests: key manager under a shared cluster key, a relay
 * on loopback (no workers) with a small index reservation block, call control, and the HaNode
 * on a SharedStore. Every node the helper makes is closed by `closeNodes` (afterEach).
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { defineCluster } from '../../../src/call';
import { CallController } from '../../../src/control';
import { KeyManager } from '../../../src/keys';
import { MediaRelay } from '../../../src/relay';
import { HaNode } from '../../../src/store';
import { sleep } from '../api/helpers';
import { SharedStore, type SharedState } from './shared-store';

/** Small, so a test crosses reservation blocks with a few packets. */
export const BLOCK = 64;

const clusterKey = randomBytes(32).toString('base64');
const closers: (() => Promise<void> | void)[] = [];

export interface TestNode {
  readonly c: CallController;
  readonly ha: HaNode;
}

export async function haTestNode(shared: SharedState, role: 'active' | 'standby', nodeId: string, portRange: [number, number]): Promise<TestNode> {
  const keys = await KeyManager.create({ nodeKey: clusterKey });
  const relay = await MediaRelay.create({ portRange, bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent', indexReservationBlock: BLOCK });
  const c = new CallController({ keys, relay, cluster: defineCluster({ securityMode: 'mixed' }), logger: pino({ level: 'silent' }) });
  const ha = new HaNode({ controller: c, store: new SharedStore(shared), role, nodeId, logger: pino({ level: 'silent' }), mediaPollMs: 10 });
  closers.push(() => ha.close(), () => c.close());
  return { c, ha };
}

/** Register another cleanup (phones, servers); run in reverse order by closeNodes. */
export function onClose(close: () => Promise<void> | void): void {
  closers.push(close);
}

/** A node "dies": its HA part stops and its sockets go; nothing is deleted from the store. */
export async function killNode(n: TestNode): Promise<void> {
  await n.ha.close();
  await n.c.relay.close();
}

export async function closeNodes(): Promise<void> {
  for (const close of closers.splice(0).reverse()) await close();
}

export async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !ok(); i++) await sleep(10);
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}
