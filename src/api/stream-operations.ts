/**
 * Video on and off mid-call (a re-INVITE adding or dropping a stream): `POST .../legs/:legId/
 * streams` opens the new stream's relay leg (managed: its own fresh key sets, delivered at GET
 * .../keys; sdes: the endpoint's a=crypto offer answered; or plain RTP with `srtp: false` or
 * keying none) and `DELETE .../streams/:kind` closes it. The status follows seed 003 "Security
 * icons": the call is secure only if audio and video both are. validate (the model's
 * `setLegStreams`) → create → commit → re-plumb; a refused request changes nothing.
 */
import { isIP } from 'node:net';
import { setLegStreams, type LegStream, type MediaKind } from '../call';
import type { CallRecord, LegRecord, StreamMedia } from './call-record';
import type { ConferenceOperations } from './conference-operations';
import { ApiError, withField } from './errors';
import { openRtpRelayLeg, openSrtpRelayLeg, streamIsSrtp, type StreamRequest } from './leg-setup';
import { closeRelayLeg, wipeStreamSecrets } from './leg-teardown';
import type { OperationResult, ServiceHost } from './service-host';

export class StreamOperations {
  constructor(private readonly host: ServiceHost, private readonly conference: ConferenceOperations) {}

  add(callId: string, legId: string, req: StreamRequest): Promise<OperationResult> {
    const { host } = this;
    return host.operate(callId, async (rec) => {
      const leg = host.mustLeg(rec, legId);
      if (leg.streams.has(req.kind)) throw new ApiError('API_ERR_DUPLICATE_STREAM', { field: 'kind' });
      if (req.remote !== undefined && isIP(req.remote.address) === 0) throw new ApiError('API_ERR_BAD_REQUEST', { field: 'remote.address', detail: 'not an IP address' });
      if (req.srtp === true && leg.keying === 'none') throw new ApiError('API_ERR_BAD_REQUEST', { field: 'srtp', detail: 'an SRTP stream needs keying managed or sdes' });
      const srtp = streamIsSrtp(leg.keying, req);
      if (req.crypto !== undefined && (leg.keying !== 'sdes' || !srtp)) throw new ApiError('API_ERR_CRYPTO_NOT_ALLOWED', { field: 'crypto' });
      if (leg.keying === 'sdes' && srtp && req.crypto === undefined) throw new ApiError('API_ERR_MISSING_CRYPTO', { field: 'crypto' });
      const streams = this.modelStreams(rec, legId, [...leg.streams.values()].map((m) => ({ kind: m.kind, srtp: m.srtp })).concat({ kind: req.kind, srtp }));
      const media: StreamMedia = {
        kind: req.kind, srtp, keyLegId: null, rtcpMux: req.rtcpMux === true, remote: req.remote ?? null, srtpRelayLeg: null, rtpRelayLeg: null,
        suite: null, sdesSend: null, offerTag: null, active: null, sdesPending: null,
      };
      const answers = new Map<MediaKind, string>();
      leg.streams.set(req.kind, media);
      try {
        await this.open(rec, leg, media, req, answers);
        await this.conference.openPorts(rec, leg);
        await rec.model.setLegStreams(legId, streams);
      } catch (err) {
        await this.close(rec, leg, req.kind);
        throw err;
      }
      host.events.publish('legupdated', { callId, legId });
      return { answers };
    }, (rec, extra) => ({ leg: host.legWithAnswers(rec, host.mustLeg(rec, legId), (extra as { answers: ReadonlyMap<MediaKind, string> }).answers) }));
  }

  remove(callId: string, legId: string, kind: MediaKind): Promise<OperationResult> {
    const { host } = this;
    return host.operate(callId, async (rec) => {
      const leg = host.mustLeg(rec, legId);
      if (!leg.streams.has(kind)) throw new ApiError('API_ERR_UNKNOWN_STREAM', { field: 'kind' });
      const rest = [...leg.streams.values()].filter((m) => m.kind !== kind).map((m) => ({ kind: m.kind, srtp: m.srtp }));
      this.modelStreams(rec, legId, rest);
      await rec.model.setLegStreams(legId, rest);
      await this.close(rec, leg, kind);
      host.events.publish('legupdated', { callId, legId });
    }, (rec) => ({ leg: host.legWithAnswers(rec, host.mustLeg(rec, legId), new Map()) }));
  }

  /** The model's check first (e.g. a leg needs at least one stream): nothing is created if it refuses. */
  private modelStreams(rec: CallRecord, legId: string, streams: LegStream[]): LegStream[] {
    withField('kind', () => setLegStreams(rec.model.state, this.host.cluster, legId, streams));
    return streams;
  }

  private async open(rec: CallRecord, leg: LegRecord, media: StreamMedia, req: StreamRequest, answers: Map<MediaKind, string>): Promise<void> {
    const { keys } = this.host;
    if (!media.srtp) {
      await openRtpRelayLeg(rec, leg, media);
      return;
    }
    if (leg.keying === 'managed') {
      // Fresh sets of its own: never reuse a (key, SSRC, index), not even a removed stream's.
      const keyLegId = rec.nextId(`${leg.id}.${media.kind}`);
      const suites = keys.policy.preference.map((p) => p.name);
      const [sk] = keys.createLegKeys({ callId: rec.id, legId: keyLegId, streams: [media.kind], a: suites, b: suites });
      media.keyLegId = keyLegId;
      if (sk === undefined) throw new ApiError('API_ERR_INTERNAL');
      await openSrtpRelayLeg(rec, leg, media, sk.aToB, sk.bToA);
      return;
    }
    const answer = withField('crypto', () => keys.sdesAnswer(req.crypto ?? []));
    try {
      await openSrtpRelayLeg(rec, leg, media, answer.receive, answer.send);
    } catch (err) {
      answer.send.release();
      throw err;
    } finally {
      answer.receive.release();
    }
    media.sdesSend = { tag: answer.tag, set: answer.send };
    answers.set(media.kind, answer.line);
  }

  /** The stream ends: relay legs closed, its own keys and bridge port gone. */
  private async close(rec: CallRecord, leg: LegRecord, kind: MediaKind): Promise<void> {
    const media = leg.streams.get(kind);
    if (media === undefined) return;
    leg.streams.delete(kind);
    wipeStreamSecrets(rec, media);
    if (media.keyLegId !== null && media.keyLegId !== leg.keyLegId) this.host.keys.releaseLeg(rec.id, media.keyLegId);
    for (const id of [media.srtpRelayLeg, media.rtpRelayLeg]) if (id !== null) await closeRelayLeg(rec, id, this.host.logger);
    await this.conference.closePorts(rec, leg.id, kind);
  }
}
