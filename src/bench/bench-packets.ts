/**
 * Workload packets and keys, the same bytes as native-bench/bench_common.c: V=2, PT 96,
 * SSRC 0x5eed0001, a patterned payload, and master key/salt bytes 0x40.. / 0x90.. .
 */
import type { ProtectionProfile } from '../srtp/protection-profile';

export const BENCH_SSRC = 0x5eed0001;
export const RTP_HEADER_BYTES = 12;
/** Room for any suite's tag (16) plus an MKI. */
export const MAX_OVERHEAD = 32;

export function makeRtpPacket(payload: number, seq = 0, ssrc = BENCH_SSRC): Buffer {
  const pkt = Buffer.alloc(RTP_HEADER_BYTES + payload);
  pkt[0] = 0x80;
  pkt[1] = 96;
  pkt.writeUInt16BE(seq & 0xffff, 2);
  pkt.writeUInt32BE(0x0001e240, 4);
  pkt.writeUInt32BE(ssrc >>> 0, 8);
  for (let i = 0; i < payload; i++) pkt[RTP_HEADER_BYTES + i] = (i * 7 + 3) & 0xff;
  return pkt;
}

/** Writes the sequence number in place, as a sender does for each packet. */
export function setSequence(pkt: Uint8Array, seq: number): void {
  pkt[2] = (seq >>> 8) & 0xff;
  pkt[3] = seq & 0xff;
}

export interface BenchMasterKey {
  readonly key: Buffer;
  readonly salt: Buffer;
}

export function benchMasterKey(profile: ProtectionProfile): BenchMasterKey {
  const key = Buffer.alloc(profile.masterKeyLength);
  const salt = Buffer.alloc(profile.masterSaltLength);
  for (let i = 0; i < key.length; i++) key[i] = 0x40 + i;
  for (let i = 0; i < salt.length; i++) salt[i] = 0x90 + i;
  return { key, salt };
}
