/**
 * The part of the SRTP engine the packet path uses (docs/srtp-engine-api.md). Kept as an
 * interface so the relay's hot path states exactly what it needs.
 */
import type { KeyLimitEvent, SrtpContextOptions } from '../srtp/srtp-context-options';
import type { SrtpStatus } from '../srtp/srtp-status';
import { SrtpContext } from '../srtp/srtp-context';

export interface PacketContext {
  readonly output: Uint8Array;
  readonly outputLength: number;
  readonly protectOverhead: number;
  protectRtp(packet: Uint8Array, out?: Uint8Array, length?: number): SrtpStatus;
  unprotectRtp(packet: Uint8Array, out?: Uint8Array, length?: number): SrtpStatus;
  protectRtcp(packet: Uint8Array, out?: Uint8Array, length?: number): SrtpStatus;
  unprotectRtcp(packet: Uint8Array, out?: Uint8Array, length?: number): SrtpStatus;
  verifyRtp(packet: Uint8Array, length?: number): SrtpStatus;
  verifyRtcp(packet: Uint8Array, length?: number): SrtpStatus;
  close(): void;
  /** Highest index accepted from an inbound SSRC (-1: none); a latch needs a packet that raised it. */
  highestIndex(ssrc: number, rtcp: boolean): number;
  /** ROC of an SSRC (RFC 3711 §3.3.1); carried from old to new contexts on a rekey. */
  getRoc(ssrc: number, direction?: 'inbound' | 'outbound'): number | undefined;
  setRoc(ssrc: number, roc: number, direction?: 'inbound' | 'outbound' | 'both'): void;
  /** Index the next protect of this SSRC would use (docs/ha.md reservations); -1 past the last ROC. */
  peekProtectIndex(ssrc: number, seq: number, rtcp: boolean): number;
  /** HA takeover: continue the SSRC's stream strictly above `index` (RFC 3711 §9.1). */
  resumeAbove(ssrc: number, index: number, direction: 'inbound' | 'outbound', rtcp: boolean): void;
  /** Key lifetime notifications (SrtpContext is an EventEmitter; see srtp-context-options.ts). */
  on(event: 'keysoftlimit' | 'keyexpired', listener: (e: KeyLimitEvent) => void): unknown;
}

/** Build a context; invalid options throw the engine's SrtpError (code SRTP_ERR_*). */
export function createPacketContext(options: SrtpContextOptions): PacketContext {
  return new SrtpContext(options);
}
