/**
 * Reading a WebRTC peer's SDP and writing the relay's side of it (RFC 8829 JSEP, RFC 8839 ICE,
 * RFC 8842 DTLS, RFC 8843 BUNDLE). The relay is ICE-lite (`a=ice-lite` at session level), has
 * one host candidate per m-line (rtcp-mux, so one component), and passes codecs through.
 */
import { parse, write, type MediaAttributes, type SessionDescription } from 'sdp-transform';
import { RelayError, RelayErrorCode } from '../relay/errors';
import type { Fingerprint } from './webrtc-leg-params';
import type { IceCredentials } from './ice-lite';
import type { DtlsRole } from './werift-dtls';

export const WEBRTC_PROTO = 'UDP/TLS/RTP/SAVPF';

export interface WebrtcCodec {
  readonly payload: number;
  /** Encoding name as in `a=rtpmap` (e.g. `PCMU`, `opus`). */
  readonly name: string;
  readonly rate: number;
  readonly channels?: number;
  readonly fmtp?: string;
}

/** What the relay takes from a WebRTC peer's audio m-line. */
export interface WebrtcPeerMedia {
  readonly mid: string | null;
  readonly ufrag: string;
  readonly pwd: string;
  readonly fingerprints: readonly Fingerprint[];
  /** `a=setup` of the peer (RFC 8842 §5.2): actpass, active or passive. */
  readonly setup: 'actpass' | 'active' | 'passive';
  readonly rtcpMux: boolean;
  readonly codecs: readonly WebrtcCodec[];
  readonly direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

type Media = SessionDescription['media'][number];

function codecsOf(m: Media): WebrtcCodec[] {
  const order = String(m.payloads ?? '').split(/\s+/).filter((p) => p.length > 0).map(Number);
  return order.flatMap((pt) => {
    const r = m.rtp.find((x) => x.payload === pt);
    if (r === undefined) return [];
    const fmtp = m.fmtp.find((f) => f.payload === pt)?.config;
    return [{ payload: pt, name: r.codec, rate: r.rate ?? 8000, ...(r.encoding !== undefined ? { channels: Number(r.encoding) } : {}), ...(fmtp !== undefined ? { fmtp } : {}) }];
  });
}

/** The first audio m-line of a WebRTC offer or answer; RELAY_ERR_BAD_OPTION naming what is missing. */
export function readWebrtcMedia(sdp: string): WebrtcPeerMedia {
  const s = parse(sdp);
  const m = s.media.find((x) => x.type === 'audio' && x.port !== 0);
  if (m === undefined) throw new RelayError(RelayErrorCode.BadOption, 'the WebRTC SDP has no active audio m-line');
  if (m.protocol !== WEBRTC_PROTO) throw new RelayError(RelayErrorCode.BadOption, `the WebRTC SDP uses ${m.protocol}, not ${WEBRTC_PROTO}`);
  const ufrag = m.iceUfrag ?? s.iceUfrag;
  const pwd = m.icePwd ?? s.icePwd;
  if (ufrag === undefined || pwd === undefined) throw new RelayError(RelayErrorCode.BadOption, 'the WebRTC SDP has no a=ice-ufrag / a=ice-pwd');
  const fps = [m.fingerprint, s.fingerprint].filter((f): f is NonNullable<typeof f> => f !== undefined).map((f) => ({ algorithm: f.type, value: f.hash }));
  if (fps.length === 0) throw new RelayError(RelayErrorCode.BadOption, 'the WebRTC SDP has no a=fingerprint');
  const setup = (m.setup ?? s.setup ?? 'actpass') as string;
  if (setup !== 'actpass' && setup !== 'active' && setup !== 'passive') throw new RelayError(RelayErrorCode.BadOption, `a=setup:${setup} is not usable (RFC 8842 §5.1)`);
  return {
    mid: m.mid === undefined ? null : String(m.mid),
    ufrag: String(ufrag),
    pwd: String(pwd),
    fingerprints: fps,
    setup,
    rtcpMux: m.rtcpMux !== undefined,
    codecs: codecsOf(m),
    direction: (m.direction ?? s.direction ?? 'sendrecv') as WebrtcPeerMedia['direction'],
  };
}

/** Our DTLS role for a peer's `a=setup` (RFC 8842 §5.3): an answerer to actpass may choose. */
export function relayDtlsRole(peerSetup: WebrtcPeerMedia['setup'], preferred: DtlsRole = 'server'): DtlsRole {
  if (peerSetup === 'active') return 'server';
  if (peerSetup === 'passive') return 'client';
  return preferred;
}

export interface WebrtcLocalMedia {
  readonly address: string;
  readonly port: number;
  readonly ice: IceCredentials;
  /** sha-256 fingerprint of the relay certificate. */
  readonly fingerprint: string;
  /** `a=setup` we write: `actpass` in an offer; `active`/`passive` in an answer. */
  readonly setup: 'actpass' | 'active' | 'passive';
  readonly mid: string;
  readonly codecs: readonly WebrtcCodec[];
  readonly direction?: WebrtcPeerMedia['direction'];
  /** Session id for `o=` (digits). */
  readonly sessionId: string;
}

/** The relay's WebRTC SDP: one bundled audio m-line, ICE-lite, one host candidate, rtcp-mux. */
export function writeWebrtcSdp(local: WebrtcLocalMedia): string {
  const family = local.address.includes(':') ? 6 : 4;
  const media: Media = {
    type: 'audio',
    port: local.port,
    protocol: WEBRTC_PROTO,
    payloads: local.codecs.map((c) => c.payload).join(' '),
    connection: { version: family, ip: local.address },
    rtp: local.codecs.map((c) => ({ payload: c.payload, codec: c.name, rate: c.rate, ...(c.channels !== undefined && c.channels !== 1 ? { encoding: c.channels } : {}) })),
    fmtp: local.codecs.flatMap((c) => (c.fmtp === undefined ? [] : [{ payload: c.payload, config: c.fmtp }])),
    mid: local.mid,
    iceUfrag: local.ice.ufrag,
    icePwd: local.ice.pwd,
    fingerprint: { type: 'sha-256', hash: local.fingerprint },
    setup: local.setup,
    rtcpMux: 'rtcp-mux',
    direction: local.direction ?? 'sendrecv',
    // RFC 8839 §5.1: priority for a host candidate, component 1 (RTP, muxed).
    candidates: [{ foundation: '1', component: 1, transport: 'udp', priority: 2130706431, ip: local.address, port: local.port, type: 'host' }],
    endOfCandidates: 'end-of-candidates',
  } as Media & MediaAttributes;
  const session: SessionDescription = {
    version: 0,
    origin: { username: '-', sessionId: local.sessionId, sessionVersion: 1, netType: 'IN', ipVer: family, address: local.address },
    name: '-',
    timing: { start: 0, stop: 0 },
    icelite: 'ice-lite',
    groups: [{ type: 'BUNDLE', mids: local.mid }],
    media: [media],
  } as SessionDescription;
  return write(session);
}

/** Answer direction for a peer's direction (RFC 3264 §6.1). */
export function answerDirection(offered: WebrtcPeerMedia['direction']): WebrtcPeerMedia['direction'] {
  return offered === 'sendonly' ? 'recvonly' : offered === 'recvonly' ? 'sendonly' : offered;
}
