/**
 * Checks on an endpoint's SDP before it is parsed and answered: a line scan, so a hostile body
 * costs no more than its length (the schema caps it at 64 KiB).
 *
 * - at most `maxSdpMediaLines` m= lines and `maxCryptoLinesPerMedia` a=crypto lines per m-line:
 *   an offer of 2,000 m-lines must not become a 1 MB answer (each answered m-line carries our
 *   own a=crypto lines);
 * - no fan-out: a leg carries at most one stream per kind, so at most one active (port ≠ 0)
 *   audio and one active video m-line; more is refused instead of being answered by copies;
 * - every `c=` and `a=rtcp` address passes the address policy (0.0.0.0 / :: in c= stay
 *   allowed: RFC 3264 §8.4's legacy hold, which the relay treats as "no remote").
 */
import { ApiError } from './errors';
import { assertRemoteAddress, type RemoteJudge } from './remote-guard';

export interface SdpLimits {
  readonly maxSdpMediaLines: number;
  readonly maxCryptoLinesPerMedia: number;
}

export function assertSdpWithinLimits(sdp: string, limits: SdpLimits, judge: RemoteJudge, field = 'sdp'): void {
  let mediaLines = 0;
  let cryptoHere = 0;
  let kind = '';
  let active = false;
  const activeByKind = new Map<string, number>();
  const closeSection = (): void => {
    if (mediaLines > 0 && active) activeByKind.set(kind, (activeByKind.get(kind) ?? 0) + 1);
  };
  for (const raw of sdp.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('m=')) {
      closeSection();
      mediaLines += 1;
      if (mediaLines > limits.maxSdpMediaLines) throw new ApiError('API_ERR_SDP_LIMIT', { field, detail: `more than ${limits.maxSdpMediaLines} m= lines` });
      const m = /^m=(\S+) (\d+)/.exec(line);
      kind = m?.[1] ?? '';
      active = m !== null && Number(m[2]) !== 0;
      cryptoHere = 0;
    } else if (line.startsWith('a=crypto:')) {
      cryptoHere += 1;
      if (cryptoHere > limits.maxCryptoLinesPerMedia) throw new ApiError('API_ERR_SDP_LIMIT', { field, detail: `more than ${limits.maxCryptoLinesPerMedia} a=crypto lines in m-line ${mediaLines}` });
    } else if (line.startsWith('c=')) {
      const c = /^c=IN IP[46] ([^/\s]+)/.exec(line);
      if (c !== null && c[1] !== '0.0.0.0' && c[1] !== '::') assertRemoteAddress(judge, c[1], field);
    } else if (line.startsWith('a=rtcp:')) {
      const r = /^a=rtcp:\d+ IN IP[46] (\S+)/.exec(line);
      if (r !== null) assertRemoteAddress(judge, r[1], field);
    }
  }
  closeSection();
  for (const [k, n] of activeByKind) {
    if ((k === 'audio' || k === 'video') && n > 1) throw new ApiError('API_ERR_SDP_FAN_OUT', { field, detail: `${n} active ${k} m-lines` });
  }
}
