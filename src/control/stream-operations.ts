/**
 * Video on and off mid-call (a re-INVITE adding or dropping a stream): `addStream` opens the new
 * stream's relay leg (managed: its own fresh key sets, delivered with the leg's keys; sdes: the
 * endpoint's a=crypto offer answered; or plain RTP with `srtp: false` or keying none) and
 * `removeStream` closes it. The status follows seed 003 "Security icons": the call is secure
 * only if audio and video both are. validate (the model's `setLegStreams`) → create → commit →
 * apply the plan; a refused request changes nothing.
 */
import { isIP } from 'node:net';
import { setLegStreams, type LegStream, type MediaKind } from '../call';
import type { CallSession } from './call-session';
import { heldSides, leaveCall } from './call-keying';
import { ControlError, withField } from './errors';
import { callKeyRefs } from './leg-keying';
import { streamIsSrtp, type StreamRequest } from './leg-setup';
import type { SessionLeg } from './session-leg';
import type { SessionStream } from './session-stream';
import type { OperationResult } from './session-view';

/** The model's check first (e.g. a leg needs at least one stream): nothing is created if it refuses. */
function modelStreams(session: CallSession, legId: string, streams: LegStream[]): LegStream[] {
  withField('kind', () => setLegStreams(session.model.state, session.context.cluster, legId, streams));
  return streams;
}

export function addStream(session: CallSession, legId: string, req: StreamRequest): Promise<OperationResult> {
  return session.operate(async () => {
    const leg = session.mustLeg(legId);
    if (leg.stream(req.kind) !== undefined) throw new ControlError('API_ERR_DUPLICATE_STREAM', { field: 'kind' });
    if (leg.keying === 'dtls') throw new ControlError('API_ERR_BAD_REQUEST', { field: 'kind', detail: 'a dtls (WebRTC) leg carries one audio stream; more need a new offer' });
    if (req.remote !== undefined && isIP(req.remote.address) === 0) throw new ControlError('API_ERR_BAD_REQUEST', { field: 'remote.address', detail: 'not an IP address' });
    if (req.srtp === true && leg.keying === 'none') throw new ControlError('API_ERR_BAD_REQUEST', { field: 'srtp', detail: 'an SRTP stream needs keying managed or sdes' });
    const srtp = streamIsSrtp(leg.keying, req);
    if (req.crypto !== undefined && (leg.keying !== 'sdes' || !srtp)) throw new ControlError('API_ERR_CRYPTO_NOT_ALLOWED', { field: 'crypto' });
    if (leg.keying === 'sdes' && srtp && req.crypto === undefined) throw new ControlError('API_ERR_MISSING_CRYPTO', { field: 'crypto' });
    const streams = modelStreams(session, legId, leg.streams().map((m) => ({ kind: m.kind, srtp: m.srtp })).concat({ kind: req.kind, srtp }));
    const media = leg.addStream({ kind: req.kind, srtp, rtcpMux: req.rtcpMux === true, remote: req.remote ?? null });
    const answers = new Map<MediaKind, string>();
    try {
      await openStream(session, leg, media, req, answers);
      await session.bridge?.openPorts(leg);
      await session.model.setLegStreams(legId, streams);
    } catch (err) {
      await closeStream(session, leg, req.kind);
      throw err;
    }
    session.notify('legupdated', { callId: session.id, legId });
    return () => ({ leg: session.legView(leg, answers) });
  });
}

export function removeStream(session: CallSession, legId: string, kind: MediaKind): Promise<OperationResult> {
  return session.operate(async () => {
    const leg = session.mustLeg(legId);
    if (leg.stream(kind) === undefined) throw new ControlError('API_ERR_UNKNOWN_STREAM', { field: 'kind' });
    const rest = leg.streams().filter((m) => m.kind !== kind).map((m) => ({ kind: m.kind, srtp: m.srtp }));
    modelStreams(session, legId, rest);
    await session.model.setLegStreams(legId, rest);
    await closeStream(session, leg, kind);
    session.notify('legupdated', { callId: session.id, legId });
    return () => ({ leg: session.legView(leg) });
  });
}

async function openStream(session: CallSession, leg: SessionLeg, media: SessionStream, req: StreamRequest, answers: Map<MediaKind, string>): Promise<void> {
  if (!media.srtp) {
    await media.openRtp();
    return;
  }
  if (leg.keying === 'managed' && leg.keyingScope === 'call') {
    // Call scope (seed 003): a free side of the call stream, created with this stream if new.
    const binding = session.keying.joinCall(media.kind, undefined, heldSides(session, media.kind, leg), 'kind');
    if (binding !== null) {
      media.useCallKeys(binding);
      await media.openSrtp(callKeyRefs(media.kind, binding.side), binding.reference.profile);
      return;
    }
  }
  if (leg.keying === 'managed') {
    // Fresh sets of its own: never reuse a (key, SSRC, index), not even a removed stream's.
    const keyLegId = session.relayLegs.nextId(`${leg.id}.${media.kind}`);
    const refs = session.keying.createManaged(keyLegId, [media.kind], undefined, 'kind').get(media.kind);
    media.useKeyLeg(keyLegId);
    if (refs === undefined) throw new ControlError('API_ERR_INTERNAL');
    await media.openSrtp(refs, session.keying.endpointKeys(keyLegId, media.kind)?.profile.name ?? '');
    return;
  }
  const answer = withField('crypto', () => session.context.keys.sdesAnswer(req.crypto ?? []));
  await media.openSdes(answer.receive, answer.send, answer.tag);
  answers.set(media.kind, answer.line);
}

/** The stream ends: relay legs closed, its own keys and bridge port gone. */
async function closeStream(session: CallSession, leg: SessionLeg, kind: MediaKind): Promise<void> {
  // Call keys: rekeyed for the phone that keeps the stream, wiped when nobody does.
  await leaveCall(session, leg, [kind]);
  await leg.closeStream(kind);
  await session.bridge?.closePorts(leg.id, kind);
}
