/**
 * Reads the UDP datagrams out of a classic pcap file written by `tcpdump -i lo -w` (link type
 * Ethernet on Linux loopback, or raw IPv4/Linux cooked as fallbacks). IPv4 only: the harness
 * runs on 127.0.0.0/8. Fragments are skipped (loopback's MTU is 64 KiB, SIP and RTP fit).
 */
import { readFileSync } from 'node:fs';

export interface UdpDatagram {
  /** Seconds since the epoch (capture time). */
  readonly time: number;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  readonly payload: Buffer;
}

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LINUX_SLL = 113;

function ipv4(buf: Buffer, at: number): string {
  return `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;
}

export function readPcapUdp(path: string): UdpDatagram[] {
  const buf = readFileSync(path);
  if (buf.length < 24) return [];
  const magic = buf.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && buf.readUInt32BE(0) !== 0xa1b2c3d4 && buf.readUInt32BE(0) !== 0xa1b23c4d) throw new Error(`${path}: not a pcap file`);
  const nano = (le ? magic : buf.readUInt32BE(0)) === 0xa1b23c4d;
  const u32 = (at: number): number => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const linkType = u32(20);
  const out: UdpDatagram[] = [];
  let pos = 24;
  while (pos + 16 <= buf.length) {
    const time = u32(pos) + u32(pos + 4) / (nano ? 1e9 : 1e6);
    const captured = u32(pos + 8);
    const frame = buf.subarray(pos + 16, pos + 16 + captured);
    pos += 16 + captured;
    let ip: number;
    if (linkType === LINKTYPE_ETHERNET) {
      if (frame.length < 14 || frame.readUInt16BE(12) !== 0x0800) continue;
      ip = 14;
    } else if (linkType === LINKTYPE_LINUX_SLL) {
      if (frame.length < 16 || frame.readUInt16BE(14) !== 0x0800) continue;
      ip = 16;
    } else if (linkType === LINKTYPE_RAW) ip = 0;
    else throw new Error(`${path}: unsupported link type ${linkType}`);
    if (frame.length < ip + 20 || frame[ip] >> 4 !== 4 || frame[ip + 9] !== 17) continue;
    const flagsFragment = frame.readUInt16BE(ip + 6);
    if ((flagsFragment & 0x3fff) !== 0) continue; // a fragment
    const ihl = (frame[ip] & 0x0f) * 4;
    const udp = ip + ihl;
    if (frame.length < udp + 8) continue;
    const udpLength = frame.readUInt16BE(udp + 4);
    out.push({
      time,
      src: ipv4(frame, ip + 12),
      dst: ipv4(frame, ip + 16),
      srcPort: frame.readUInt16BE(udp),
      dstPort: frame.readUInt16BE(udp + 2),
      payload: frame.subarray(udp + 8, Math.min(frame.length, udp + udpLength)),
    });
  }
  return out;
}
