/**
 * SRTP (RTP) protect, unprotect and verify for one context (RFC 3711 §3.3, §4; RFC 7714 §8).
 *
 * Every path is check -> authenticate -> commit: the replay window, ROC and key usage change
 * only after the tag verified (or, when protecting, after the packet was built). Results are
 * SrtpStatus codes; nothing here throws or allocates in steady state when the caller gives an
 * output buffer (GCM aside: node:crypto's AEAD needs a cipher object per packet).
 */
import { rtpHeaderLength, rtpSequenceNumber, rtpSsrc, RTP_FIXED_HEADER_LENGTH } from '../rtp/rtp-header';
import { copyBytes, copyPacketPrefix } from './byte-copy';
import { GCM_TAG_LENGTH } from './aes-gcm-aead';
import { constantTimeEqual } from './hmac-sha1';
import { SrtpStatus } from './srtp-status';
import { StreamState } from './stream-state';
import { sessionCryptoFor, writeTagPrefix, type TransformSettings } from './transform-common';
import { xorInPlace } from './word-xor';

const SEQ_MOD = 0x10000;

export class SrtpTransform {
  private readonly s: TransformSettings;
  private readonly outbound = new Map<number, StreamState>();
  private readonly inbound = new Map<number, StreamState>();
  /** Stands in for an inbound SSRC not seen yet, so a rejected packet creates no state. */
  private readonly scratch: StreamState;

  constructor(settings: TransformSettings) {
    this.s = settings;
    this.scratch = new StreamState(0, 0, settings.replayWindow);
  }

  /** Bytes protect adds to a packet: the tag (AEAD tag for GCM) and the MKI. */
  get overhead(): number {
    return this.s.srtpTagLength + this.s.ring.mkiLength;
  }

  protect(input: Uint8Array, length: number, out: Uint8Array | undefined): SrtpStatus {
    const s = this.s;
    const headerLength = rtpHeaderLength(input, length);
    if (headerLength < 0) return length < RTP_FIXED_HEADER_LENGTH ? SrtpStatus.TooShort : SrtpStatus.Malformed;
    const key = s.ring.active;
    if (key.srtpUsed >= key.srtpLifetime) return SrtpStatus.KeyExpired;
    const ssrc = rtpSsrc(input);
    let state = this.outbound.get(ssrc);
    if (state === undefined) {
      state = new StreamState(ssrc, 0, s.replayWindow);
      this.outbound.set(ssrc, state);
    }
    const index = state.rollover.estimate(rtpSequenceNumber(input));
    if (index < 0) return SrtpStatus.KeyExpired;
    // Never reuse (key, SSRC, index): a repeated or stale index is refused on the way out too.
    const replay = state.replay.check(index);
    if (replay !== SrtpStatus.Ok) return replay;

    const mkiLength = s.ring.mkiLength;
    const total = length + s.srtpTagLength + mkiLength;
    const dst = out ?? Buffer.allocUnsafe(total);
    if (dst.length < total) return SrtpStatus.OutputTooSmall;
    const crypto = sessionCryptoFor(s, state, key, index, false);
    const roc = Math.floor(index / SEQ_MOD);

    const ahead = state.ahead;
    if (crypto.gcm !== null) {
      copyPacketPrefix(input, dst, length);
      ahead.locate(crypto, ssrc, index, length - headerLength);
      crypto.gcm.seal(dst, headerLength, length, dst, 0, headerLength, null, ahead.buffer, ahead.offset, ahead.words);
      if (key.mki !== null) copyBytes(key.mki, 0, dst, length + GCM_TAG_LENGTH, mkiLength);
    } else {
      copyPacketPrefix(input, dst, length);
      if (crypto.keystream !== null && s.encryptSrtp) {
        ahead.locate(crypto, ssrc, index, length - headerLength);
        xorInPlace(dst, headerLength, length - headerLength, ahead.buffer, ahead.offset, ahead.words);
      }
      if (key.mki !== null) copyBytes(key.mki, 0, dst, length, mkiLength);
      if (s.srtpTagLength > 0 && crypto.hmac !== null) {
        // RFC 3711 §4.2: the tag covers header and encrypted payload, then the ROC; not the MKI.
        writeTagPrefix(crypto.hmac.compute(dst, 0, length, true, roc), dst, length + mkiLength, s.srtpTagLength);
      }
    }
    state.rollover.commit(index);
    state.replay.commit(index);
    s.ring.countSrtp(key);
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
    const payloadEnd = length - tagLength - mkiLength;
    if (payloadEnd < headerLength) return SrtpStatus.TooShort;
    const isGcm = s.profile.aead;
    // MKI position: before the HMAC tag (RFC 3711 §3.1), after the AEAD tag (RFC 7714 §8).
    const key = s.ring.find(input, isGcm ? length - mkiLength : payloadEnd);
    if (key === null) return SrtpStatus.UnknownMki;
    if (key.srtpUsed >= key.srtpLifetime) return SrtpStatus.KeyExpired;

    const ssrc = rtpSsrc(input);
    let state = this.inbound.get(ssrc);
    const known = state !== undefined;
    if (state === undefined) {
      state = this.scratch;
      state.resetTo(ssrc, 0);
    }
    const index = state.rollover.estimate(rtpSequenceNumber(input));
    if (index < 0) return SrtpStatus.TooOld;
    const replay = state.replay.check(index);
    if (replay !== SrtpStatus.Ok) return replay;
    const crypto = sessionCryptoFor(s, state, key, index, false);
    const roc = Math.floor(index / SEQ_MOD);
    const plainLength = payloadEnd;

    let dst: Uint8Array = input;
    if (!verifyOnly) {
      dst = out ?? Buffer.allocUnsafe(plainLength);
      if (dst.length < plainLength) return SrtpStatus.OutputTooSmall;
    }

    const ahead = state.ahead;
    if (crypto.gcm !== null) {
      // RFC 7714 §8: the tag is checked before anything is decrypted.
      ahead.locate(crypto, ssrc, index, payloadEnd - headerLength);
      // Decrypt in the output: copy first (one native copy), then verify and decrypt in place.
      const buf = verifyOnly ? input : dst;
      if (!verifyOnly) copyPacketPrefix(input, dst, payloadEnd);
      if (!crypto.gcm.open(buf, headerLength, payloadEnd, input, payloadEnd, buf, 0, headerLength, null, !verifyOnly, ahead.buffer, ahead.offset, ahead.words)) {
        return SrtpStatus.AuthFailed;
      }
    } else {
      if (tagLength > 0 && crypto.hmac !== null) {
        const digest = crypto.hmac.compute(input, 0, payloadEnd, true, roc);
        if (!constantTimeEqual(digest, 0, input, length - tagLength, tagLength)) return SrtpStatus.AuthFailed;
      }
      if (!verifyOnly) {
        copyPacketPrefix(input, dst, payloadEnd);
        if (crypto.keystream !== null && s.encryptSrtp) {
          ahead.locate(crypto, ssrc, index, payloadEnd - headerLength);
          xorInPlace(dst, headerLength, payloadEnd - headerLength, ahead.buffer, ahead.offset, ahead.words);
        }
      }
    }

    if (!known) {
      state = StreamState.promote(this.scratch, s.replayWindow);
      this.inbound.set(ssrc, state);
    }
    state.rollover.commit(index);
    state.replay.commit(index);
    s.ring.countSrtp(key);
    if (!verifyOnly) {
      s.result.output = dst;
      s.result.length = plainLength;
    } else {
      s.result.output = input;
      s.result.length = length;
    }
    return SrtpStatus.Ok;
  }

  getRoc(ssrc: number, direction: 'inbound' | 'outbound'): number | undefined {
    return (direction === 'inbound' ? this.inbound : this.outbound).get(ssrc)?.rollover.roc;
  }

  /** Highest index accepted from an inbound SSRC (RFC 3711 §3.3.2), -1 when none yet. */
  highestInbound(ssrc: number): number {
    return this.inbound.get(ssrc)?.replay.highest ?? -1;
  }

  /** RFC 3711 §3.3.1: a late joiner learns the ROC from signaling; s_l comes from the next packet. */
  setRoc(ssrc: number, roc: number, direction: 'inbound' | 'outbound'): void {
    const map = direction === 'inbound' ? this.inbound : this.outbound;
    let state = map.get(ssrc);
    if (state === undefined) {
      state = new StreamState(ssrc, roc, this.s.replayWindow);
      map.set(ssrc, state);
    }
    state.rollover.set(roc);
    state.replay.reset();
  }

  streamCount(): number {
    return this.inbound.size + this.outbound.size;
  }

  wipe(): void {
    for (const st of this.inbound.values()) st.wipe();
    for (const st of this.outbound.values()) st.wipe();
    this.scratch.wipe();
    this.inbound.clear();
    this.outbound.clear();
  }

}
