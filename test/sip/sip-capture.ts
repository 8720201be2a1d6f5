/**
 * SIP messages carrying SDP, taken from the capture: who sent each to whom, its first line,
 * and the parsed SDP (sdp-transform), so the test can check what every phone was told.
 */
import { parse as parseSdp, type SessionDescription } from 'sdp-transform';
import type { UdpDatagram } from './pcap';

export interface SipSdpMessage {
  readonly time: number;
  readonly from: { readonly address: string; readonly port: number };
  readonly to: { readonly address: string; readonly port: number };
  /** `INVITE sip:...` or `SIP/2.0 200 OK`. */
  readonly startLine: string;
  readonly callId: string;
  readonly sdpText: string;
  readonly sdp: SessionDescription;
}

export interface CryptoLine {
  readonly tag: number;
  readonly suite: string;
  readonly inline: string;
}

export function sipSdpMessages(datagrams: readonly UdpDatagram[], sipPorts: ReadonlySet<number>): SipSdpMessage[] {
  const out: SipSdpMessage[] = [];
  for (const d of datagrams) {
    if (!sipPorts.has(d.srcPort) && !sipPorts.has(d.dstPort)) continue;
    const text = d.payload.toString('utf8');
    if (!/^(INVITE |ACK |BYE |CANCEL |OPTIONS |UPDATE |PRACK |SIP\/2\.0 )/.test(text)) continue;
    const split = text.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = text.slice(0, split);
    if (!/^(content-type|c)\s*:\s*application\/sdp/im.test(head)) continue;
    const body = text.slice(split + 4);
    out.push({
      time: d.time,
      from: { address: d.src, port: d.srcPort },
      to: { address: d.dst, port: d.dstPort },
      startLine: head.slice(0, head.indexOf('\r\n')),
      callId: /^(?:call-id|i)\s*:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? '',
      sdpText: body,
      sdp: parseSdp(body),
    });
  }
  return out;
}

export function cryptoLines(sdp: SessionDescription): CryptoLine[] {
  const media = sdp.media[0];
  return (media?.crypto ?? []).map((c) => ({ tag: c.id, suite: c.suite, inline: c.config.replace(/^inline:/, '').split('|')[0] }));
}

/** The c= address of the first audio stream (media-level, else session-level). */
export function connectionAddress(sdp: SessionDescription): string | undefined {
  return sdp.media[0]?.connection?.ip ?? sdp.connection?.ip;
}
