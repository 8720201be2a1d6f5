/**
 * Legs of a two-party call: add (keys and relay ports, SDES answers), new remotes from
 * signaling, removal, and managed key delivery. validate → create → commit to the model →
 * apply the plan; a refused request changes nothing.
 */
import type { MediaKind } from '../call';
import { formatCryptoAttribute } from '../keys';
import type { RemoteEndpoint } from '../relay';
import type { CallSession } from './call-session';
import { ControlError } from './errors';
import { discardPreparedLeg, prepareLeg, validateLeg, type LegRequest, type ValidatedLeg } from './leg-setup';
import type { LegKeysView, LegView, OperationResult } from './session-view';

/**
 * `prefix`: the leg's path in the request (`legs[1].` when the call is created with its legs),
 * for the field an error names. `validated`: validateLeg's result when the caller checked the
 * request already.
 */
export async function addLeg(session: CallSession, req: LegRequest, prefix = '', validated?: ValidatedLeg): Promise<LegView> {
  return session.perform(async () => {
    const v = validated ?? validateLeg(req, prefix);
    if (session.leg(req.id) !== undefined) throw new ControlError('API_ERR_DUPLICATE_LEG', { field: `${prefix}id`, detail: `leg ${req.id} exists` });
    // A third party joins through a conference (participants) or a barge.
    if (session.model.state.legs.length >= 2) throw new ControlError('API_ERR_MULTIPARTY_UNSUPPORTED', { field: `${prefix}id` });
    const prepared = await prepareLeg(session, req, v, prefix);
    try {
      await session.model.addLeg(prepared.spec);
    } catch (err) {
      await discardPreparedLeg(session, prepared.leg);
      throw err;
    }
    session.adoptLeg(prepared.leg);
    session.context.logger.debug({ callId: session.id, legId: req.id, keying: req.keying }, 'leg added');
    session.notify('legadded', { callId: session.id, legId: req.id, keying: req.keying });
    return () => session.legView(prepared.leg, prepared.answers, prepared.webrtcAnswer);
  });
}

export function updateLeg(session: CallSession, legId: string, streams: readonly { kind: MediaKind; remote: RemoteEndpoint }[]): Promise<LegView> {
  return session.exclusive(async () => {
    session.assertLive();
    const leg = session.mustLeg(legId);
    streams.forEach((s, i) => {
      if (leg.stream(s.kind) === undefined) throw new ControlError('API_ERR_UNKNOWN_STREAM', { field: `streams[${i}].kind` });
    });
    for (const s of streams) await leg.stream(s.kind)?.setRemote(s.remote);
    session.notify('legupdated', { callId: session.id, legId });
    return session.legView(leg);
  });
}

export function removeLeg(session: CallSession, legId: string): Promise<OperationResult> {
  return session.operate(async () => {
    const leg = session.mustLeg(legId);
    await session.model.removeLeg(legId);
    await session.dropLeg(leg);
  });
}

/**
 * Key delivery for a managed leg: the endpoint's send and receive sets as a=crypto lines
 * (secret). Call-scoped streams: the phone's side of the call keys (send: its endpoint key,
 * MKI 1; receive: the other phone's endpoint key and the relay-origin key, MKIs 1 and 2).
 */
export function legKeys(session: CallSession, legId: string): LegKeysView {
  const leg = session.mustLeg(legId);
  if (leg.keying !== 'managed') throw new ControlError('API_ERR_NO_KEYS', { field: 'legId' });
  // Per stream: the call keys of its side, or its key manager leg (streams added later have their own).
  const streams = leg.streams().flatMap((m): LegKeysView['streams'][number][] => {
    if (m.callKeys !== null) {
      const keys = session.keying.callKeys(m.kind);
      if (keys === undefined) return [];
      const k = keys.endpoint(m.callKeys.side);
      return [{
        kind: k.stream, suite: k.profile.name, keyingScope: 'call', generation: keys.generation,
        send: formatCryptoAttribute(1, k.send), receive: formatCryptoAttribute(1, k.receive),
      }];
    }
    const k = m.keyLegId === null ? undefined : session.keying.endpointKeys(m.keyLegId, m.kind);
    return k === undefined ? [] : [{ kind: k.stream, suite: k.profile.name, keyingScope: 'leg', send: formatCryptoAttribute(1, k.send), receive: formatCryptoAttribute(1, k.receive) }];
  });
  if (streams.length === 0) throw new ControlError('API_ERR_NO_KEYS', { field: 'legId' });
  return { leg: leg.id, streams };
}
