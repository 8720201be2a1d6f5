/**
 * The state of one scenario run: the relay client, the call id, the simulated devices (opened
 * at the start, closed at the end) and the reception log they share. Owns its children: `close`
 * closes every socket and wipes every SRTP context. Idempotent.
 */
import { randomBytes } from 'node:crypto';
import { ReceptionLog } from './reception-log';
import type { RelayClient } from './relay-client';
import type { Scenario } from './scenario-types';
import { SimBridge } from './sim-bridge';
import { SimEndpoint } from './sim-endpoint';
import { SimInlineResource } from './sim-inline-resource';
import type { SimContext, SimStream } from './sim-stream';

export class ScenarioSession {
  readonly scenario: Scenario;
  readonly client: RelayClient;
  readonly callId: string;
  readonly log = new ReceptionLog();
  readonly endpoints = new Map<string, SimEndpoint>();
  readonly resources = new Map<string, SimInlineResource>();
  readonly bridges = new Map<string, SimBridge>();
  /** Every stream by sender number. */
  readonly streams = new Map<number, SimStream>();
  readonly bindAddress: string;
  callee: string | null = null;
  /** MOH source playing into the call (between hold and resume). */
  mohPlaying: string | null = null;
  window = 0;
  private closed = false;

  private constructor(scenario: Scenario, client: RelayClient, bindAddress: string) {
    this.scenario = scenario;
    this.client = client;
    this.bindAddress = bindAddress;
    this.callId = `scn-${scenario.name.replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 40)}-${randomBytes(4).toString('hex')}`;
  }

  static async open(scenario: Scenario, client: RelayClient, bindAddress: string): Promise<ScenarioSession> {
    const session = new ScenarioSession(scenario, client, bindAddress);
    const ctx: SimContext = { runId: randomBytes(4).readUInt32BE(0), log: session.log, bindAddress, ssrcOwners: new Map() };
    let sender = 0;
    let bit = 0;
    try {
      for (const def of scenario.devices.values()) {
        if (def.role === 'transcoder' || def.role === 'mtp' || def.role === 'bridge') {
          if (bit > 15) throw new Error('at most 16 transcoders, MTPs and bridges per scenario');
          if (def.role === 'bridge') session.bridges.set(def.name, await SimBridge.open(def.name, bit++, ctx.runId, bindAddress));
          else session.resources.set(def.name, await SimInlineResource.open(def.name, bit++, ctx.runId, bindAddress));
        } else {
          const ep = await SimEndpoint.open(def, ctx, () => ++sender);
          session.endpoints.set(def.name, ep);
          for (const s of ep.allStreams()) session.streams.set(s.senderNo, s);
        }
      }
    } catch (err) {
      session.close();
      throw err;
    }
    return session;
  }

  endpoint(name: string): SimEndpoint {
    const ep = this.endpoints.get(name);
    if (ep === undefined) throw new Error(`no simulated device ${name}`);
    return ep;
  }

  resource(name: string): SimInlineResource {
    const r = this.resources.get(name);
    if (r === undefined) throw new Error(`no simulated resource ${name}`);
    return r;
  }

  bridge(name: string): SimBridge {
    const b = this.bridges.get(name);
    if (b === undefined) throw new Error(`no simulated bridge ${name}`);
    return b;
  }

  get base(): string {
    return `/v1/calls/${encodeURIComponent(this.callId)}`;
  }

  senders(): SimStream[] {
    return [...this.endpoints.values()].flatMap((e) => e.senders());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const e of this.endpoints.values()) e.close();
    for (const r of this.resources.values()) r.close();
    for (const b of this.bridges.values()) b.close();
  }
}
