/**
 * SRTP (RTP) protect, unprotect and verify for one context (RFC 3711 §3.3, §4; RFC 7714 §8).
 *
 * Every path is check -> authenticate -> commit: the replay window hands out an accepted index
 * (replay-window.ts) that only `commit` takes, after the tag verified (or, when protecting,
 * after the packet was built); ROC, replay window and key usage move there and nowhere else.
 * The cipher family (srtp-cipher.ts) does the cryptography; this file lays packets out.
 * Results are SrtpStatus codes; nothing here throws, and with a caller-supplied output buffer
 * nothing allocates per packet, for every profile (AES-GCM too: it is built from the reused
 * AES object and GHASH tables, not a node:crypto cipher per packet).
 */
import { rtpHeaderLength, rtpSequenceNumber, rtpSsrc, RTP_FIXED_HEADER_LENGTH } from '../rtp/rtp-header';
import { copyBytes, copyPacketPrefix } from './byte-copy';
import type { MasterKey } from './master-key';
import { SRTP_AHEAD_BYTES } from './keystream-ahead';
import type { PacketFrame } from './packet-frame';
import { isAccepted, rejectionStatus, type AcceptedIndex } from './replay-window';
import { SrtpStatus } from './srtp-status';
import { StreamState, wipeStreams } from './stream-state';
import { cipherFor, type TransformSettings } from './transform-common';

const SEQ_MOD = 0x10000;

export class SrtpTransform {
  private readonly s: TransformSettings;
  /**
   * Per-SSRC streams by direction, each Map made when its first stream is: a relay context only
   * ever protects or only ever unprotects, and an empty Map costs some 180 bytes of heap (issue 13
   * goal 3, memory per call).
   */
  private outbound: Map<number, StreamState> | null = null;
  private inbound: Map<number, StreamState> | null = null;
  /**
   * Stands in for an inbound SSRC not seen yet, so a rejected packet creates no state. Made on
   * the first unprotect: a context that only protects (the relay's outbound one) never holds one.
   */
  private scratch: StreamState | null = null;
  private readonly frame: PacketFrame;

  constructor(settings: TransformSettings) {
    this.s = settings;
    this.frame = settings.frame;
  }

  /** Bytes protect adds to a packet: the AEAD or HMAC tag, and the MKI. */
  get overhead(): number {
    return this.s.aeadTagLength + this.s.ring.mkiLength + this.s.srtpTagLength;
  }

  protect(input: Uint8Array, length: number, out: Uint8Array | undefined): SrtpStatus {
    const s = this.s;
    const headerLength = rtpHeaderLength(input, length);
    if (headerLength < 0) return length < RTP_FIXED_HEADER_LENGTH ? SrtpStatus.TooShort : SrtpStatus.Malformed;
    const key = s.ring.active;
    if (key.srtpUsed >= key.srtpLifetime) return SrtpStatus.KeyExpired;
    const ssrc = rtpSsrc(input);
    let state = this.outbound?.get(ssrc);
    if (state === undefined) state = this.newStream('outbound', ssrc, 0);
    const index = state.rollover.estimate(rtpSequenceNumber(input));
    if (index < 0) return SrtpStatus.KeyExpired;
    // Never reuse (key, SSRC, index): a repeated or stale index is refused on the way out too.
    const verdict = state.replay.check(index);
    if (!isAccepted(verdict)) return rejectionStatus(verdict);

    const mkiLength = s.ring.mkiLength;
    const mkiAt = length + s.aeadTagLength;
    const total = mkiAt + mkiLength + s.srtpTagLength;
    const dst = out ?? Buffer.allocUnsafe(total);
    if (dst.length < total) return SrtpStatus.OutputTooSmall;
    const cipher = cipherFor(s, state, key, index, false);
    copyPacketPrefix(input, dst, length);
    if (key.mki !== null) copyBytes(key.mki, 0, dst, mkiAt, mkiLength);
    const roc = Math.floor(index / SEQ_MOD);
    this.frame.rtp(ssrc, index, roc, headerLength, length, s.encryptSrtp, mkiAt + mkiLength, s.srtpTagLength);
    cipher.protect(dst, this.frame, state.ahead);
    this.commit(state, key, verdict);
    s.result.output = dst;
    s.result.length = total;
    return SrtpStatus.Ok;
  }

  /** Authenticate and (unless `verifyOnly`) decrypt into `out`; commit state only on success. */
  unprotect(input: Uint8Array, length: number, out: Uint8Array | undefined, verifyOnly: boolean): SrtpStatus {
    const s = this.s;
    const headerLength = rtpHeaderLength(input, length);
    if (headerLength < 0) return length < RTP_FIXED_HEADER_LENGTH ? SrtpStatus.TooShort : SrtpStatus.Malformed;
    const mkiLength = s.ring.mkiLength;
    const tagLength = s.srtpTagLength;
    const mkiAt = length - tagLength - mkiLength;
    const payloadEnd = mkiAt - s.aeadTagLength;
    if (payloadEnd < headerLength) return SrtpStatus.TooShort;
    const key = s.ring.find(input, mkiAt);
    if (key === null) return SrtpStatus.UnknownMki;
    if (key.srtpUsed >= key.srtpLifetime) return SrtpStatus.KeyExpired;

    const ssrc = rtpSsrc(input);
    let state = this.inbound?.get(ssrc);
    const known = state !== undefined;
    if (state === undefined) {
      if (this.scratch === null) this.scratch = new StreamState(0, 0, s.replayWindow, s.views, SRTP_AHEAD_BYTES);
      state = this.scratch;
      state.resetTo(ssrc, 0);
    }
    const index = state.rollover.estimate(rtpSequenceNumber(input));
    if (index < 0) return SrtpStatus.TooOld;
    const verdict = state.replay.check(index);
    if (!isAccepted(verdict)) return rejectionStatus(verdict);
    const cipher = cipherFor(s, state, key, index, false);

    let dst: Uint8Array | null = null;
    if (!verifyOnly) {
      dst = out ?? Buffer.allocUnsafe(payloadEnd);
      if (dst.length < payloadEnd) return SrtpStatus.OutputTooSmall;
      copyPacketPrefix(input, dst, payloadEnd);
    }
    const roc = Math.floor(index / SEQ_MOD);
    this.frame.rtp(ssrc, index, roc, headerLength, payloadEnd, s.encryptSrtp, length - tagLength, tagLength);
    if (!cipher.unprotect(input, dst, this.frame, state.ahead)) return SrtpStatus.AuthFailed;

    if (!known) {
      state = StreamState.promote(state, s.replayWindow, s.views, SRTP_AHEAD_BYTES);
      (this.inbound ??= new Map()).set(ssrc, state);
    }
    this.commit(state, key, verdict);
    s.result.output = dst ?? input;
    s.result.length = dst === null ? length : payloadEnd;
    return SrtpStatus.Ok;
  }

  getRoc(ssrc: number, direction: 'inbound' | 'outbound'): number | undefined {
    return (direction === 'inbound' ? this.inbound : this.outbound)?.get(ssrc)?.rollover.roc;
  }

  /** Highest index accepted from an inbound SSRC (RFC 3711 §3.3.2), -1 when none yet. */
  highestInbound(ssrc: number): number {
    return this.inbound?.get(ssrc)?.replay.highest ?? -1;
  }

  /** RFC 3711 §3.3.1: a late joiner learns the ROC from signaling; s_l comes from the next packet. */
  setRoc(ssrc: number, roc: number, direction: 'inbound' | 'outbound'): void {
    const state = (direction === 'inbound' ? this.inbound : this.outbound)?.get(ssrc) ?? this.newStream(direction, ssrc, roc);
    state.rollover.set(roc);
    state.replay.reset();
  }

  /** The index `protect` would give the next packet of `ssrc` with sequence number `seq` (nothing changes). */
  peekProtectIndex(ssrc: number, seq: number): number {
    const state = this.outbound?.get(ssrc);
    return state === undefined ? seq : state.rollover.estimate(seq);
  }

  /**
   * HA takeover (docs/ha.md): the stream continues strictly above `index` — ROC and s_l from it,
   * and nothing at or below it accepted (inbound) or protected (outbound) again.
   */
  resumeAbove(ssrc: number, index: number, direction: 'inbound' | 'outbound'): void {
    const state = (direction === 'inbound' ? this.inbound : this.outbound)?.get(ssrc) ?? this.newStream(direction, ssrc, 0);
    state.rollover.resume(index);
    state.replay.startAbove(index);
  }

  streamCount(): number {
    return (this.inbound?.size ?? 0) + (this.outbound?.size ?? 0);
  }

  /** Whether any per-SSRC state or scratch stream exists (tests: state is made on first use, dropped at wipe). */
  get holdsState(): boolean {
    return this.inbound !== null || this.outbound !== null || this.scratch !== null;
  }

  wipe(): void {
    wipeStreams(this.inbound);
    wipeStreams(this.outbound);
    this.scratch?.wipe();
    this.inbound = null;
    this.outbound = null;
    this.scratch = null;
  }

  private newStream(direction: 'inbound' | 'outbound', ssrc: number, roc: number): StreamState {
    const state = new StreamState(ssrc, roc, this.s.replayWindow, this.s.views, SRTP_AHEAD_BYTES);
    if (direction === 'inbound') (this.inbound ??= new Map()).set(ssrc, state);
    else (this.outbound ??= new Map()).set(ssrc, state);
    return state;
  }

  /** The commit step: ROC, replay window and key usage, for a packet that authenticated (or was built). */
  private commit(state: StreamState, key: MasterKey, index: AcceptedIndex): void {
    state.rollover.commit(index);
    state.replay.accept(index);
    this.s.ring.countSrtp(key);
  }
}
