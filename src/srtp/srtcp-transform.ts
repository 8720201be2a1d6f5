/**
 * SRTCP protect, unprotect and verify (RFC 3711 §3.4; RFC 7714 §9, §17).
 *
 * Wire format (srtp-cipher.ts): header(8) | body | AEAD tag | E||index(4) | [MKI] | HMAC tag,
 * one of the tags empty. E says whether the body is encrypted; the HMAC covers everything up to
 * and including E||index, the AEAD tag covers header and E||index as associated data (and the
 * body too when E = 0). Check -> authenticate -> commit, as in srtp-transform.ts.
 */
import { readUint32, writeUint32 } from '../rtp/rtp-header';
import { rtcpSenderSsrc, RTCP_HEADER_LENGTH } from '../rtp/rtcp-header';
import { copyBytes, copyPacketPrefix } from './byte-copy';
import { SRTCP_AHEAD_BYTES } from './keystream-ahead';
import type { PacketFrame } from './packet-frame';
import { isAccepted, rejectionStatus } from './replay-window';
import { SrtpStatus } from './srtp-status';
import { StreamState, wipeStreams } from './stream-state';
import { cipherFor, type TransformSettings } from './transform-common';

/** The E||SRTCP index word (RFC 3711 §3.4). */
export const SRTCP_TRAILER_LENGTH = 4;
const TRAILER = SRTCP_TRAILER_LENGTH;
const E_FLAG = 0x80000000;
const MAX_SRTCP_INDEX = 0x7fffffff;

function rtcpShapeStatus(input: Uint8Array, length: number): SrtpStatus {
  if (length < RTCP_HEADER_LENGTH) return SrtpStatus.TooShort;
  return input[0] >>> 6 === 2 ? SrtpStatus.Ok : SrtpStatus.Malformed;
}

export class SrtcpTransform {
  private readonly s: TransformSettings;
  /** Per-SSRC streams by direction, each Map made with its first stream (as in srtp-transform.ts). */
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

  protect(input: Uint8Array, length: number, out: Uint8Array | undefined): SrtpStatus {
    const s = this.s;
    const shape = rtcpShapeStatus(input, length);
    if (shape !== SrtpStatus.Ok) return shape;
    const key = s.ring.active;
    if (key.srtcpUsed >= key.srtcpLifetime) return SrtpStatus.KeyExpired;
    const ssrc = rtcpSenderSsrc(input);
    let state = this.outbound?.get(ssrc);
    if (state === undefined) state = this.newStream('outbound', ssrc);
    // The sender's index only grows (RFC 3711 §3.4), so it never repeats: no replay check needed.
    const index = state.srtcpIndex + 1;
    if (index > MAX_SRTCP_INDEX) return SrtpStatus.KeyExpired;
    const mkiLength = s.ring.mkiLength;
    const trailerStart = length + s.aeadTagLength;
    const mkiAt = trailerStart + TRAILER;
    const total = mkiAt + mkiLength + s.srtcpTagLength;
    const dst = out ?? Buffer.allocUnsafe(total);
    if (dst.length < total) return SrtpStatus.OutputTooSmall;
    const cipher = cipherFor(s, state, key, index, true);
    const encrypt = s.encryptSrtcp;
    copyPacketPrefix(input, dst, length);
    writeUint32(dst, trailerStart, encrypt ? E_FLAG + index : index);
    if (key.mki !== null) copyBytes(key.mki, 0, dst, mkiAt, mkiLength);
    this.frame.rtcp(ssrc, index, RTCP_HEADER_LENGTH, length, encrypt, trailerStart, mkiAt + mkiLength, s.srtcpTagLength);
    cipher.protect(dst, this.frame, state.ahead);
    state.srtcpIndex = index;
    s.ring.countSrtcp(key);
    s.result.output = dst;
    s.result.length = total;
    return SrtpStatus.Ok;
  }

  unprotect(input: Uint8Array, length: number, out: Uint8Array | undefined, verifyOnly: boolean): SrtpStatus {
    const s = this.s;
    const shape = rtcpShapeStatus(input, length);
    if (shape !== SrtpStatus.Ok) return shape;
    const mkiLength = s.ring.mkiLength;
    const tagLength = s.srtcpTagLength;
    const mkiAt = length - tagLength - mkiLength;
    const trailerStart = mkiAt - TRAILER;
    const bodyEnd = trailerStart - s.aeadTagLength;
    if (bodyEnd < RTCP_HEADER_LENGTH) return SrtpStatus.TooShort;
    const key = s.ring.find(input, mkiAt);
    if (key === null) return SrtpStatus.UnknownMki;
    if (key.srtcpUsed >= key.srtcpLifetime) return SrtpStatus.KeyExpired;

    const trailerValue = readUint32(input, trailerStart);
    const encrypted = trailerValue >= E_FLAG;
    const index = encrypted ? trailerValue - E_FLAG : trailerValue;
    // RFC 3711 §3.4: E says whether this packet is encrypted; it must match what was negotiated,
    // or a receiver expecting confidential RTCP would take cleartext (the tag covers E, so only
    // a misconfigured or downgrading sender produces this).
    if (encrypted !== s.encryptSrtcp) return SrtpStatus.PolicyMismatch;
    const ssrc = rtcpSenderSsrc(input);
    let state = this.inbound?.get(ssrc);
    const known = state !== undefined;
    if (state === undefined) {
      if (this.scratch === null) this.scratch = new StreamState(0, 0, s.srtcpReplayWindow, s.views, SRTCP_AHEAD_BYTES);
      state = this.scratch;
      state.resetTo(ssrc, 0);
    }
    const verdict = state.replay.check(index);
    if (!isAccepted(verdict)) return rejectionStatus(verdict);
    const cipher = cipherFor(s, state, key, index, true);

    let dst: Uint8Array | null = null;
    if (!verifyOnly) {
      dst = out ?? Buffer.allocUnsafe(bodyEnd);
      if (dst.length < bodyEnd) return SrtpStatus.OutputTooSmall;
      copyPacketPrefix(input, dst, bodyEnd);
    }
    this.frame.rtcp(ssrc, index, RTCP_HEADER_LENGTH, bodyEnd, encrypted, trailerStart, length - tagLength, tagLength);
    if (!cipher.unprotect(input, dst, this.frame, state.ahead)) return SrtpStatus.AuthFailed;

    if (!known) {
      state = StreamState.promote(state, s.srtcpReplayWindow, s.views, SRTCP_AHEAD_BYTES);
      (this.inbound ??= new Map()).set(ssrc, state);
    }
    // The commit step: replay window and key usage, only for a packet that authenticated.
    state.replay.accept(verdict);
    s.ring.countSrtcp(key);
    s.result.output = dst ?? input;
    s.result.length = dst === null ? length : bodyEnd;
    return SrtpStatus.Ok;
  }

  /** The SRTCP index `protect` would give the next packet of `ssrc` (nothing changes). */
  peekProtectIndex(ssrc: number): number {
    return (this.outbound?.get(ssrc)?.srtcpIndex ?? 0) + 1;
  }

  /** HA takeover (docs/ha.md): the stream continues strictly above `index` (RFC 3711 §3.4). */
  resumeAbove(ssrc: number, index: number, direction: 'inbound' | 'outbound'): void {
    const state = (direction === 'inbound' ? this.inbound : this.outbound)?.get(ssrc) ?? this.newStream(direction, ssrc);
    if (direction === 'outbound') state.srtcpIndex = Math.max(state.srtcpIndex, index);
    state.replay.startAbove(index);
  }

  /** Highest SRTCP index accepted from an inbound SSRC (RFC 3711 §3.3.2), -1 when none yet. */
  highestInbound(ssrc: number): number {
    return this.inbound?.get(ssrc)?.replay.highest ?? -1;
  }

  wipe(): void {
    wipeStreams(this.inbound);
    wipeStreams(this.outbound);
    this.scratch?.wipe();
    this.inbound = null;
    this.outbound = null;
    this.scratch = null;
  }

  private newStream(direction: 'inbound' | 'outbound', ssrc: number): StreamState {
    const state = new StreamState(ssrc, 0, this.s.srtcpReplayWindow, this.s.views, SRTCP_AHEAD_BYTES);
    if (direction === 'inbound') (this.inbound ??= new Map()).set(ssrc, state);
    else (this.outbound ??= new Map()).set(ssrc, state);
    return state;
  }
}
