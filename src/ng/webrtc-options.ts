/**
 * ng's WebRTC options (docs/ng.md "WebRTC"), as rtpengine defines them: the `WebRTC` flag is
 * `transport-protocol: UDP/TLS/RTP/SAVPF` + `ICE: force` + `rtcp-mux: require` + `SDES: off`
 * toward the recipient; `DTLS: passive|active|off` picks the relay's DTLS role toward a WebRTC
 * peer that offers actpass (RFC 8842 §5.3; default passive, the DTLS server; toward a WebRTC
 * recipient the relay offers actpass and the browser's answer decides); `ICE: remove` strips ICE
 * toward a SIP recipient (always done: the relay terminates ICE on the WebRTC leg).
 */
import { NgError, NgErrorCode } from './errors';
import type { NgMediaRequest } from './requests';

/** How an offer's two sides are carried. */
export interface NgWebrtcPlan {
  /** The offerer's first active audio m-line is `UDP/TLS/RTP/SAVP(F)`: the offerer is a WebRTC leg. */
  readonly offererWebrtc: boolean;
  /** The recipient is to get a WebRTC offer (the relay as the DTLS/ICE offerer). */
  readonly recipientWebrtc: boolean;
  /** The relay's role toward a WebRTC offerer that says actpass: `passive` (default) or `active`. */
  readonly setup: 'passive' | 'active';
}

/** The `WebRTC` flag (any spelling canonicalises to `webrtc`). */
export function hasWebrtcFlag(req: NgMediaRequest): boolean {
  return req.flags.includes('webrtc');
}

/** Reads the WebRTC options of an offer whose first audio m-line has protocol `offerProtocol`. */
export function ngWebrtcPlan(req: NgMediaRequest, offerProtocol: string): NgWebrtcPlan {
  const offererWebrtc = offerProtocol.startsWith('UDP/TLS/');
  const recipientWebrtc = hasWebrtcFlag(req) || (req.transportProtocol?.startsWith('UDP/TLS/') ?? false) || req.ice === 'force';
  if (offererWebrtc && req.dtls === 'off') {
    throw new NgError(NgErrorCode.BadValue, 'DTLS=off with a DTLS-SRTP (UDP/TLS) offer: the relay bridges WebRTC only with DTLS-SRTP');
  }
  if (recipientWebrtc && req.dtls === 'off') {
    throw new NgError(NgErrorCode.BadValue, 'DTLS=off toward a WebRTC recipient: WebRTC media is DTLS-SRTP (RFC 8827 §6.5)');
  }
  return { offererWebrtc, recipientWebrtc, setup: req.dtls === 'active' ? 'active' : 'passive' };
}
