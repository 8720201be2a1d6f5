/**
 * A WebRTC stream's signalling side, as call control keeps it between the peer's offer and the
 * relay's answer: the answer is written when the other side's codecs are known (an ng `answer`,
 * or `POST .../legs/{leg}/sdp`), not when the leg opens. RFC 8829 §5.3: an answer keeps the
 * offer's payload types, mid and a subset of its codecs; RFC 8842 §5.3 the `a=setup` answer.
 */
import { answerDirection, writeWebrtcSdp, type WebrtcCodec, type WebrtcPeerMedia } from '../dtls/webrtc-sdp';
import type { IceCredentials } from '../dtls/ice-lite';
import { ControlError } from './errors';

/** RFC 3551 §6 static payload types a SIP answer may use without a=rtpmap. */
export const STATIC_PAYLOADS: Readonly<Record<number, { name: string; rate: number }>> = {
  0: { name: 'PCMU', rate: 8000 }, 3: { name: 'GSM', rate: 8000 }, 4: { name: 'G723', rate: 8000 }, 8: { name: 'PCMA', rate: 8000 },
  9: { name: 'G722', rate: 8000 }, 13: { name: 'CN', rate: 8000 }, 18: { name: 'G729', rate: 8000 },
};

export interface WebrtcSide {
  readonly ice: IceCredentials;
  readonly fingerprint: string;
  /** What the relay answers in `a=setup`. */
  readonly setup: 'active' | 'passive';
  readonly mid: string;
  /** The peer's offered codecs (those the leg request allowed), in the peer's order. */
  readonly codecs: readonly WebrtcCodec[];
  readonly direction: WebrtcPeerMedia['direction'];
  readonly sessionId: string;
  /** The peer's ICE username fragment: a later offer with another one is an ICE restart (RFC 8839 §4.4.1.1.1). */
  readonly peerUfrag: string;
}

/** Same codec: encoding name (case-insensitive) and clock rate (RFC 3264 §6.1). */
function sameCodec(a: { name: string; rate: number }, b: { name: string; rate: number }): boolean {
  return a.name.toUpperCase() === b.name.toUpperCase() && a.rate === b.rate;
}

/**
 * The relay's answer to the WebRTC peer, keeping only the offered codecs the other side took
 * (`chosen`, e.g. the SIP phone's answer; null: every offered codec). No codec in common is
 * API_ERR_NO_COMMON_CODEC: the relay does not transcode.
 */
export function writeWebrtcAnswer(side: WebrtcSide, address: string, port: number, chosen: readonly { name: string; rate: number }[] | null): string {
  const codecs = chosen === null ? side.codecs : side.codecs.filter((c) => chosen.some((x) => sameCodec(c, x)));
  if (codecs.length === 0) {
    throw new ControlError('API_ERR_NO_COMMON_CODEC', { field: 'sdp', detail: `the WebRTC peer offered ${side.codecs.map((c) => c.name).join(', ')}; the other side answered ${chosen?.map((c) => c.name).join(', ') || 'none'}` });
  }
  return writeWebrtcSdp({
    address, port, ice: side.ice, fingerprint: side.fingerprint, setup: side.setup, mid: side.mid, codecs,
    direction: answerDirection(side.direction), sessionId: side.sessionId,
  });
}
