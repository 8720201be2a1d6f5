/**
 * What the capture says about the media: every packet to or from a phone's media ports goes
 * to or comes from the relay (none directly between the phones, none elsewhere), and each leg
 * carries what it should — on a plain leg the PCMU payload decodes to the sender's tone; on an
 * SRTP leg the payload is the 160 PCMU bytes plus the suite's tag and does not decode to any tone.
 */
import type { UdpDatagram } from './pcap';
import { detectTone, ulawToLinear } from './tone-detector';
import { SAMPLE_RATE } from './wav';

export interface Endpoint {
  readonly address: string;
  /** RTP port; RTCP is port + 1 (the phones do not use rtcp-mux). */
  readonly port: number;
}

export interface FlowReport {
  readonly label: string;
  readonly packets: number;
  /** RTP packets whose payload length is the expected one. */
  readonly expectedLength: number;
  readonly payloadLengths: readonly number[];
  /** Seconds of the sender's tone found in the decoded payload. */
  readonly toneSeconds: number;
  readonly signalSeconds: number;
}

export interface MediaReport {
  /** RTP/RTCP datagrams with a phone media port on one end and not the relay's leg ports on the other. */
  readonly strayPackets: number;
  /** RTP/RTCP datagrams directly between the two phones' media ports. */
  readonly directPackets: number;
  readonly flows: readonly FlowReport[];
}

function isPort(d: { address: string; port: number }, e: Endpoint): boolean {
  return d.address === e.address && (d.port === e.port || d.port === e.port + 1);
}

const RTP_VERSION_2 = 0x80;

/** Header length of an RTP packet (fixed header, CSRCs, extension), or -1 when it is not RTP. */
function rtpHeaderLength(p: Buffer): number {
  if (p.length < 12 || (p[0] & 0xc0) !== RTP_VERSION_2) return -1;
  let len = 12 + 4 * (p[0] & 0x0f);
  if ((p[0] & 0x10) !== 0) {
    if (p.length < len + 4) return -1;
    len += 4 + 4 * p.readUInt16BE(len + 2);
  }
  return len <= p.length ? len : -1;
}

export interface LegSpec {
  readonly label: string;
  readonly phone: Endpoint;
  readonly relay: Endpoint;
  /** Authentication tag bytes when the leg is SRTP, null for plain RTP. */
  readonly tagBytes: number | null;
  /** The tone the phone sends (heard on phone→relay) and the one it receives (relay→phone). */
  readonly sendsTone: number;
  readonly receivesTone: number;
}

function flow(datagrams: readonly UdpDatagram[], from: Endpoint, to: Endpoint, label: string, tagBytes: number | null, tone: number): FlowReport {
  const lengths = new Map<number, number>();
  let packets = 0;
  let expected = 0;
  const pcm: number[] = [];
  for (const d of datagrams) {
    if (d.src !== from.address || d.srcPort !== from.port || d.dst !== to.address || d.dstPort !== to.port) continue;
    const h = rtpHeaderLength(d.payload);
    if (h < 0) continue;
    packets++;
    const payloadLength = d.payload.length - h;
    lengths.set(payloadLength, (lengths.get(payloadLength) ?? 0) + 1);
    if (payloadLength === 160 + (tagBytes ?? 0)) expected++;
    // Decode the 160 bytes that would be PCMU: audio on a plain leg, ciphertext on an SRTP leg.
    for (let i = h; i < Math.min(d.payload.length, h + 160); i++) pcm.push(ulawToLinear(d.payload[i]));
  }
  const report = detectTone(pcm, SAMPLE_RATE, tone);
  return {
    label, packets, expectedLength: expected,
    payloadLengths: [...lengths.entries()].sort((a, b) => b[1] - a[1]).map(([l]) => l),
    toneSeconds: report.toneSeconds, signalSeconds: report.signalSeconds,
  };
}

export function analyseMedia(datagrams: readonly UdpDatagram[], legs: readonly [LegSpec, LegSpec]): MediaReport {
  let stray = 0;
  let direct = 0;
  for (const d of datagrams) {
    // Media only (RTP/RTCP: version 2, RFC 3550 §5.1): a datagram that is not media (such as a
    // SIP probe another harness process aimed at a port it held before) says nothing about
    // where the phones send their media.
    if (d.payload.length < 2 || (d.payload[0] & 0xc0) !== RTP_VERSION_2) continue;
    const src = { address: d.src, port: d.srcPort };
    const dst = { address: d.dst, port: d.dstPort };
    for (const leg of legs) {
      const other = legs[0] === leg ? legs[1] : legs[0];
      if (isPort(src, leg.phone) || isPort(dst, leg.phone)) {
        const far = isPort(src, leg.phone) ? dst : src;
        if (isPort(far, other.phone)) direct++;
        else if (!isPort(far, leg.relay)) stray++;
      }
    }
  }
  const flows = legs.flatMap((leg) => [
    flow(datagrams, leg.phone, leg.relay, `${leg.label} phone→relay`, leg.tagBytes, leg.sendsTone),
    flow(datagrams, leg.relay, leg.phone, `${leg.label} relay→phone`, leg.tagBytes, leg.receivesTone),
  ]);
  return { strayPackets: stray, directPackets: direct, flows };
}
