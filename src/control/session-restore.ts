/**
 * Rebuild a call session from its snapshot on another relay (a standby taking a failed node's
 * calls): the same relay legs on the same ports with the same keys, the same legs, streams,
 * resources and bridge ports, and the model's plan applied again, so the endpoints keep sending
 * where they were told and media flows on. Key sets come from the key manager (managed ids) and
 * from `keys` (the session's own sets); each is copied, so `keys` may be wiped afterwards.
 * Call-scoped streams carry their keys' reference (`CallStreamKeys.reference()`: generation,
 * suite, MKIs, no key bytes); restore checks it with `KeyManager.resolveCallKeys`.
 * If anything fails, what was opened is closed again and the keys copied here are wiped.
 */
import { Call } from '../call';
import type { MediaRelay } from '../relay';
import { CallSession, type SessionContext } from './call-session';
import { ControlError } from './errors';
import { isManagedKeyRef } from './leg-keying';
import { SessionResource } from './session-resource';
import type { KeySource } from './session-keys';
import { SNAPSHOT_VERSION, type SessionSnapshot } from './session-snapshot';

export async function restoreSession(context: SessionContext, relay: MediaRelay, snapshot: SessionSnapshot, keys: KeySource): Promise<CallSession> {
  if ((snapshot as { version?: unknown }).version !== SNAPSHOT_VERSION) {
    throw new ControlError('API_ERR_BAD_REQUEST', { field: 'version', detail: `snapshot version ${String((snapshot as { version?: unknown }).version)}; this build reads ${SNAPSHOT_VERSION}` });
  }
  if (snapshot.legs.some((l) => l.keying === 'dtls')) {
    // Its keys exist only in the media worker that ran the handshake (docs/webrtc.md).
    throw new ControlError('API_ERR_BAD_REQUEST', { field: 'legs', detail: 'a WebRTC (dtls) leg cannot be restored elsewhere; the browser reconnects with an ICE restart' });
  }
  const relayCall = await relay.createCall(snapshot.id);
  const session = new CallSession(context, new Call(snapshot.model, context.cluster), relayCall, snapshot.createdAt);
  try {
    // Call-scoped streams (seed 003): the key manager must hold the very generation the snapshot
    // references (same suite and MKIs); the relay legs then get `relayLegContextOptions` of it.
    for (const l of snapshot.legs) {
      for (const s of l.streams) {
        const ref = s.callKeys?.reference;
        if (ref !== undefined && session.keying.resolveCallKeys(ref) === undefined) {
          throw new ControlError('API_ERR_NO_KEYS', { field: 'keys', detail: `call keys of stream ${s.kind} generation ${ref.generation} are not in the key manager` });
        }
      }
    }
    for (const spec of snapshot.relayLegs) {
      for (const id of spec.keySetIds === null ? [] : [spec.keySetIds.inbound, spec.keySetIds.outbound]) {
        if (isManagedKeyRef(id)) {
          if (session.keys.keySet(id) === undefined) throw new ControlError('API_ERR_NO_KEYS', { field: 'keys', detail: `key set ${id} is not in the key manager` });
          continue;
        }
        const set = keys.keySet(id);
        if (set === undefined) throw new ControlError('API_ERR_NO_KEYS', { field: 'keys', detail: `key set ${id} was not given` });
        session.keys.adopt(id, set);
      }
      const reservation = relayCall.reservePorts(spec.rtcpMux, { rtpPort: spec.local.rtpPort, rtcpPort: spec.local.rtcpPort });
      await session.relayLegs.openAs(spec.id, {
        owner: spec.owner, remote: spec.remote, rtcpMux: spec.rtcpMux, reservation,
        ...(spec.latching !== null ? { latching: spec.latching } : {}),
        ...(spec.keySetIds !== null ? { keySetIds: spec.keySetIds } : {}),
      });
    }
    session.relayLegs.resumeSequence(snapshot.relayLegSequence);
    for (const l of snapshot.legs) {
      const leg = session.createLeg({ id: l.id, device: l.device, keying: l.keying, keyingScope: l.keyingScope ?? null, latching: l.latching ?? undefined, keyLegId: l.keyLegId });
      for (const s of l.streams) {
        const stream = leg.addStream({ kind: s.kind, srtp: s.srtp, rtcpMux: s.rtcpMux, remote: s.remote });
        const inbound = s.srtpRelayLeg === null ? null : session.relayLegs.spec(s.srtpRelayLeg)?.keySetIds?.inbound ?? null;
        stream.restoreState(s, s.sdesSend !== null ? inbound : null);
      }
      session.adoptLeg(leg);
    }
    for (const r of snapshot.resources) session.adoptResource(SessionResource.restored(session.relayLegs, r));
    if (snapshot.bridge !== null) {
      const { ports, ...spec } = snapshot.bridge;
      const bridge = session.openBridge(spec);
      for (const p of ports) bridge.adopt(p);
    }
    await session.applyPlan();
  } catch (err) {
    session.keys.close();
    await relayCall.close();
    throw err;
  }
  return session;
}
