/**
 * Opening a leg's media: validate the request, get keys (key manager or SDES answer), open the
 * relay legs. Validation runs before anything is created; if a later step fails, what was
 * opened is closed and its keys wiped (leg-teardown.ts), so a failed request leaves no
 * half-made leg in the call and no socket behind.
 */
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { defineDevice, defineLeg, type Device, type DeviceSpec, type LegSpec, type MediaKind } from '../call';
import { toSrtpContextOptions, wipeContextOptions, type KeyManager, type MasterKeySet } from '../keys';
import type { LatchingPolicy, PortReservation, RemoteEndpoint } from '../relay';
import type { CallRecord, Keying, LegRecord, StreamMedia } from './call-record';
import { ApiError, withField } from './errors';
import { releaseLegMedia } from './leg-teardown';

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
  readonly suites?: readonly string[];
  readonly latching?: LatchingPolicy;
  readonly streams?: readonly StreamRequest[];
}

export interface PreparedLeg {
  readonly record: LegRecord;
  readonly spec: LegSpec;
  /** SDES answer lines to return to the caller (secret). */
  readonly answers: ReadonlyMap<MediaKind, string>;
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
    if (seen.has(s.kind)) throw new ApiError('API_ERR_DUPLICATE_STREAM', { field: `${at}.kind` });
    seen.add(s.kind);
    if (s.remote !== undefined && isIP(s.remote.address) === 0) {
      throw new ApiError('API_ERR_BAD_REQUEST', { field: `${at}.remote.address`, detail: 'not an IP address' });
    }
    if (s.crypto !== undefined && req.keying !== 'sdes') throw new ApiError('API_ERR_CRYPTO_NOT_ALLOWED', { field: `${at}.crypto` });
    if (s.srtp === true && req.keying === 'none') {
      throw new ApiError('API_ERR_BAD_REQUEST', { field: `${at}.srtp`, detail: 'an SRTP stream needs keying managed or sdes' });
    }
    if (s.srtp === false && s.crypto !== undefined) throw new ApiError('API_ERR_CRYPTO_NOT_ALLOWED', { field: `${at}.crypto` });
  });
  if (req.suites !== undefined && req.keying !== 'managed') {
    throw new ApiError('API_ERR_BAD_REQUEST', { field: `${prefix}suites`, detail: 'suites are for managed keying' });
  }
  const spec: LegSpec = { id: req.id, device, streams: streams.map((s) => ({ kind: s.kind, srtp: streamIsSrtp(req.keying, s) })) };
  withField(`${prefix}device.kind`, () => defineLeg(spec));
  return { device, spec, streams };
}

/** A stream is SRTP when its leg is keyed (managed, sdes) and the request does not say `srtp: false`. */
export function streamIsSrtp(keying: Keying, s: StreamRequest): boolean {
  return keying !== 'none' && s.srtp !== false;
}

/**
 * Open an SRTP relay leg from the endpoint's send set (our inbound) and receive set (our
 * outbound), on reserved ports when our SDES offer already named them.
 */
export async function openSrtpRelayLeg(call: CallRecord, leg: { id: string; latching: LatchingPolicy | undefined }, media: StreamMedia, inbound: MasterKeySet, outbound: MasterKeySet, reservation?: PortReservation): Promise<void> {
  const inOptions = toSrtpContextOptions(inbound);
  const outOptions = toSrtpContextOptions(outbound);
  const relayId = call.nextId(`${leg.id}.${media.kind}`);
  try {
    const local = await call.relay.addLeg({
      id: relayId, remote: media.remote, rtcpMux: media.rtcpMux, srtp: { inbound: inOptions, outbound: outOptions }, latching: leg.latching,
      ...(reservation !== undefined ? { reservation } : {}),
    });
    call.adopt(relayId, { type: 'leg', legId: leg.id, stream: media.kind, variant: 'srtp' }, local);
    media.srtpRelayLeg = relayId;
    media.suite = inbound.profile.name;
  } finally {
    wipeContextOptions(inOptions);
    wipeContextOptions(outOptions);
  }
}

/** Open a plain RTP relay leg for a stream (keying `none`, or the RTP fallback of an SRTP leg). */
export async function openRtpRelayLeg(call: CallRecord, leg: { id: string; latching: LatchingPolicy | undefined; keying: Keying }, media: StreamMedia): Promise<void> {
  const relayId = call.nextId(`${leg.id}.${media.kind}.rtp`);
  // Secure by default: only the signaled address; with none known, lock onto the first sender.
  const configured = leg.keying === 'none' ? leg.latching : undefined;
  const latching: LatchingPolicy = configured !== undefined && configured !== 'authenticated' ? configured : media.remote !== null ? 'strict' : 'first';
  const local = await call.relay.addLeg({ id: relayId, remote: media.remote, rtcpMux: media.rtcpMux, latching });
  call.adopt(relayId, { type: 'leg', legId: leg.id, stream: media.kind, variant: 'rtp' }, local);
  media.rtpRelayLeg = relayId;
}

/** Keys and relay legs for a validated leg request. */
export async function prepareLeg(keys: KeyManager, logger: Logger, call: CallRecord, req: LegRequest, v: ValidatedLeg, prefix = ''): Promise<PreparedLeg> {
  const allSuites = keys.policy.preference.map((p) => p.name);
  const srtpStreams = v.streams.filter((s) => streamIsSrtp(req.keying, s));
  const keyLegId = req.keying === 'managed' && srtpStreams.length > 0 ? call.nextId(req.id) : null;
  const streams = new Map<MediaKind, StreamMedia>();
  for (const s of v.streams) {
    streams.set(s.kind, {
      kind: s.kind, srtp: streamIsSrtp(req.keying, s), keyLegId: keyLegId !== null && streamIsSrtp(req.keying, s) ? keyLegId : null, rtcpMux: s.rtcpMux === true, remote: s.remote ?? null, srtpRelayLeg: null, rtpRelayLeg: null, suite: null,
      sdesSend: null, offerTag: null, active: null, sdesPending: null,
    });
  }
  const record: LegRecord = { id: req.id, device: v.device, keying: req.keying, latching: req.latching, keyLegId, streams };
  const answers = new Map<MediaKind, string>();
  const sdes: { kind: MediaKind; send: MasterKeySet; receive: MasterKeySet; tag: number; line: string }[] = [];
  try {
    if (keyLegId !== null) {
      const streamKeys = withField(`${prefix}suites`, () =>
        keys.createLegKeys({ callId: call.id, legId: keyLegId, streams: srtpStreams.map((s) => s.kind), a: req.suites ?? allSuites, b: allSuites }));
      for (const sk of streamKeys) {
        const media = streams.get(sk.stream as MediaKind);
        if (media !== undefined) await openSrtpRelayLeg(call, record, media, sk.aToB, sk.bToA);
      }
    } else if (req.keying === 'sdes') {
      v.streams.forEach((s, i) => {
        if (s.crypto === undefined || !streamIsSrtp(req.keying, s)) return;
        const answer = withField(`${prefix}streams[${i}].crypto`, () => keys.sdesAnswer(s.crypto ?? []));
        sdes.push({ kind: s.kind, send: answer.send, receive: answer.receive, tag: answer.tag, line: answer.line });
      });
      for (const a of sdes) {
        const media = streams.get(a.kind) as StreamMedia;
        await openSrtpRelayLeg(call, record, media, a.receive, a.send);
        a.receive.release();
        media.sdesSend = { tag: a.tag, set: a.send };
        answers.set(a.kind, a.line);
      }
    }
    // Plain RTP streams: keying none, or `srtp: false` on a keyed leg (RTP video beside SRTP audio).
    for (const media of streams.values()) if (!media.srtp) await openRtpRelayLeg(call, record, media);
  } catch (err) {
    for (const a of sdes) {
      a.send.release();
      a.receive.release();
    }
    await releaseLegMedia(call, record, keys, logger);
    throw err;
  }
  return { record, spec: v.spec, answers };
}
