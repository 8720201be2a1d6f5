/**
 * An endpoint's SDP offer or answer in, the SDP for the other leg out.
 *
 * This side: an SDES leg without keys gets the relay's SDES answer to its offer (or, when the
 * relay offered to it first, its answer completes that offer: sdes-offer.ts); every stream takes
 * the signaled address. The other side: the relay's address and that leg's ports, transport and
 * a=crypto line — and when that leg is SDES without keys, the relay's own SDES offer on reserved
 * ports. Everything is validated before anything changes.
 *
 * Verified passthrough (`offerPeerKeys`): when both legs are SDES without keys, the offer toward
 * the other leg carries the offering endpoint's own keys instead of the relay's; the offerer's
 * stream opens when the answer comes back, inbound = the offerer's line the answer picked,
 * outbound = the answerer's key. Each relay leg's outbound is then exactly what the receiving
 * endpoint expects from the other one, so the relay pairs them in passthrough (docs/relay.md:
 * every tag and replay window still checked) and never protects with a key of its own there.
 */
import { formatCryptoAttribute } from '../keys';
import type { CallSession } from './call-session';
import { ControlError, withField } from './errors';
import { parseEndpointSdp, writeSdpFor, type ParsedSdp, type SdpTarget } from './sdp-rewrite';
import { checkSdesAnswer, declineSdesOffer, offeredKeySets, openSdesAnswer, pendingOffer, pendingPassthroughOffer, takeOverPending, takeSdesAnswer } from './sdes-offer';
import { copyKeySet } from './session-keys';
import type { SessionLeg } from './session-leg';
import type { SessionStream } from './session-stream';
import type { SdpResult } from './session-view';
import { checkWebrtcExchange, sipAudioMedia, webrtcAnswerFor, webrtcOfferMedia } from './webrtc-exchange';
import { openFromWebrtcAnswer, readWebrtcAnswer, relayWebrtcOffer, sipOfferCodecs } from './webrtc-offer';

export interface SdpRequest {
  readonly type: 'offer' | 'answer';
  readonly sdp: string;
  readonly to?: string;
  /**
   * When the relay offers SDES to the other leg: exactly these suites, in this order (those the
   * policy accepts). Default: the offering leg's suite first, then the policy's order.
   */
  readonly offerSuites?: readonly string[];
  /**
   * Offer the other leg the offering endpoint's own SDES keys (verified passthrough) instead of
   * fresh relay keys, for each stream where both legs are SDES, neither has keys yet and no offer
   * of ours is pending; other streams as usual. Only the offered lines within `offerSuites` (and
   * the policy) are passed on. Offers only.
   */
  readonly offerPeerKeys?: boolean;
}

/** `given`: `parseEndpointSdp(req.sdp)` when the caller parsed it already (ng reads the offer first), so it is not parsed twice. */
export function processSdp(session: CallSession, legId: string, req: SdpRequest, given?: ParsedSdp): Promise<SdpResult> {
  return session.exclusive(async () => {
    session.assertLive();
    const leg = session.mustLeg(legId);
    const others = session.legs().filter((l) => l.id !== legId);
    const other = req.to !== undefined ? session.leg(req.to) : others.length === 1 ? others[0] : undefined;
    if (other === undefined || other.id === legId) throw new ControlError('API_ERR_NO_PEER_LEG', { field: 'to' });
    const webrtc = leg.keying === 'dtls' || other.keying === 'dtls';
    if (webrtc) checkWebrtcExchange(leg, other, req.type, req.sdp);
    // docs/webrtc.md "SDP exchange": one audio stream crosses between a WebRTC leg and a SIP leg.
    const relayOffers = other.keying === 'dtls' && req.type === 'offer';
    const webrtcAnswered = leg.keying === 'dtls' && req.type === 'answer' ? readWebrtcAnswer(leg.stream('audio') as SessionStream, req.sdp) : null;
    const full = given ?? parseEndpointSdp(req.sdp);
    const parsed = leg.keying === 'dtls' ? webrtcOfferMedia(full, leg.stream('audio')?.webrtcSide ?? null) : relayOffers ? sipAudioMedia(full) : full;
    const answerLines = validate(session, leg, other, parsed, req);
    // The WebRTC answer is written (codecs checked) before anything of this side changes.
    const webrtcAnswer = other.keying === 'dtls' && req.type === 'answer' ? webrtcAnswerFor(session, other.stream('audio') as SessionStream, parsed) : null;
    if (relayOffers && sipOfferCodecs(parsed.session.media[parsed.media[0].index]).length === 0) {
      throw new ControlError('API_ERR_NO_COMMON_CODEC', { field: 'sdp', detail: 'the offer names no codec a WebRTC peer could be offered' });
    }
    if (webrtcAnswered !== null) await openFromWebrtcAnswer(session, leg.stream('audio') as SessionStream, webrtcAnswered);
    else if (leg.keying !== 'dtls') await applyThisSide(session, leg, other, parsed, req, answerLines);
    await session.applyPlan();
    const sdp = relayOffers
      ? await relayWebrtcOffer(session, other.stream('audio') as SessionStream, parsed.session.media[parsed.media[0].index])
      : webrtcAnswer ?? writeSdpFor(parsed, targetsFor(session, leg, other, parsed, req), session.context.advertiseAddress);
    session.notify('legupdated', { callId: session.id, legId });
    return { type: req.type, for: other.id, sdp };
  });
}

/** Whether the plan keeps the leg's stream on SRTP (not dropped to RTP by policy `rtp`). */
function wantsSrtp(media: SessionStream): boolean {
  return media.transport !== 'rtp';
}

/** Whether this offer's stream passes the offerer's own keys on (see `offerPeerKeys`). */
function passesPeerKeys(leg: SessionLeg, other: SessionLeg, kind: SessionStream['kind'], req: SdpRequest): boolean {
  if (req.type !== 'offer' || req.offerPeerKeys !== true || leg.keying !== 'sdes' || other.keying !== 'sdes') return false;
  const own = leg.stream(kind);
  const theirs = other.stream(kind);
  return own !== undefined && theirs !== undefined && own.awaitingKeys && own.pending === null && wantsSrtp(own)
    && theirs.awaitingKeys && theirs.pending === null && wantsSrtp(theirs);
}

/** Every check that needs no side effect; returns the checked SDES answer line per m-line index. */
function validate(session: CallSession, leg: SessionLeg, other: SessionLeg, parsed: ParsedSdp, req: SdpRequest): Map<number, string> {
  const type = req.type;
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
      } else if (passesPeerKeys(leg, other, m.kind, req)) {
        // Parsed only to check that some line can be passed on; wiped at once.
        for (const set of offeredKeySets(session.context.keys, m.crypto, req.offerSuites).values()) set.release();
      }
    }
    // An answer cannot carry our SDES offer to a leg without keys: that leg must be offered to
    // first. A leg whose own keys we passed on opens with this answer (passthrough).
    if (type === 'answer' && other.keying === 'sdes' && theirs.awaitingKeys && wantsSrtp(theirs) && theirs.offeredKeys === null) {
      throw new ControlError('API_ERR_SDES_PENDING', { field: 'to' });
    }
  }
  return answerLines;
}

async function applyThisSide(session: CallSession, leg: SessionLeg, other: SessionLeg, parsed: ParsedSdp, req: SdpRequest, answerLines: ReadonlyMap<number, string>): Promise<void> {
  const { keys, logger } = session.context;
  const type = req.type;
  for (const m of parsed.media) {
    const own = leg.stream(m.kind) as SessionStream;
    if (leg.keying === 'sdes' && own.awaitingKeys) {
      await own.setRemote(m.remote);
      if (type === 'answer') {
        const line = answerLines.get(m.index);
        if (line !== undefined) await openAnswered(session, own, line, other.stream(m.kind));
        else {
          declineSdesOffer(session.relayCall, own);
          // Declined: the offerer's keys we passed on are wiped; its stream stays without keys.
          other.stream(m.kind)?.releaseOfferedKeys();
        }
      } else if (passesPeerKeys(leg, other, m.kind, req)) {
        // Held until the other leg's answer picks one (openAnswered); nothing opens yet.
        own.setOfferedKeys(offeredKeySets(keys, m.crypto, req.offerSuites));
      } else {
        const passedOn = own.takeOfferedKeys();
        if (passedOn !== null) {
          // A new offer before the answer to the one whose keys we passed on: that pass-on offer
          // is withdrawn (its copies wiped, ports given back) and the other leg gets our own.
          for (const set of passedOn.values()) set.release();
          const theirs = other.stream(m.kind);
          if (theirs !== undefined) declineSdesOffer(session.relayCall, theirs);
        }
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

/**
 * The answer to our SDES offer: `answered` (the stream the offer went to) opens on the ports the
 * offer named. Passthrough: when the offer carried the offerer's own keys, the offerer's stream
 * opens too, with its own line of the tag the answer picked inbound and the answerer's key
 * outbound (a copy: each stream wipes its own); the unpicked lines are wiped. Both relay legs
 * open at once (one message to the media worker, not one round trip after the other). Failure
 * ends as opening them one after the other would: `answered` failing leaves neither open (the
 * offerer's leg, if it opened, is removed again; the offer cannot be completed any more, so the
 * passed-on keys are wiped) and throws its error; only the offerer's failing leaves `answered`
 * open and throws that error.
 */
async function openAnswered(session: CallSession, answered: SessionStream, line: string, offerer: SessionStream | undefined): Promise<void> {
  const relay = session.relayCall;
  const { negotiated, reservation } = takeSdesAnswer(session.context.keys, answered, line);
  const offered = offerer?.takeOfferedKeys() ?? null;
  const inbound = offered?.get(negotiated.tag);
  for (const [tag, set] of offered ?? []) if (tag !== negotiated.tag) set.release();
  if (offerer === undefined || inbound === undefined) {
    await openSdesAnswer(relay, answered, negotiated, reservation);
    return;
  }
  const suiteBefore = offerer.suite;
  const outbound = copyKeySet(negotiated.receive);
  const [own, theirs] = await Promise.allSettled([
    openSdesAnswer(relay, answered, negotiated, reservation),
    offerer.openSdes(inbound, outbound, negotiated.tag),
  ]);
  if (own.status === 'rejected') {
    if (theirs.status === 'fulfilled') await offerer.undoSdes(suiteBefore);
    throw own.reason;
  }
  if (theirs.status === 'rejected') throw theirs.reason;
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
      const offered = own.offeredKeys;
      const pending = offered !== null && own.awaitingKeys
        ? pendingPassthroughOffer(session.relayCall, theirs, offered)
        : pendingOffer(keys, session.relayCall, theirs, own.suite, req.offerSuites);
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
