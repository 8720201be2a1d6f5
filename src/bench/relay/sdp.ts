/**
 * The minimal SDP a benchmark endpoint offers or answers through rtpengine: one audio stream,
 * PCMU (G.711 μ-law, 20 ms), RTP/AVP or RTP/SAVP with SDES a=crypto lines (RFC 4568).
 */
import { cryptoLine, parseCryptoLines, type ParsedCrypto, type SdesKey } from './sdes-key';

export interface SdpMedia {
  readonly address: string;
  readonly port: number;
  readonly proto: string;
  readonly crypto: readonly ParsedCrypto[];
}

export function endpointSdp(address: string, port: number, crypto: { readonly tag: number; readonly key: SdesKey } | null): string {
  return [
    'v=0',
    `o=- ${port} 1 IN IP4 ${address}`,
    's=srtp-relay bench',
    `c=IN IP4 ${address}`,
    't=0 0',
    `m=audio ${port} ${crypto === null ? 'RTP/AVP' : 'RTP/SAVP'} 0`,
    'a=rtpmap:0 PCMU/8000',
    'a=ptime:20',
    'a=sendrecv',
    ...(crypto === null ? [] : [cryptoLine(crypto.tag, crypto.key)]),
    '',
  ].join('\r\n');
}

export function parseSdpMedia(sdp: string): SdpMedia {
  const m = /^m=audio (\d+) (\S+)/m.exec(sdp);
  const c = /^c=IN IP4 (\S+)/m.exec(sdp);
  if (m === null || c === null) throw new Error(`SDP without audio media or connection line:\n${sdp}`);
  return { address: c[1], port: Number(m[1]), proto: m[2], crypto: parseCryptoLines(sdp) };
}
