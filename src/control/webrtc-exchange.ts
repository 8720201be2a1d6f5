/**
 * SDP exchange with a WebRTC (keying `dtls`) leg on one side (sdp-exchange.ts calls these):
 *
 * - the WebRTC peer's offer toward a SIP leg: the leg's stream was opened from this same offer
 *   (ICE-lite + DTLS in the worker), so only its first active audio m-line is carried on; the SIP
 *   side gets it rewritten as SDES or plain RTP (sdp-rewrite.ts drops ICE, DTLS, BUNDLE, mid);
 * - the SIP leg's answer toward the WebRTC peer: the relay's WebRTC answer (webrtc-side.ts) with
 *   the offered codecs the SIP side kept (no transcoding: none in common is refused).
 *
 * The relay as the WebRTC offerer (a SIP offer toward a browser) is not done yet: refused.
 */
import { readWebrtcMedia } from '../dtls/webrtc-sdp';
import type { MediaDescription } from 'sdp-transform';
import type { CallSession } from './call-session';
import { ControlError } from './errors';
import type { ParsedSdp } from './sdp-rewrite';
import type { SessionLeg } from './session-leg';
import type { SessionStream } from './session-stream';
import { writeWebrtcAnswer, type WebrtcSide } from './webrtc-side';

/** RFC 3551 §6 static payload types a SIP answer may use without a=rtpmap. */
const STATIC_PAYLOADS: Readonly<Record<number, { name: string; rate: number }>> = {
  0: { name: 'PCMU', rate: 8000 }, 3: { name: 'GSM', rate: 8000 }, 4: { name: 'G723', rate: 8000 }, 8: { name: 'PCMA', rate: 8000 },
  9: { name: 'G722', rate: 8000 }, 13: { name: 'CN', rate: 8000 }, 18: { name: 'G729', rate: 8000 },
};

/** The exchanges with a WebRTC leg the relay does; anything else is API_ERR_BAD_SDP naming it. */
export function checkWebrtcExchange(leg: SessionLeg, other: SessionLeg, type: 'offer' | 'answer', sdp: string): void {
  if (leg.keying === 'dtls' && other.keying === 'dtls') {
    throw new ControlError('API_ERR_BAD_SDP', { field: 'to', detail: 'SDP rewriting between two dtls (WebRTC) legs is not supported: each leg answers its own peer (POST .../legs)' });
  }
  if (leg.keying === 'dtls') {
    if (type === 'answer') throw new ControlError('API_ERR_BAD_SDP', { field: 'type', detail: 'the relay does not offer to a WebRTC peer yet, so a WebRTC answer has no offer' });
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
  } else if (type === 'offer') {
    throw new ControlError('API_ERR_BAD_SDP', { field: 'to', detail: 'the relay does not offer to a WebRTC peer yet: the WebRTC side must offer' });
  }
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
