/**
 * Opening a leg's media: validate the request, get keys (key manager or SDES answer), open the
 * relay legs. Validation runs before anything is created; if a later step fails, what was
 * opened is closed and its keys wiped (`SessionLeg.close`), so a failed request leaves no
 * half-made leg in the call and no socket behind.
 */
import { isIP } from 'node:net';
import { defineDevice, defineLeg, type Device, type DeviceSpec, type LegSpec, type LegStream, type MediaKind } from '../call';
import type { KeyingScope, MasterKeySet } from '../keys';
import { heldSides } from './call-keying';
import type { LatchingPolicy, RemoteEndpoint } from '../relay';
import type { CallSession } from './call-session';
import { ControlError, withField } from './errors';
import type { SessionLeg } from './session-leg';
import type { Keying, SessionStream } from './session-stream';
import { callKeyRefs } from './leg-keying';
import { openWebrtcStream, validateWebrtc, type WebrtcLegRequest } from './webrtc-leg';

export interface StreamRequest {
  readonly kind: MediaKind;
  readonly remote?: RemoteEndpoint;
  readonly rtcpMux?: boolean;
  readonly crypto?: readonly string[];
  /** false: the stream is plain RTP on an SRTP-keyed leg (default: SRTP unless keying is none). */
  readonly srtp?: boolean;
}

export interface LegRequest {
  readonly id: string;
  readonly device: DeviceSpec;
  readonly keying: Keying;
  /**
   * Managed keying: `call` (default, seed 003) shares the call's two key sets per stream with
   * the other managed phone (verified passthrough); `leg` gives the leg its own (recrypt).
   */
  readonly keyingScope?: KeyingScope;
  readonly suites?: readonly string[];
  readonly latching?: LatchingPolicy;
  readonly streams?: readonly StreamRequest[];
  /** keying `dtls`: the WebRTC peer's offer and how to answer it (webrtc-leg.ts). */
  readonly webrtc?: WebrtcLegRequest;
}

export interface PreparedLeg {
  readonly leg: SessionLeg;
  readonly spec: LegSpec;
  /** SDES answer lines to return to the caller (secret). */
  readonly answers: ReadonlyMap<MediaKind, string>;
  /** keying `dtls`: the relay's SDP answer for the WebRTC peer. */
  readonly webrtcAnswer?: string;
}

export interface ValidatedLeg {
  readonly device: Device;
  readonly spec: LegSpec;
  readonly streams: readonly StreamRequest[];
}

/** Every check that needs no side effect. `prefix` is the request path of the leg (e.g. "to."). */
export function validateLeg(req: LegRequest, prefix = ''): ValidatedLeg {
  const device = withField(`${prefix}device`, () => defineDevice(req.device));
  const streams = req.streams ?? [{ kind: 'audio' as const }];
  const seen = new Set<MediaKind>();
  streams.forEach((s, i) => {
    const at = `${prefix}streams[${i}]`;
    if (seen.has(s.kind)) throw new ControlError('API_ERR_DUPLICATE_STREAM', { field: `${at}.kind` });
    seen.add(s.kind);
    if (s.remote !== undefined && isIP(s.remote.address) === 0) {
      throw new ControlError('API_ERR_BAD_REQUEST', { field: `${at}.remote.address`, detail: 'not an IP address' });
    }
    if (s.crypto !== undefined && req.keying !== 'sdes') throw new ControlError('API_ERR_CRYPTO_NOT_ALLOWED', { field: `${at}.crypto` });
    if (s.srtp === true && req.keying === 'none') {
      throw new ControlError('API_ERR_BAD_REQUEST', { field: `${at}.srtp`, detail: 'an SRTP stream needs keying managed or sdes' });
    }
    if (s.srtp === false && s.crypto !== undefined) throw new ControlError('API_ERR_CRYPTO_NOT_ALLOWED', { field: `${at}.crypto` });
  });
  if (req.keyingScope !== undefined && req.keying !== 'managed') {
    throw new ControlError('API_ERR_BAD_REQUEST', { field: `${prefix}keyingScope`, detail: 'keyingScope is for managed keying' });
  }
  validateWebrtc(req, streams, prefix);
  if (req.suites !== undefined && req.keying !== 'managed') {
    throw new ControlError('API_ERR_BAD_REQUEST', { field: `${prefix}suites`, detail: 'suites are for managed keying' });
  }
  const spec: LegSpec = { id: req.id, device, streams: streams.map((s) => modelStream(req.keying, s)) };
  withField(`${prefix}device.kind`, () => defineLeg(spec));
  return { device, spec, streams };
}

/** A stream is SRTP when its leg is keyed (managed, sdes) and the request does not say `srtp: false`. */
export function streamIsSrtp(keying: Keying, s: StreamRequest): boolean {
  return keying !== 'none' && s.srtp !== false;
}

/** The model's view of a requested stream: a dtls stream starts `pending` (no SRTP media before its handshake). */
function modelStream(keying: Keying, s: StreamRequest): LegStream {
  return keying === 'dtls' ? { kind: s.kind, srtp: true, dtls: 'pending' } : { kind: s.kind, srtp: streamIsSrtp(keying, s) };
}

export interface PrepareOptions {
  /**
   * false: the leg is a third party (conference participant, barge initiator) and gets leg keys
   * even when its request asks for call scope. Default true.
   */
  readonly callKeys?: boolean;
}

/**
 * Keys and relay legs for a validated leg request: a leg not yet in the call. Managed keying:
 * call keys (a side of the call stream) where the scope and suites allow, the leg's own key
 * sets otherwise (leg-keying.ts); sdes: the endpoint's a=crypto offer answered. If a step
 * fails, what was opened is closed and its keys wiped, so a failed request leaves no half-made
 * leg and no socket behind.
 */
export async function prepareLeg(session: CallSession, req: LegRequest, v: ValidatedLeg, prefix = '', options: PrepareOptions = {}): Promise<PreparedLeg> {
  const srtpStreams = v.streams.filter((s) => streamIsSrtp(req.keying, s));
  const scope: KeyingScope | null = req.keying === 'managed' ? req.keyingScope ?? 'call' : null;
  // Call scope: each SRTP stream takes a free side of its call stream if it can (seed 003).
  const sides = new Map<MediaKind, NonNullable<SessionStream['callKeys']>>();
  try {
    if (scope === 'call' && options.callKeys !== false) {
      for (const s of srtpStreams) {
        const binding = session.keying.joinCall(s.kind, req.suites, heldSides(session, s.kind), `${prefix}suites`);
        if (binding !== null) sides.set(s.kind, binding);
      }
    }
  } catch (err) {
    releaseUnheld(session, [...sides.keys()]);
    throw err;
  }
  const legKeyed = srtpStreams.filter((s) => !sides.has(s.kind));
  return openLeg(session, req, v, prefix, { sides, legKeyed, scope });
}

/**
 * Call keys no leg of the session holds (made for a leg that then failed to join) are wiped:
 * a failed request leaves no keys behind. The leg being prepared is not in the session yet.
 */
function releaseUnheld(session: CallSession, kinds: readonly MediaKind[]): void {
  for (const kind of kinds) if (heldSides(session, kind).size === 0) session.keying.releaseCall(kind);
}

async function openLeg(
  session: CallSession, req: LegRequest, v: ValidatedLeg, prefix: string,
  k: { sides: ReadonlyMap<MediaKind, NonNullable<SessionStream['callKeys']>>; legKeyed: readonly StreamRequest[]; scope: KeyingScope | null },
): Promise<PreparedLeg> {
  const keyLegId = req.keying === 'managed' && k.legKeyed.length > 0 ? session.relayLegs.nextId(req.id) : null;
  const leg = session.createLeg({ id: req.id, device: v.device, keying: req.keying, keyingScope: k.scope, latching: req.latching, keyLegId });
  for (const s of v.streams) leg.addStream({ kind: s.kind, srtp: streamIsSrtp(req.keying, s), rtcpMux: s.rtcpMux === true || req.keying === 'dtls', remote: s.remote ?? null });
  const answers = new Map<MediaKind, string>();
  let webrtcAnswer: string | undefined;
  const sdes: { kind: MediaKind; send: MasterKeySet; receive: MasterKeySet; tag: number; line: string }[] = [];
  try {
    for (const [kind, binding] of k.sides) {
      const media = leg.stream(kind) as SessionStream;
      media.useCallKeys(binding);
      await media.openSrtp(callKeyRefs(kind, binding.side), binding.reference.profile);
    }
    if (keyLegId !== null) {
      const refs = session.keying.createManaged(keyLegId, k.legKeyed.map((s) => s.kind), req.suites, `${prefix}suites`);
      for (const [kind, r] of refs) {
        const media = leg.stream(kind);
        if (media === undefined) continue;
        media.useKeyLeg(keyLegId);
        await media.openSrtp(r, session.keying.endpointKeys(keyLegId, kind)?.profile.name ?? '');
      }
    } else if (req.keying === 'dtls' && req.webrtc?.offer !== undefined) {
      // Without an offer the relay offers to the peer later (webrtc-offer.ts): nothing opens now.
      webrtcAnswer = await openWebrtcStream(session, leg.stream('audio') as SessionStream, { ...req.webrtc, offer: req.webrtc.offer }, `${prefix}webrtc`);
    } else if (req.keying === 'sdes') {
      v.streams.forEach((s, i) => {
        if (s.crypto === undefined || !streamIsSrtp(req.keying, s)) return;
        const answer = withField(`${prefix}streams[${i}].crypto`, () => session.context.keys.sdesAnswer(s.crypto ?? []));
        sdes.push({ kind: s.kind, send: answer.send, receive: answer.receive, tag: answer.tag, line: answer.line });
      });
      while (sdes.length > 0) {
        const a = sdes[0];
        // The stream owns both sets from here (wiped with it, even if opening fails).
        sdes.shift();
        await (leg.stream(a.kind) as SessionStream).openSdes(a.receive, a.send, a.tag);
        answers.set(a.kind, a.line);
      }
    }
    // Plain RTP streams: keying none, or `srtp: false` on a keyed leg (RTP video beside SRTP audio).
    for (const media of leg.streams()) if (!media.srtp) await media.openRtp();
  } catch (err) {
    for (const a of sdes) {
      a.send.release();
      a.receive.release();
    }
    await leg.close();
    releaseUnheld(session, [...k.sides.keys()]);
    throw err;
  }
  return { leg, spec: v.spec, answers, ...(webrtcAnswer !== undefined ? { webrtcAnswer } : {}) };
}

/**
 * A prepared leg the model refused: closed, and call keys it created (it was side A and no leg
 * of the call holds them) wiped.
 */
export async function discardPreparedLeg(session: CallSession, leg: SessionLeg): Promise<void> {
  const kinds = leg.streams().filter((m) => m.callKeys !== null).map((m) => m.kind);
  await leg.close();
  releaseUnheld(session, kinds);
}
