/**
 * The relay as the WebRTC offerer (a SIP phone's offer toward a browser; rtpengine's `WebRTC`
 * flag). RFC 8842 §5.2: the offer says `a=setup:actpass` and the answer's `active`/`passive`
 * decides who is the DTLS client, so the relay leg cannot open with the offer: the offer
 * reserves its ports (the candidate and `m=` port the browser will check), and the leg opens
 * on them, with the browser's ICE credentials, fingerprint and role, when the answer comes back.
 * Keys exist only after that handshake (security status `dtls_pending` until then).
 */
import type { MediaDescription } from 'sdp-transform';
import { DTLS_PROFILE_PREFERENCE } from '../dtls/dtls-profiles';
import { DTLS_KEYING_PROFILE } from '../dtls/dtls-leg-keying';
import { createIceCredentials, type IceCredentials } from '../dtls/ice-lite';
import { readWebrtcMedia, writeWebrtcSdp, type WebrtcCodec, type WebrtcPeerMedia } from '../dtls/webrtc-sdp';
import type { PortReservation } from '../relay';
import type { CallSession } from './call-session';
import { ControlError } from './errors';
import type { SessionStream } from './session-stream';
import { STATIC_PAYLOADS } from './webrtc-side';

export interface PendingWebrtcOffer {
  readonly reservation: PortReservation;
  readonly ice: IceCredentials;
  readonly mid: string;
  readonly codecs: readonly WebrtcCodec[];
}

/** The codecs of a SIP offer's m-line, as a WebRTC offer carries them (same payload types). */
export function sipOfferCodecs(m: MediaDescription): WebrtcCodec[] {
  const payloads = String(m.payloads ?? '').split(/\s+/).filter((p) => p.length > 0).map(Number);
  return payloads.flatMap((pt): WebrtcCodec[] => {
    const r = m.rtp.find((x) => x.payload === pt);
    const fmtp = m.fmtp.find((f) => f.payload === pt)?.config;
    const base = r !== undefined ? { name: r.codec, rate: r.rate ?? 8000, ...(r.encoding !== undefined ? { channels: Number(r.encoding) } : {}) } : STATIC_PAYLOADS[pt];
    return base === undefined ? [] : [{ payload: pt, ...base, ...(fmtp !== undefined ? { fmtp } : {}) }];
  });
}

/**
 * The relay's WebRTC offer to `stream`'s peer for the SIP offer's audio m-line `sip`: ports
 * reserved once (a repeated offer before the answer repeats them), ICE-lite credentials, the
 * relay certificate's fingerprint, `actpass`, one bundled audio m-line.
 */
export async function relayWebrtcOffer(session: CallSession, stream: SessionStream, sip: MediaDescription): Promise<string> {
  const codecs = sipOfferCodecs(sip);
  if (codecs.length === 0) throw new ControlError('API_ERR_NO_COMMON_CODEC', { field: 'sdp', detail: 'the offer names no codec a WebRTC peer could be offered' });
  const certificate = await session.context.dtlsCertificate();
  const pending = stream.webrtcOffer ?? { reservation: session.relayCall.reservePorts(true), ice: createIceCredentials(), mid: '0', codecs };
  stream.webrtcOffer = { ...pending, codecs };
  return writeWebrtcSdp({
    address: session.context.advertiseAddress, port: pending.reservation.rtpPort, ice: pending.ice, fingerprint: certificate.fingerprint,
    setup: 'actpass', mid: pending.mid, codecs, direction: (sip.direction ?? 'sendrecv') as WebrtcPeerMedia['direction'], sessionId: String(Date.now()),
  });
}

/** Checks the peer's answer to our pending offer; no side effect. */
export function readWebrtcAnswer(stream: SessionStream, sdp: string): WebrtcPeerMedia {
  if (stream.webrtcOffer === null) throw new ControlError('API_ERR_NO_PENDING_OFFER', { field: 'type' });
  let media: WebrtcPeerMedia;
  try {
    media = readWebrtcMedia(sdp);
  } catch (err) {
    throw new ControlError('API_ERR_BAD_SDP', { field: 'sdp', detail: (err as Error).message });
  }
  // RFC 8842 §5.3: the answerer picks a role; actpass in an answer is invalid.
  if (media.setup === 'actpass') throw new ControlError('API_ERR_BAD_SDP', { field: 'sdp', detail: 'a=setup:actpass in an answer (RFC 8842 §5.3)' });
  if (!media.rtcpMux) throw new ControlError('API_ERR_BAD_SDP', { field: 'sdp', detail: 'a WebRTC answer must use rtcp-mux (RFC 8834 §5.1.1)' });
  if (!media.codecs.some((c) => stream.webrtcOffer?.codecs.some((o) => o.payload === c.payload))) {
    throw new ControlError('API_ERR_NO_COMMON_CODEC', { field: 'sdp', detail: 'the WebRTC answer keeps none of the offered codecs' });
  }
  return media;
}

/** The peer answered: open the WebRTC relay leg on the reserved ports with its credentials and the role it left us. */
export async function openFromWebrtcAnswer(session: CallSession, stream: SessionStream, media: WebrtcPeerMedia): Promise<void> {
  const offer = stream.webrtcOffer;
  if (offer === null) throw new ControlError('API_ERR_NO_PENDING_OFFER', { field: 'type' });
  const certificate = await session.context.dtlsCertificate();
  const role = media.setup === 'active' ? 'server' : 'client';
  stream.webrtcOffer = null;
  try {
    await stream.openWebrtc({
      role, ice: offer.ice, remoteUfrag: media.ufrag, remoteFingerprints: media.fingerprints,
      profiles: DTLS_PROFILE_PREFERENCE, certificate,
    }, DTLS_KEYING_PROFILE, offer.reservation);
  } catch (err) {
    if (!session.relayCall.closed) session.relayCall.cancelReservation(offer.reservation);
    throw err;
  }
  stream.webrtcSide = {
    ice: offer.ice, fingerprint: certificate.fingerprint, setup: role === 'server' ? 'passive' : 'active', mid: media.mid ?? offer.mid,
    codecs: offer.codecs, direction: media.direction, sessionId: String(Date.now()), peerUfrag: media.ufrag,
  };
}
