/**
 * Call control's side of a WebRTC leg (keying `dtls`, docs/webrtc.md): the peer's offer is
 * read and checked before anything opens, its one audio stream becomes a relay leg that runs
 * ICE-lite and DTLS-SRTP in the media worker, and the relay's SDP answer goes back to the caller.
 * Codecs are passed through: the answer keeps the offer's codecs the caller allows (the other
 * side's), and none in common is API_ERR_NO_COMMON_CODEC.
 */
import { DTLS_PROFILE_PREFERENCE } from '../dtls/dtls-profiles';
import { createIceCredentials } from '../dtls/ice-lite';
import { readWebrtcMedia, relayDtlsRole, type WebrtcPeerMedia } from '../dtls/webrtc-sdp';
import { writeWebrtcAnswer } from './webrtc-side';
import { DTLS_KEYING_PROFILE } from '../dtls/dtls-leg-keying';
import type { CallSession } from './call-session';
import { ControlError } from './errors';
import type { LegRequest, StreamRequest } from './leg-setup';
import type { SessionStream } from './session-stream';

export interface WebrtcLegRequest {
  /**
   * The WebRTC peer's SDP offer (UDP/TLS/RTP/SAVPF, ICE, DTLS fingerprint, rtcp-mux). Absent: the
   * relay is the offerer (webrtc-offer.ts): nothing opens until the other leg's SDP offer is
   * rewritten for this peer and the peer's answer comes back.
   */
  readonly offer?: string;
  /** The relay's DTLS role when the offer says actpass: passive (DTLS server, default) or active. */
  readonly setup?: 'passive' | 'active';
  /** SRTP profiles for `use_srtp`, in preference order (default: GCM-128, GCM-256, CM-80, CM-32). */
  readonly profiles?: readonly string[];
  /** Encoding names the other side can take (e.g. ["PCMU", "PCMA"]); default: the offer's. */
  readonly codecs?: readonly string[];
}

function readOffer(req: WebrtcLegRequest & { offer: string }, field: string): WebrtcPeerMedia {
  try {
    return readWebrtcMedia(req.offer);
  } catch (err) {
    throw new ControlError('API_ERR_BAD_SDP', { field: `${field}.offer`, detail: (err as Error).message });
  }
}

function codecsFor(media: WebrtcPeerMedia, req: WebrtcLegRequest, field: string): WebrtcPeerMedia['codecs'] {
  const allowed = req.codecs?.map((c) => c.toUpperCase());
  const codecs = media.codecs.filter((c) => allowed === undefined || allowed.includes(c.name.toUpperCase()));
  if (codecs.length === 0) throw new ControlError('API_ERR_NO_COMMON_CODEC', { field: `${field}.codecs`, detail: `offered: ${media.codecs.map((c) => c.name).join(', ') || 'none'}` });
  return codecs;
}

/** Checks for a `dtls` leg request (and that only `dtls` legs carry `webrtc`); no side effect. */
export function validateWebrtc(req: LegRequest, streams: readonly StreamRequest[], prefix: string): void {
  const field = `${prefix}webrtc`;
  if (req.keying !== 'dtls') {
    if (req.webrtc !== undefined) throw new ControlError('API_ERR_BAD_REQUEST', { field, detail: 'webrtc is for keying dtls' });
    return;
  }
  if (req.webrtc === undefined) throw new ControlError('API_ERR_BAD_REQUEST', { field, detail: 'a dtls leg needs the WebRTC offer' });
  if (streams.length !== 1 || streams[0].kind !== 'audio' || streams[0].srtp === false || streams[0].remote !== undefined) {
    throw new ControlError('API_ERR_BAD_REQUEST', { field: `${prefix}streams`, detail: 'a dtls leg has one SRTP audio stream; its remote comes from ICE' });
  }
  if (req.keyingScope !== undefined || req.suites !== undefined || (req.latching !== undefined && req.latching !== 'strict')) {
    throw new ControlError('API_ERR_BAD_REQUEST', { field: prefix.length > 0 ? prefix : 'keying', detail: 'keyingScope, suites and latching do not apply to a dtls leg (profiles: webrtc.profiles)' });
  }
  for (const p of req.webrtc.profiles ?? []) {
    if (!DTLS_PROFILE_PREFERENCE.map((n) => n.toUpperCase()).includes(p.toUpperCase())) {
      throw new ControlError('API_ERR_BAD_REQUEST', { field: `${field}.profiles`, detail: `${p} is not a DTLS-SRTP profile we do (${DTLS_PROFILE_PREFERENCE.join(', ')})` });
    }
  }
  const webrtc = req.webrtc;
  if (webrtc.offer === undefined) {
    if (webrtc.setup !== undefined || webrtc.codecs !== undefined) {
      throw new ControlError('API_ERR_BAD_REQUEST', { field, detail: 'setup and codecs answer a peer\'s offer; without offer the peer\'s answer decides (RFC 8842 §5.2 actpass)' });
    }
    return;
  }
  const media = readOffer({ ...webrtc, offer: webrtc.offer }, field);
  if (!media.rtcpMux) throw new ControlError('API_ERR_BAD_SDP', { field: `${field}.offer`, detail: 'a WebRTC offer must use rtcp-mux (RFC 8834 §5.1.1)' });
  codecsFor(media, webrtc, field);
}

/** Open the stream's WebRTC relay leg; returns the relay's SDP answer for the peer. */
export async function openWebrtcStream(session: CallSession, stream: SessionStream, req: WebrtcLegRequest & { offer: string }, field: string): Promise<string> {
  const media = readOffer(req, field);
  const codecs = codecsFor(media, req, field);
  const certificate = await session.context.dtlsCertificate();
  const ice = createIceCredentials();
  const role = relayDtlsRole(media.setup, req.setup === 'active' ? 'client' : 'server');
  await stream.openWebrtc({
    role, ice, remoteUfrag: media.ufrag, remoteFingerprints: media.fingerprints,
    profiles: req.profiles ?? DTLS_PROFILE_PREFERENCE, certificate,
  }, DTLS_KEYING_PROFILE);
  const local = stream.srtpRelayLeg === null ? undefined : session.relayLegs.local(stream.srtpRelayLeg);
  if (local === undefined) throw new ControlError('API_ERR_INTERNAL');
  stream.webrtcSide = {
    ice, fingerprint: certificate.fingerprint, setup: role === 'server' ? 'passive' : 'active', mid: media.mid ?? '0',
    codecs, direction: media.direction, sessionId: String(Date.now()), peerUfrag: media.ufrag,
  };
  return writeWebrtcAnswer(stream.webrtcSide, session.context.advertiseAddress, local.rtpPort, null);
}
