/**
 * `POST .../legs/{leg}/sdp`: an endpoint's offer or answer in, the SDP for the other leg out.
 *
 * This side: an SDES leg without keys gets the relay's SDES answer to its offer (or, when the
 * relay offered to it first, its answer completes that offer: sdes-offer.ts); every stream takes
 * the signaled address. The other side: the relay's address and that leg's ports, transport and
 * a=crypto line — and when that leg is SDES without keys, the relay's own SDES offer on reserved
 * ports. Everything is validated before anything changes.
 */
import { formatCryptoAttribute } from '../keys';
import type { CallRecord, LegRecord, StreamMedia } from './call-record';
import { ApiError, withField } from './errors';
import { openSrtpRelayLeg } from './leg-setup';
import { parseEndpointSdp, writeSdpFor, type ParsedSdp, type SdpTarget } from './sdp-rewrite';
import { checkSdesAnswer, completeSdesAnswer, declineSdesOffer, pendingOffer, takeOverPending } from './sdes-offer';
import type { ServiceHost } from './service-host';

export interface SdpRequest {
  readonly type: 'offer' | 'answer';
  readonly sdp: string;
  readonly to?: string;
}

export class SdpExchange {
  constructor(private readonly host: ServiceHost) {}

  process(callId: string, legId: string, req: SdpRequest): Promise<object> {
    const { host } = this;
    const rec = host.mustCall(callId);
    return rec.exclusive(async () => {
      host.assertLive(rec);
      const leg = host.mustLeg(rec, legId);
      const others = [...rec.legs.values()].filter((l) => l.id !== legId);
      const other = req.to !== undefined ? rec.legs.get(req.to) : others.length === 1 ? others[0] : undefined;
      if (other === undefined || other.id === legId) throw new ApiError('API_ERR_NO_PEER_LEG', { field: 'to' });
      const parsed = parseEndpointSdp(req.sdp);
      const answerLines = this.validate(rec, leg, other, parsed, req.type);
      await this.applyThisSide(rec, leg, parsed, req.type, answerLines);
      await host.plumbing.replumb(rec);
      const targets = this.targetsFor(rec, leg, other, parsed, req.type);
      host.events.publish('legupdated', { callId, legId });
      return { type: req.type, for: other.id, sdp: writeSdpFor(parsed, targets, host.advertiseAddress) };
    });
  }

  /** Every check that needs no side effect; returns the checked SDES answer line per m-line index. */
  private validate(rec: CallRecord, leg: LegRecord, other: LegRecord, parsed: ParsedSdp, type: SdpRequest['type']): Map<number, string> {
    const answerLines = new Map<number, string>();
    for (const m of parsed.media) {
      const own = leg.streams.get(m.kind);
      if (own === undefined) throw new ApiError('API_ERR_UNKNOWN_STREAM', { field: 'sdp', detail: `leg ${leg.id} has no ${m.kind} stream` });
      const theirs = other.streams.get(m.kind);
      if (theirs === undefined) throw new ApiError('API_ERR_UNKNOWN_STREAM', { field: 'to', detail: `leg ${other.id} has no ${m.kind} stream` });
      if (leg.keying === 'sdes' && own.srtp && own.srtpRelayLeg === null) {
        if (type === 'answer') {
          if (own.sdesPending === null) throw new ApiError('API_ERR_NO_PENDING_OFFER', { field: 'type' });
          // Port 0 declines the stream; otherwise the answer must match our offer.
          if (!m.declined) answerLines.set(m.index, checkSdesAnswer(this.host.keys, own.sdesPending, m.crypto, m.kind));
        } else if (m.crypto.length === 0) {
          throw new ApiError('API_ERR_MISSING_CRYPTO', { field: 'sdp', detail: `${m.kind} m-line` });
        }
      }
      // An answer cannot carry our SDES offer to a leg without keys: that leg must be offered to first.
      if (type === 'answer' && other.keying === 'sdes' && theirs.srtp && theirs.srtpRelayLeg === null && this.wantsSrtp(rec, other, theirs)) {
        throw new ApiError('API_ERR_SDES_PENDING', { field: 'to' });
      }
    }
    return answerLines;
  }

  private async applyThisSide(rec: CallRecord, leg: LegRecord, parsed: ParsedSdp, type: SdpRequest['type'], answerLines: ReadonlyMap<number, string>): Promise<void> {
    const { host } = this;
    for (const m of parsed.media) {
      const own = leg.streams.get(m.kind) as StreamMedia;
      if (leg.keying === 'sdes' && own.srtp && own.srtpRelayLeg === null) {
        own.remote = m.remote;
        if (type === 'answer') {
          const line = answerLines.get(m.index);
          if (line === undefined) declineSdesOffer(rec, own);
          else await completeSdesAnswer(host.keys, rec, leg, own, line);
        } else {
          await this.answerOffer(rec, leg, own, m.crypto);
        }
      } else if (m.remote !== null) {
        await host.plumbing.setRemote(rec, own, m.remote);
      }
      if (type === 'offer' && m.firstCryptoTag !== null) own.offerTag = m.firstCryptoTag;
    }
  }

  /** The endpoint's SDES offer: our answer, and its leg opened (on our reserved ports after glare). */
  private async answerOffer(rec: CallRecord, leg: LegRecord, own: StreamMedia, crypto: readonly string[]): Promise<void> {
    const answer = withField('sdp', () => this.host.keys.sdesAnswer(crypto));
    const reservation = takeOverPending(own, this.host.logger, rec.id);
    try {
      await openSrtpRelayLeg(rec, leg, own, answer.receive, answer.send, reservation);
    } catch (err) {
      answer.send.release();
      if (reservation !== undefined && !rec.relay.closed) rec.relay.cancelReservation(reservation);
      throw err;
    } finally {
      answer.receive.release();
    }
    own.sdesSend = { tag: answer.tag, set: answer.send };
  }

  /** The other side's m-lines: relay address and ports, transport, a=crypto (or our SDES offer). */
  private targetsFor(rec: CallRecord, leg: LegRecord, other: LegRecord, parsed: ParsedSdp, type: SdpRequest['type']): Map<number, SdpTarget> {
    const { host } = this;
    const targets = new Map<number, SdpTarget>();
    for (const m of parsed.media) {
      const theirs = other.streams.get(m.kind) as StreamMedia;
      // A stream the answerer rejected stays rejected toward the offerer (port 0).
      if (type === 'answer' && m.declined) continue;
      if (type === 'offer' && other.keying === 'sdes' && theirs.srtp && theirs.srtpRelayLeg === null && this.wantsSrtp(rec, other, theirs)) {
        const own = leg.streams.get(m.kind) as StreamMedia;
        const pending = pendingOffer(host.keys, rec, theirs, own.suite);
        const r = pending.reservation;
        targets.set(m.index, { address: host.advertiseAddress, rtpPort: r.rtpPort, rtcpPort: r.rtcpPort, rtcpMux: r.rtcpMux, srtp: true, crypto: pending.offer.lines });
        continue;
      }
      const relayLeg = theirs.active ?? theirs.srtpRelayLeg ?? theirs.rtpRelayLeg;
      const local = relayLeg === null ? undefined : rec.locals.get(relayLeg);
      if (relayLeg === null || local === undefined) continue;
      const srtp = relayLeg === theirs.srtpRelayLeg;
      const line = srtp ? this.cryptoLineFor(rec, theirs) : null;
      targets.set(m.index, { address: host.advertiseAddress, rtpPort: local.rtpPort, rtcpPort: local.rtcpPort, rtcpMux: theirs.rtcpMux, srtp, crypto: line === null ? [] : [line] });
    }
    return targets;
  }

  /** Whether the plan keeps the leg's stream on SRTP (not dropped to RTP by policy `rtp`). */
  private wantsSrtp(rec: CallRecord, leg: LegRecord, media: StreamMedia): boolean {
    return rec.transports.get(`${leg.id}/${media.kind}`) !== 'rtp';
  }

  /** Our a=crypto line toward an endpoint: SDES, the relay's send set; managed, the endpoint's receive set. */
  private cryptoLineFor(rec: CallRecord, media: StreamMedia): string | null {
    if (media.sdesSend !== null) return formatCryptoAttribute(media.sdesSend.tag, media.sdesSend.set);
    if (media.keyLegId !== null) {
      const k = this.host.keys.endpointKeys(rec.id, 'A', media.keyLegId).find((s) => s.stream === media.kind);
      if (k !== undefined) return formatCryptoAttribute(media.offerTag ?? 1, k.receive);
    }
    return null;
  }
}
