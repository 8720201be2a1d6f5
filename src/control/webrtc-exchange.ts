/**
 * SDP exchange with a WebRTC (keying `dtls`) leg on one side (sdp-exchange.ts calls these):
 *
 * - the WebRTC peer's offer toward a SIP leg: the leg's stream was opened from this same offer
 *   (ICE-lite + DTLS in the worker), so only its first active audio m-line is carried on; the SIP
 *   side gets it rewritten as SDES or plain RTP (sdp-rewrite.ts drops ICE, DTLS, BUNDLE, mid);
 * - the SIP leg's answer toward the WebRTC peer: the relay's WebRTC answer (webrtc-side.ts) with
 *   the offered codecs the SIP side kept (no transcoding: none in common is refused).
 *
 * - a SIP leg's offer toward a WebRTC leg that has not opened yet: the relay's own WebRTC offer
 *   (webrtc-offer.ts); the peer's answer opens the leg and becomes the SIP answer.
 */
import { readWebrtcMedia } from '../dtls/webrtc-sdp';
import type { MediaDescription } from 'sdp-transform';
import type { CallSession } from './call-session';
import { ControlError } from './errors';
import type { ParsedSdp } from './sdp-rewrite';
import type { SessionLeg } from './session-leg';
import type { SessionStream } from './session-stream';
import { STATIC_PAYLOADS, writeWebrtcAnswer, type WebrtcSide } from './webrtc-side';


/** The exchanges with a WebRTC leg the relay does; anything else is API_ERR_BAD_SDP naming it. */
export function checkWebrtcExchange(leg: SessionLeg, other: SessionLeg, type: 'offer' | 'answer', sdp: string): void {
  if (leg.keying === 'dtls' && other.keying === 'dtls') {
    throw new ControlError('API_ERR_BAD_SDP', { field: 'to', detail: 'SDP rewriting between two dtls (WebRTC) legs is not supported: each leg answers its own peer (POST .../legs)' });
  }
  if (leg.keying === 'dtls') {
    if (type === 'answer') {
      // The peer's answer to the relay's offer (webrtc-offer.ts); checked in full by readWebrtcAnswer.
      if ((leg.stream('audio')?.webrtcOffer ?? null) === null) throw new ControlError('API_ERR_NO_PENDING_OFFER', { field: 'type' });
      return;
    }
    const side = leg.stream('audio')?.webrtcSide ?? null;
    let ufrag: string;
    try {
      ufrag = readWebrtcMedia(sdp).ufrag;
    } catch (err) {
      throw new ControlError('API_ERR_BAD_SDP', { field: 'sdp', detail: (err as Error).message });
    }
    if (side === null || side.peerUfrag !== ufrag) {
      throw new ControlError('API_ERR_BAD_SDP', { field: 'sdp', detail: 'not the offer this WebRTC leg was opened with (an ICE restart needs a new leg)' });
    }
  } else if (type === 'offer' && other.stream('audio')?.srtpRelayLeg !== null) {
    // The relay offers to a WebRTC peer only before its leg opened; a re-offer toward a connected
    // peer (new codecs, hold) would need a new ICE/DTLS negotiation: not supported.
    throw new ControlError('API_ERR_BAD_SDP', { field: 'to', detail: 'a re-offer toward a connected WebRTC leg is not supported' });
  }
}

/** The SIP offer's audio m-line, for the relay's WebRTC offer; none is API_ERR_UNKNOWN_STREAM. */
export function sipAudioMedia(parsed: ParsedSdp): ParsedSdp {
  const audio = parsed.media.find((m) => m.kind === 'audio' && !m.declined);
  if (audio === undefined) throw new ControlError('API_ERR_UNKNOWN_STREAM', { field: 'sdp', detail: 'a WebRTC peer is offered one audio stream; the offer has none' });
  return { session: parsed.session, media: [audio] };
}

/**
 * A WebRTC offer carries one audio stream through the relay: the first active audio m-line (the
 * rest are declined toward the SIP side), with only the codecs the WebRTC leg accepts (its
 * request's `codecs`), so the SIP side cannot pick one the relay could not answer.
 */
export function webrtcOfferMedia(parsed: ParsedSdp, side: WebrtcSide | null): ParsedSdp {
  const audio = parsed.media.find((m) => m.kind === 'audio' && !m.declined);
  if (audio === undefined || side === null) return { session: parsed.session, media: audio === undefined ? [] : [audio] };
  const keep = new Set(side.codecs.map((c) => c.payload));
  const media = parsed.session.media.map((m, i) => (i !== audio.index ? m : {
    ...m,
    payloads: String(m.payloads ?? '').split(/\s+/).filter((p) => keep.has(Number(p))).join(' '),
    rtp: m.rtp.filter((r) => keep.has(r.payload)),
    fmtp: m.fmtp.filter((f) => keep.has(f.payload)),
  }));
  return { session: { ...parsed.session, media }, media: [audio] };
}

/** The codecs of an answer's m-line (a=rtpmap, or the static payload types). */
export function answeredCodecs(m: MediaDescription): { name: string; rate: number }[] {
  const payloads = String(m.payloads ?? '').split(/\s+/).filter((p) => p.length > 0).map(Number);
  return payloads.flatMap((pt) => {
    const r = m.rtp.find((x) => x.payload === pt);
    if (r !== undefined) return [{ name: r.codec, rate: r.rate ?? 8000 }];
    const s = STATIC_PAYLOADS[pt];
    return s === undefined ? [] : [s];
  });
}

/** The relay's answer to the WebRTC peer once the SIP side answered (`parsed`): its codecs, the peer's payload types. */
export function webrtcAnswerFor(session: CallSession, webrtc: SessionStream, parsed: ParsedSdp): string {
  const side = webrtc.webrtcSide;
  const local = webrtc.srtpRelayLeg === null ? undefined : session.relayLegs.local(webrtc.srtpRelayLeg);
  if (side === null || local === undefined) throw new ControlError('API_ERR_INTERNAL');
  const answered = parsed.media.find((m) => m.kind === 'audio');
  const codecs = answered === undefined || answered.declined ? [] : answeredCodecs(parsed.session.media[answered.index]);
  return writeWebrtcAnswer(side, session.context.advertiseAddress, local.rtpPort, codecs);
}
