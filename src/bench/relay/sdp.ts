/**
 * The minimal SDP a benchmark endpoint offers or answers through rtpengine: one audio stream,
 * PCMU (G.711 μ-law, 20 ms), RTP/AVP or RTP/SAVP with an SDES a=crypto line (RFC 4568).
 * Written and read with sdp-transform, as the control API does (src/control/sdp-rewrite.ts).
 */
import { isIP } from 'node:net';
import { parse, write, type SessionDescription } from 'sdp-transform';
import type { SdesKey } from './sdes-key';

export interface SdpMedia {
  readonly address: string;
  readonly port: number;
  readonly proto: string;
  readonly crypto: readonly SdesKey[];
}

export function endpointSdp(address: string, port: number, key: SdesKey | null): string {
  const ipVer = isIP(address) === 6 ? 6 : 4;
  const sdp: SessionDescription = {
    version: 0,
    origin: { username: '-', sessionId: port, sessionVersion: 1, netType: 'IN', ipVer, address },
    name: 'srtp-relay bench',
    connection: { version: ipVer, ip: address },
    timing: { start: 0, stop: 0 },
    media: [{
      type: 'audio',
      port,
      protocol: key === null ? 'RTP/AVP' : 'RTP/SAVP',
      payloads: '0',
      rtp: [{ payload: 0, codec: 'PCMU', rate: 8000 }],
      fmtp: [],
      ptime: 20,
      direction: 'sendrecv',
      ...(key === null ? {} : { crypto: [{ ...key }] }),
    }],
  };
  return write(sdp);
}

/** The first audio m-line of an SDP: where to send, its transport, and its a=crypto lines. */
export function parseSdpMedia(text: string): SdpMedia {
  const sdp = parse(text);
  const audio = sdp.media.find((m) => m.type === 'audio');
  const ip = audio?.connection?.ip ?? sdp.connection?.ip;
  if (audio === undefined || ip === undefined) throw new Error(`SDP without audio media or connection line:\n${text}`);
  const crypto = (audio.crypto ?? []).map((c): SdesKey => ({ id: c.id, suite: c.suite, config: c.config, ...(c.sessionConfig !== undefined ? { sessionConfig: c.sessionConfig } : {}) }));
  return { address: ip.split('/')[0], port: audio.port, proto: audio.protocol, crypto };
}
