/**
 * SDP in, SDP out (sdp-transform): read what an endpoint offers or answers (connection address,
 * ports, rtcp-mux, a=crypto), and write the SDP for the other side with the relay's address and
 * ports, that side's transport (RTP/SAVP ↔ RTP/AVP) and that side's a=crypto line. Codecs and
 * other media attributes pass through; ICE and DTLS attributes are dropped, since the relay
 * terminates the media path with plain UDP and SDES/managed keys (and so are BUNDLE, mid, msid,
 * ssrc, extmap and rtcp-fb of a WebRTC description rewritten for a SIP phone).
 */
import { isIP } from 'node:net';
import { parse, write, type MediaDescription, type SessionDescription } from 'sdp-transform';
import type { MediaKind } from '../call';
import type { RemoteEndpoint } from '../relay';
import { ControlError } from './errors';

export interface SdpMedia {
  /** Index of the m-line. */
  readonly index: number;
  readonly kind: MediaKind;
  /** The m-line's transport protocol as written (`RTP/SAVP`, `RTP/AVPF`, `UDP/TLS/RTP/SAVPF`, ...). */
  readonly protocol: string;
  /** Null when the m-line is disabled (port 0) or on hold with 0.0.0.0. */
  readonly remote: RemoteEndpoint | null;
  /** Port 0: the stream is rejected (in an answer) or disabled. */
  readonly declined: boolean;
  readonly rtcpMux: boolean;
  readonly crypto: readonly string[];
  readonly firstCryptoTag: number | null;
}

export interface ParsedSdp {
  readonly session: SessionDescription;
  readonly media: readonly SdpMedia[];
}

const bad = (detail: string): ControlError => new ControlError('API_ERR_BAD_SDP', { field: 'sdp', detail });

export function parseEndpointSdp(text: string): ParsedSdp {
  let session: SessionDescription;
  try {
    session = parse(text);
  } catch {
    throw bad('unparseable');
  }
  if (session.version !== 0 || !Array.isArray(session.media) || session.media.length === 0) throw bad('needs v=0 and at least one m= line');
  const media: SdpMedia[] = [];
  session.media.forEach((m, index) => {
    if (m.type !== 'audio' && m.type !== 'video') return;
    if (!Number.isInteger(m.port) || m.port < 0 || m.port > 65535) throw bad(`m-line ${index + 1}: bad port`);
    const ip = m.connection?.ip ?? session.connection?.ip;
    if (typeof ip !== 'string') throw bad(`m-line ${index + 1}: no c= connection address`);
    const address = ip.split('/')[0];
    if (isIP(address) === 0) throw bad(`m-line ${index + 1}: connection address is not an IP address`);
    const rtcpMux = m.rtcpMux !== undefined;
    const rtcpPort = m.rtcp?.port;
    const disabled = m.port === 0 || address === '0.0.0.0' || address === '::';
    const crypto = (m.crypto ?? []).map((c) => `a=crypto:${c.id} ${c.suite} ${c.config}${c.sessionConfig !== undefined ? ` ${c.sessionConfig}` : ''}`);
    media.push({
      index,
      kind: m.type,
      protocol: m.protocol,
      remote: disabled ? null : { address, port: m.port, ...(rtcpPort !== undefined && !rtcpMux ? { rtcpPort } : {}) },
      declined: m.port === 0,
      rtcpMux,
      crypto,
      firstCryptoTag: m.crypto !== undefined && m.crypto.length > 0 ? m.crypto[0].id : null,
    });
  });
  if (media.length === 0) throw bad('no audio or video m= line');
  return { session, media };
}

/** DTLS-SRTP transport (RFC 5764 §8): `UDP/TLS/RTP/SAVP(F)`. */
export function isWebrtcProtocol(protocol: string): boolean {
  return protocol.startsWith('UDP/TLS/');
}

/**
 * Session-level attributes of a WebRTC description that mean nothing on a plain or SDES leg
 * (RFC 8843 BUNDLE, RFC 8839 ICE, RFC 8842 DTLS, msid): dropped when a WebRTC SDP is rewritten
 * for a SIP phone.
 */
const WEBRTC_SESSION_KEYS = ['groups', 'msidSemantic', 'icelite', 'iceUfrag', 'icePwd', 'iceOptions', 'fingerprint', 'setup', 'extmapAllowMixed'] as const;
/** Media-level attributes of a WebRTC m-line that stay on the WebRTC side. */
const WEBRTC_MEDIA_KEYS = ['mid', 'msid', 'ssrcs', 'ssrcGroups', 'ext', 'rtcpFb', 'rtcpFbTrrInt', 'rtcpRsize', 'extmapAllowMixed'] as const;

/** What to write for one m-line of the other side. */
export interface SdpTarget {
  readonly address: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly rtcpMux: boolean;
  readonly srtp: boolean;
  /** a=crypto lines (with or without "a=") for an SRTP target, most preferred first; secret. */
  readonly crypto: readonly string[];
}

function profileFor(input: string, srtp: boolean): string {
  // A WebRTC m-line (UDP/TLS/RTP/SAVPF) toward a SIP phone: RTP/SAVP or RTP/AVP, as rtpengine's
  // WebRTC bridging writes; the feedback profile and its a=rtcp-fb stay on the WebRTC side.
  const feedback = /AVPF$/.test(input) && !isWebrtcProtocol(input);
  const base = srtp ? 'RTP/SAVP' : 'RTP/AVP';
  return feedback ? `${base}F` : base;
}

/** Rewrite the parsed SDP for the other side; m-lines without a target are disabled (port 0). */
export function writeSdpFor(parsed: ParsedSdp, targets: ReadonlyMap<number, SdpTarget>, sessionAddress: string): string {
  const ipVer = isIP(sessionAddress) === 6 ? 6 : 4;
  const fromWebrtc = parsed.session.media.some((m) => isWebrtcProtocol(m.protocol));
  const session: SessionDescription = { ...parsed.session };
  if (fromWebrtc) for (const k of WEBRTC_SESSION_KEYS) delete (session as unknown as Record<string, unknown>)[k];
  const out: SessionDescription = {
    ...session,
    origin: { ...(parsed.session.origin ?? { username: '-', sessionId: 0, sessionVersion: 0, netType: 'IN' }), ipVer, address: sessionAddress },
    connection: { version: ipVer, ip: sessionAddress },
    media: parsed.session.media.map((m, index): MediaDescription => {
      const t = targets.get(index);
      const copy: MediaDescription = { ...m };
      for (const k of ['crypto', 'candidates', 'iceUfrag', 'icePwd', 'iceOptions', 'fingerprint', 'setup', 'endOfCandidates', 'rtcp', 'rtcpMux', 'connection'] as const) {
        delete (copy as Partial<MediaDescription>)[k];
      }
      if (isWebrtcProtocol(m.protocol)) for (const k of WEBRTC_MEDIA_KEYS) delete (copy as unknown as Record<string, unknown>)[k];
      if (t === undefined) return { ...copy, port: 0 };
      copy.port = t.rtpPort;
      copy.protocol = profileFor(m.protocol, t.srtp);
      if (t.rtcpMux) copy.rtcpMux = 'rtcp-mux';
      else copy.rtcp = { port: t.rtcpPort, netType: 'IN', ipVer, address: t.address };
      if (t.srtp && t.crypto.length > 0) {
        copy.crypto = t.crypto.map((line) => {
          const match = /^(?:a=)?crypto:(\d+) (\S+) (\S+)(?: (.+))?$/.exec(line.trim());
          if (match === null) throw new ControlError('API_ERR_INTERNAL');
          return { id: Number(match[1]), suite: match[2], config: match[3], ...(match[4] !== undefined ? { sessionConfig: match[4] } : {}) };
        });
      }
      return copy;
    }),
  };
  return write(out);
}
