/**
 * Runs a step's operation against the control API and updates the simulated devices from the
 * answers: new legs get their keys (key delivery or SDES answer), MOH sources and inline
 * resources learn their relay ports, devices that leave stop sending. A refused request throws
 * `RelayApiError` (which `expect.error` may name).
 */
import type { LegKeysView as KeysView, LegView, OperationResult as ResourceResult } from '../api/dto';
import type { ScenarioSession } from './scenario-session';
import type { MediaKind, Step } from './scenario-types';
import type { SimEndpoint } from './sim-endpoint';

/** The relay port a media resource sends to, for one role (moh; near, far), from an operation's answer. */
function resourceLocal(res: ResourceResult, role: string): { address: string; rtpPort: number; rtcpPort: number } | null {
  const r = res.resource;
  return r !== null && r !== undefined && 'local' in r ? r.local[role] ?? null : null;
}

/** Steps after which the call keys of a stream may be at a new generation (rekey, or a phone left). */
const CALL_KEY_CHANGES = new Set<Step['action']>(['rekey', 'transfer', 'hangup', 'conference-remove', 'video-off', 'video-on', 'barge', 'conference-add']);

export async function executeStep(session: ScenarioSession, step: Step): Promise<void> {
  await runStep(session, step);
  if (CALL_KEY_CHANGES.has(step.action)) await followCallKeys(session);
}

/**
 * Call keying (seed 003): a rekey, or a phone leaving, moves a call stream to its next
 * generation for every phone that shares it. Each joined managed endpoint switches the streams
 * whose generation changed (only those: its other contexts keep ROC and replay state), as a
 * controller that was notified (`legupdated`) would have it do.
 */
async function followCallKeys(session: ScenarioSession): Promise<void> {
  for (const ep of session.endpoints.values()) {
    if (ep.def.keying !== 'managed' || ep.state !== 'joined') continue;
    const keys = await session.client.request<KeysView>('GET', `${session.base}/legs/${encodeURIComponent(ep.name)}/keys`);
    const stale = ep.staleCallKeys(keys.streams);
    if (stale.length > 0) ep.takeManagedKeys(stale);
  }
}

async function runStep(session: ScenarioSession, step: Step): Promise<void> {
  const { client, base } = session;
  switch (step.action) {
    case 'call':
      await client.request('POST', '/v1/calls', { id: session.callId, policy: session.scenario.policy });
      session.callee = step.to;
      await addLeg(session, session.endpoint(step.from));
      return;
    case 'answer':
      if (session.callee === null) throw new Error('answer before call');
      await addLeg(session, session.endpoint(session.callee));
      return;
    case 'hold': {
      const moh = step.moh === null ? null : session.endpoint(step.moh);
      const body = moh === null
        ? { leg: step.leg }
        : { leg: step.leg, moh: { id: moh.name, device: moh.def.device, remote: moh.allStreams()[0]?.endpoint } };
      const res = await client.request<ResourceResult>('POST', `${base}/hold`, body);
      if (moh !== null) {
        const local = resourceLocal(res, 'moh');
        moh.playTo(local === null ? null : { address: local.address, rtpPort: local.rtpPort, rtcpPort: local.rtcpPort });
        moh.state = 'joined';
        session.mohPlaying = moh.name;
      }
      return;
    }
    case 'resume':
      await client.request('POST', `${base}/resume`);
      stopMoh(session);
      return;
    case 'transition':
      await client.request('POST', `${base}/transitions`, { kind: step.kind });
      return;
    case 'transfer': {
      const to = session.endpoint(step.to);
      const res = await client.request<ResourceResult>('POST', `${base}/transfer`, { from: step.from, to: to.legRequest(), kind: step.kind });
      session.endpoint(step.from).state = 'left';
      await takeKeys(session, to, res.leg);
      return;
    }
    case 'insert-transcoder':
    case 'insert-mtp': {
      const r = session.resource(step.resource);
      const def = session.scenario.devices.get(step.resource);
      const path = step.action === 'insert-transcoder' ? 'transcoders' : 'mtps';
      const res = await client.request<ResourceResult>('POST', `${base}/${path}`, {
        id: r.name, leg: step.leg, stream: step.stream, ...(def !== undefined ? { device: def.device } : {}), remotes: r.remotes(session.bindAddress),
      });
      const near = resourceLocal(res, 'near');
      const far = resourceLocal(res, 'far');
      r.near = near === null ? null : { address: near.address, rtpPort: near.rtpPort, rtcpPort: near.rtcpPort };
      r.far = far === null ? null : { address: far.address, rtpPort: far.rtpPort, rtcpPort: far.rtcpPort };
      return;
    }
    case 'remove-transcoder':
    case 'remove-mtp': {
      await client.request('DELETE', `${base}/${step.action === 'remove-transcoder' ? 'transcoders' : 'mtps'}/${encodeURIComponent(step.resource)}`);
      const r = session.resource(step.resource);
      r.near = null;
      r.far = null;
      return;
    }
    case 'set-policy':
      await client.request('PATCH', base, { policy: step.policy });
      return;
    case 'ssrc-change': {
      const s = session.endpoint(step.device).stream(step.stream);
      if (s === undefined) throw new Error(`${step.device} has no ${step.stream} stream`);
      s.newSsrc();
      return;
    }
    case 'conference':
      await client.request('POST', `${base}/conference`, { initiator: step.initiator, bridges: bridgeOffers(session, step.bridges) });
      return;
    case 'meet-me': {
      const ep = session.endpoint(step.initiator);
      const res = await client.request<ResourceResult>('POST', '/v1/meetme', {
        id: session.callId, policy: session.scenario.policy, minimumLevel: step.minimumLevel, initiator: ep.legRequest(), bridges: bridgeOffers(session, step.bridges),
      });
      await takeKeys(session, ep, res.leg);
      return;
    }
    case 'conference-add': {
      const ep = session.endpoint(step.leg);
      const res = await client.request<ResourceResult>('POST', `${base}/participants`, { leg: ep.legRequest() });
      await takeKeys(session, ep, res.leg);
      return;
    }
    case 'barge': {
      const ep = session.endpoint(step.initiator);
      const res = await client.request<ResourceResult>('POST', `${base}/barge`, {
        initiator: ep.legRequest(), target: step.target,
        ...(step.bridge !== null ? { bridge: { id: step.bridge, remote: session.bridge(step.bridge).endpoint(session.bindAddress) } } : {}),
      });
      await takeKeys(session, ep, res.leg);
      return;
    }
    case 'rekey': {
      const ep = session.endpoint(step.device);
      await client.request('POST', `${base}/legs/${encodeURIComponent(ep.name)}/rekey`, step.stream === null ? {} : { stream: step.stream });
      // The endpoint switches to its new keys (the relay already has).
      const keys = await client.request<KeysView>('GET', `${base}/legs/${encodeURIComponent(ep.name)}/keys`);
      ep.takeManagedKeys(step.stream === null ? keys.streams : keys.streams.filter((k) => k.kind === step.stream));
      return;
    }
    case 'video-on': {
      const ep = session.endpoint(step.device);
      const res = await client.request<ResourceResult>('POST', `${base}/legs/${encodeURIComponent(ep.name)}/streams`, ep.streamRequest('video'));
      ep.setStream('video', true);
      // Only the new stream's keys: the audio contexts (ROC, replay window) stay as they are.
      await takeKeys(session, ep, res.leg, 'video');
      return;
    }
    case 'video-off':
      await client.request('DELETE', `${base}/legs/${encodeURIComponent(step.device)}/streams/video`);
      session.endpoint(step.device).setStream('video', false);
      return;
    case 'barge-tone-end':
      await client.request('POST', `${base}/barge/tone-end`);
      return;
    case 'conference-remove':
      await client.request('DELETE', `${base}/participants/${encodeURIComponent(step.leg)}`);
      session.endpoint(step.leg).state = 'left';
      return;
    case 'hangup':
      await client.request('DELETE', `${base}/legs/${encodeURIComponent(step.leg)}`);
      session.endpoint(step.leg).state = 'left';
      return;
    case 'end':
      await client.request('DELETE', base);
      for (const e of session.endpoints.values()) if (e.state === 'joined') e.state = 'left';
      session.mohPlaying = null;
      for (const r of session.resources.values()) {
        r.near = null;
        r.far = null;
      }
      return;
  }
}

/** The bridges on offer: each scenario bridge's device and the simulated bridge's port. */
function bridgeOffers(session: ScenarioSession, names: readonly string[]): object[] {
  return names.map((n) => ({ id: n, device: session.scenario.devices.get(n)?.device, remote: session.bridge(n).endpoint(session.bindAddress) }));
}

async function addLeg(session: ScenarioSession, ep: SimEndpoint): Promise<void> {
  const leg = await session.client.request<LegView>('POST', `${session.base}/legs`, ep.legRequest());
  await takeKeys(session, ep, leg);
}

/** SDES: the answer came with the leg; managed: ask the key delivery endpoint. */
async function takeKeys(session: ScenarioSession, ep: SimEndpoint, leg: LegView | undefined, only?: MediaKind): Promise<void> {
  if (ep.def.keying === 'sdes' && leg !== undefined) ep.takeSdesAnswers(leg.streams);
  if (ep.def.keying === 'managed') {
    const keys = await session.client.request<KeysView>('GET', `${session.base}/legs/${encodeURIComponent(ep.name)}/keys`);
    ep.takeManagedKeys(only === undefined ? keys.streams : keys.streams.filter((k) => k.kind === only));
  }
  ep.state = 'joined';
}

export function stopMoh(session: ScenarioSession): void {
  if (session.mohPlaying === null) return;
  const moh = session.endpoint(session.mohPlaying);
  moh.playTo(null);
  moh.state = 'idle';
  session.mohPlaying = null;
}
