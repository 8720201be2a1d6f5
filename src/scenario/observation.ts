/**
 * After a step: read the call (GET /v1/calls/:id) and its security report, make the simulated
 * devices follow what the API now says about their legs (ports, SRTP or RTP, MOH and resources
 * gone), and, when the step expects media, measure one window.
 */
import type { BridgeKeysView, CallView, SecurityView } from '../api/dto';
import { measureWindow, type WindowResult } from './media-window';
import { RelayApiError } from './relay-client';
import type { ScenarioSession } from './scenario-session';
import type { Step } from './scenario-types';
import { stopMoh } from './step-executor';

export interface Observation {
  /** The call no longer exists. */
  readonly ended: boolean;
  readonly call: CallView | null;
  readonly security: SecurityView | null;
  readonly window: WindowResult | null;
  /** The step's operation was refused. */
  readonly error: RelayApiError | null;
}

export async function observe(session: ScenarioSession, step: Step, error: RelayApiError | null): Promise<Observation> {
  let call: CallView | null = null;
  let security: SecurityView | null = null;
  try {
    call = await session.client.request<CallView>('GET', session.base);
    security = await session.client.request<SecurityView>('GET', `${session.base}/security`);
  } catch (err) {
    if (!(err instanceof RelayApiError && err.code === 'API_ERR_UNKNOWN_CALL')) throw err;
    call = null;
    security = null;
  }
  follow(session, call);
  await followBridges(session, call);
  let window: WindowResult | null = null;
  if (step.expect.media !== undefined) {
    session.window += 1;
    window = await measureWindow({
      window: session.window,
      senders: session.senders(),
      streams: session.streams,
      resources: [...session.resources.values(), ...session.bridges.values()],
      log: session.log,
      expected: step.expect.media,
      media: session.scenario.media,
    });
  }
  return { ended: call === null, call, security, window, error };
}

/** The bridge in the call learns its participant ports (and keys, for a secure bridge). */
async function followBridges(session: ScenarioSession, call: CallView | null): Promise<void> {
  const current = call?.bridge?.id ?? null;
  for (const b of session.bridges.values()) if (b.name !== current) b.use([]);
  if (current === null) return;
  const bridge = session.bridges.get(current);
  if (bridge === undefined) return;
  const keys = await session.client.request<BridgeKeysView>('GET', `${session.base}/conference/keys`);
  bridge.use(keys.ports);
}

function follow(session: ScenarioSession, call: CallView | null): void {
  if (call === null) {
    for (const e of session.endpoints.values()) if (e.state === 'joined') e.state = 'left';
    stopMoh(session);
    return;
  }
  for (const leg of call.legs) session.endpoints.get(leg.id)?.follow(leg.streams);
  // Devices whose leg is gone (removed with another operation) stop sending.
  const legIds = new Set(call.legs.map((l) => l.id));
  for (const e of session.endpoints.values()) {
    if (e.def.role === 'endpoint' && e.state === 'joined' && !legIds.has(e.name)) e.state = 'left';
  }
  if (call.hold === null || call.hold.mohResourceId === null) stopMoh(session);
  const present = new Set(call.resources.map((r) => r.id));
  for (const r of session.resources.values()) {
    if (!present.has(r.name)) {
      r.near = null;
      r.far = null;
    }
  }
}
