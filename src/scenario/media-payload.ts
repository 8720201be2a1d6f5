/**
 * What the simulated endpoints put in each RTP payload, so a receiver can tell which sender,
 * which measurement window and which packet it got, and which media resources it went through:
 *
 *   0  magic "SRSC"   4  run id (u32)   8  window (u16)   10  sender (u16)
 *   12 index in window (u16)            14  via mask (u16: one bit per transcoder/MTP)
 *   16 filler up to the payload size (160 bytes = 20 ms of G.711; 1000 bytes for video)
 *
 * A packet whose payload shows the magic in the clear arrived as plain RTP; SRTP hides it until
 * the packet is authenticated and decrypted.
 */
import type { MediaKind } from './scenario-types';

export const RTP_HEADER = 12;
const MAGIC = 0x53525343;
export const PAYLOAD_BYTES: Readonly<Record<MediaKind, number>> = { audio: 160, video: 1000 };
/** PCMU (RFC 3551) for audio, a dynamic type for video. */
export const PAYLOAD_TYPE: Readonly<Record<MediaKind, number>> = { audio: 0, video: 96 };
/** RTP clock ticks per packet: 20 ms at 8 kHz; 90 kHz video at 30 frames/s. */
export const TIMESTAMP_STEP: Readonly<Record<MediaKind, number>> = { audio: 160, video: 3000 };
const VIA_OFFSET = RTP_HEADER + 14;

export interface PayloadId {
  readonly window: number;
  readonly sender: number;
  readonly index: number;
  readonly via: number;
}

export interface PacketFields {
  readonly kind: MediaKind;
  readonly ssrc: number;
  readonly seq: number;
  readonly timestamp: number;
  readonly marker: boolean;
  readonly runId: number;
  readonly window: number;
  readonly sender: number;
  readonly index: number;
}

/** Write a whole RTP packet into `out` (sized for the kind plus SRTP overhead); returns its length. */
export function writePacket(out: Buffer, f: PacketFields): number {
  const length = RTP_HEADER + PAYLOAD_BYTES[f.kind];
  out[0] = 0x80;
  out[1] = (f.marker ? 0x80 : 0) | PAYLOAD_TYPE[f.kind];
  out.writeUInt16BE(f.seq & 0xffff, 2);
  out.writeUInt32BE(f.timestamp >>> 0, 4);
  out.writeUInt32BE(f.ssrc >>> 0, 8);
  out.writeUInt32BE(MAGIC, RTP_HEADER);
  out.writeUInt32BE(f.runId >>> 0, RTP_HEADER + 4);
  out.writeUInt16BE(f.window & 0xffff, RTP_HEADER + 8);
  out.writeUInt16BE(f.sender & 0xffff, RTP_HEADER + 10);
  out.writeUInt16BE(f.index & 0xffff, RTP_HEADER + 12);
  out.writeUInt16BE(0, VIA_OFFSET);
  out.fill(f.index & 0xff, RTP_HEADER + 16, length);
  return length;
}

/** The payload id of a plain RTP packet of this run, or null (foreign, or still encrypted). */
export function readPayloadId(packet: Buffer, length: number, runId: number): PayloadId | null {
  if (length < RTP_HEADER + 16 || (packet[0] as number) >> 6 !== 2) return null;
  const start = payloadStart(packet, length);
  if (start < 0 || start + 16 > length) return null;
  if (packet.readUInt32BE(start) !== MAGIC || packet.readUInt32BE(start + 4) !== runId >>> 0) return null;
  return { window: packet.readUInt16BE(start + 8), sender: packet.readUInt16BE(start + 10), index: packet.readUInt16BE(start + 12), via: packet.readUInt16BE(start + 14) };
}

/** A media resource marks a plain packet as having passed through it. False if not ours. */
export function markVia(packet: Buffer, length: number, runId: number, bit: number): boolean {
  if (readPayloadId(packet, length, runId) === null) return false;
  const at = payloadStart(packet, length) + 14;
  packet.writeUInt16BE(packet.readUInt16BE(at) | (1 << bit), at);
  return true;
}

/** After the CSRC list and header extension (RFC 3550 §5.1, §5.3.1). */
function payloadStart(packet: Buffer, length: number): number {
  let at = RTP_HEADER + 4 * ((packet[0] as number) & 0x0f);
  if (((packet[0] as number) & 0x10) !== 0) {
    if (at + 4 > length) return -1;
    at += 4 + 4 * packet.readUInt16BE(at + 2);
  }
  return at;
}
