/**
 * An endpoint's SDP offer or answer in, the SDP for the other leg out.
 *
 * This side: an SDES leg without keys gets the relay's SDES answer to its offer (or, when the
 * relay offered to it first, its answer completes that offer: sdes-offer.ts); every stream takes
 * the signaled address. The other side: the relay's address and that leg's ports, transport and
 * a=crypto line — and when that leg is SDES without keys, the relay's own SDES offer on reserved
 * ports. Everything is validated before anything changes.
 */
import { formatCryptoAttribute } from '../keys';
import type { CallSession } from './call-session';
import { ControlError, withField } from './errors';
import { parseEndpointSdp, writeSdpFor, type ParsedSdp, type SdpTarget } from './sdp-rewrite';
import { checkSdesAnswer, completeSdesAnswer, declineSdesOffer, pendingOffer, takeOverPending } from './sdes-offer';
import type { SessionLeg } from './session-leg';
import type { SessionStream } from './session-stream';
import type { SdpResult } from './session-view';

export interface SdpRequest {
  readonly type: 'offer' | 'answer';
  readonly sdp: string;
  readonly to?: string;
  /**
   * When the relay offers SDES to the other leg: exactly these suites, in this order (those the
   * policy accepts). Default: the offering leg's suite first, then the policy's order.
   */
  readonly offerSuites?: readonly string[];
}

export function processSdp(session: CallSession, legId: string, req: SdpRequest): Promise<SdpResult> {
  return session.exclusive(async () => {
    session.assertLive();
    const leg = session.mustLeg(legId);
    const others = session.legs().filter((l) => l.id !== legId);
    const other = req.to !== undefined ? session.leg(req.to) : others.length === 1 ? others[0] : undefined;
    if (other === undefined || other.id === legId) throw new ControlError('API_ERR_NO_PEER_LEG', { field: 'to' });
    const parsed = parseEndpointSdp(req.sdp);
    const answerLines = validate(session, leg, other, parsed, req.type);
    await applyThisSide(session, leg, parsed, req.type, answerLines);
    await session.applyPlan();
    const targets = targetsFor(session, leg, other, parsed, req);
    session.notify('legupdated', { callId: session.id, legId });
    return { type: req.type, for: other.id, sdp: writeSdpFor(parsed, targets, session.context.advertiseAddress) };
  });
}

/** Whether the plan keeps the leg's stream on SRTP (not dropped to RTP by policy `rtp`). */
function wantsSrtp(media: SessionStream): boolean {
  return media.transport !== 'rtp';
}

/** Every check that needs no side effect; returns the checked SDES answer line per m-line index. */
function validate(session: CallSession, leg: SessionLeg, other: SessionLeg, parsed: ParsedSdp, type: SdpRequest['type']): Map<number, string> {
  const answerLines = new Map<number, string>();
  for (const m of parsed.media) {
    const own = leg.stream(m.kind);
    if (own === undefined) throw new ControlError('API_ERR_UNKNOWN_STREAM', { field: 'sdp', detail: `leg ${leg.id} has no ${m.kind} stream` });
    const theirs = other.stream(m.kind);
    if (theirs === undefined) throw new ControlError('API_ERR_UNKNOWN_STREAM', { field: 'to', detail: `leg ${other.id} has no ${m.kind} stream` });
    if (leg.keying === 'sdes' && own.awaitingKeys) {
      if (type === 'answer') {
        if (own.pending === null) throw new ControlError('API_ERR_NO_PENDING_OFFER', { field: 'type' });
        // Port 0 declines the stream; otherwise the answer must match our offer.
        if (!m.declined) answerLines.set(m.index, checkSdesAnswer(session.context.keys, own.pending, m.crypto, m.kind));
      } else if (m.crypto.length === 0) {
        throw new ControlError('API_ERR_MISSING_CRYPTO', { field: 'sdp', detail: `${m.kind} m-line` });
      }
    }
    // An answer cannot carry our SDES offer to a leg without keys: that leg must be offered to first.
    if (type === 'answer' && other.keying === 'sdes' && theirs.awaitingKeys && wantsSrtp(theirs)) {
      throw new ControlError('API_ERR_SDES_PENDING', { field: 'to' });
    }
  }
  return answerLines;
}

async function applyThisSide(session: CallSession, leg: SessionLeg, parsed: ParsedSdp, type: SdpRequest['type'], answerLines: ReadonlyMap<number, string>): Promise<void> {
  const { keys, logger } = session.context;
  for (const m of parsed.media) {
    const own = leg.stream(m.kind) as SessionStream;
    if (leg.keying === 'sdes' && own.awaitingKeys) {
      await own.setRemote(m.remote);
      if (type === 'answer') {
        const line = answerLines.get(m.index);
        if (line === undefined) declineSdesOffer(session.relayCall, own);
        else await completeSdesAnswer(keys, session.relayCall, own, line);
      } else {
        // The endpoint's SDES offer: our answer, its stream opened (on our reserved ports after glare).
        const answer = withField('sdp', () => keys.sdesAnswer(m.crypto));
        const reservation = takeOverPending(own, logger, session.id);
        try {
          await own.openSdes(answer.receive, answer.send, answer.tag, reservation);
        } catch (err) {
          if (reservation !== undefined && !session.relayCall.closed) session.relayCall.cancelReservation(reservation);
          throw err;
        }
      }
    } else if (m.remote !== null) {
      await own.setRemote(m.remote);
    }
    if (type === 'offer' && m.firstCryptoTag !== null) own.setOfferTag(m.firstCryptoTag);
  }
}

/** The other side's m-lines: relay address and ports, transport, a=crypto (or our SDES offer). */
function targetsFor(session: CallSession, leg: SessionLeg, other: SessionLeg, parsed: ParsedSdp, req: SdpRequest): Map<number, SdpTarget> {
  const type = req.type;
  const { keys, advertiseAddress } = session.context;
  const targets = new Map<number, SdpTarget>();
  for (const m of parsed.media) {
    const theirs = other.stream(m.kind) as SessionStream;
    // A stream the answerer rejected stays rejected toward the offerer (port 0).
    if (type === 'answer' && m.declined) continue;
    if (type === 'offer' && other.keying === 'sdes' && theirs.awaitingKeys && wantsSrtp(theirs)) {
      const own = leg.stream(m.kind) as SessionStream;
      const pending = pendingOffer(keys, session.relayCall, theirs, own.suite, req.offerSuites);
      const r = pending.reservation;
      targets.set(m.index, { address: advertiseAddress, rtpPort: r.rtpPort, rtcpPort: r.rtcpPort, rtcpMux: r.rtcpMux, srtp: true, crypto: pending.offer.lines });
      continue;
    }
    const relayLeg = theirs.active ?? theirs.srtpRelayLeg ?? theirs.rtpRelayLeg;
    const local = relayLeg === null ? undefined : session.relayLegs.local(relayLeg);
    if (relayLeg === null || local === undefined) continue;
    const srtp = relayLeg === theirs.srtpRelayLeg;
    const line = srtp ? cryptoLineFor(session, theirs) : null;
    targets.set(m.index, { address: advertiseAddress, rtpPort: local.rtpPort, rtcpPort: local.rtcpPort, rtcpMux: theirs.rtcpMux, srtp, crypto: line === null ? [] : [line] });
  }
  return targets;
}

/** Our a=crypto line toward an endpoint: SDES, the relay's send set; managed (call or leg scope), the endpoint's receive set. */
function cryptoLineFor(session: CallSession, media: SessionStream): string | null {
  const sdes = media.sdesSend;
  if (sdes !== null) {
    const set = session.keys.keySet(sdes.keySetId);
    return set === undefined ? null : formatCryptoAttribute(sdes.tag, set);
  }
  if (media.callKeys !== null) {
    const k = session.keying.callKeys(media.kind)?.endpoint(media.callKeys.side);
    if (k !== undefined) return formatCryptoAttribute(media.offerTag ?? 1, k.receive);
  }
  if (media.keyLegId !== null) {
    const k = session.keying.endpointKeys(media.keyLegId, media.kind);
    if (k !== undefined) return formatCryptoAttribute(media.offerTag ?? 1, k.receive);
  }
  return null;
}
