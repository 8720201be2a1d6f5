/**
 * SRTCP protect, unprotect and verify (RFC 3711 §3.4; RFC 7714 §9, §17).
 *
 * Wire format, HMAC profiles: header(8) | [encrypted] rest | E||index(4) | [MKI] | tag.
 * AEAD profiles, E=1:          header(8) | ciphertext | tag(16) | E||index(4) | [MKI].
 * AEAD profiles, E=0:          packet | tag(16) | E||index(4) | [MKI].
 * The tag covers everything before the MKI (HMAC) or the header and trailer as associated data.
 */
import { readUint32, writeUint32 } from '../rtp/rtp-header';
import { rtcpSenderSsrc, RTCP_HEADER_LENGTH } from '../rtp/rtcp-header';
import { GCM_TAG_LENGTH } from './aes-gcm-aead';
import { copyBytes, copyPacketPrefix } from './byte-copy';
import { constantTimeEqual } from './hmac-sha1';
import { SrtpStatus } from './srtp-status';
import { StreamState } from './stream-state';
import { sessionCryptoFor, writeTagPrefix, type TransformSettings } from './transform-common';
import { xorInPlace } from './word-xor';

const TRAILER = 4;
const E_FLAG = 0x80000000;
const MAX_SRTCP_INDEX = 0x7fffffff;

function rtcpShapeStatus(input: Uint8Array, length: number): SrtpStatus {
  if (length < RTCP_HEADER_LENGTH) return SrtpStatus.TooShort;
  return input[0] >>> 6 === 2 ? SrtpStatus.Ok : SrtpStatus.Malformed;
}

export class SrtcpTransform {
  private readonly s: TransformSettings;
  private readonly outbound = new Map<number, StreamState>();
  private readonly inbound = new Map<number, StreamState>();
  private readonly scratch: StreamState;
  private readonly trailer = new Uint8Array(TRAILER);

  constructor(settings: TransformSettings) {
    this.s = settings;
    this.scratch = new StreamState(0, 0, settings.srtcpReplayWindow);
  }

  get overhead(): number {
    return TRAILER + this.s.srtcpTagLength + this.s.ring.mkiLength;
  }

  /** E flag we send: confidentiality unless UNENCRYPTED_SRTCP or the NULL cipher. */
  private get encrypting(): boolean {
    return this.s.encryptSrtcp && this.s.profile.cipher !== 'null';
  }

  protect(input: Uint8Array, length: number, out: Uint8Array | undefined): SrtpStatus {
    const s = this.s;
    const shape = rtcpShapeStatus(input, length);
    if (shape !== SrtpStatus.Ok) return shape;
    const key = s.ring.active;
    if (key.srtcpUsed >= key.srtcpLifetime) return SrtpStatus.KeyExpired;
    const ssrc = rtcpSenderSsrc(input);
    let state = this.outbound.get(ssrc);
    if (state === undefined) {
      state = new StreamState(ssrc, 0, s.srtcpReplayWindow);
      this.outbound.set(ssrc, state);
    }
    const index = state.srtcpIndex + 1;
    if (index > MAX_SRTCP_INDEX) return SrtpStatus.KeyExpired;
    const mkiLength = s.ring.mkiLength;
    const total = length + TRAILER + s.srtcpTagLength + mkiLength;
    const dst = out ?? Buffer.allocUnsafe(total);
    if (dst.length < total) return SrtpStatus.OutputTooSmall;
    const crypto = sessionCryptoFor(s, state, key, index, true);
    const encrypt = this.encrypting;
    const trailerValue = encrypt ? (E_FLAG + index) : index;

    const ahead = state.ahead;
    if (crypto.gcm !== null) {
      const gcm = crypto.gcm;
      const trailer = this.trailer;
      writeUint32(trailer, 0, trailerValue);
      // RFC 7714 §9.1's SRTCP IV equals the SRTP layout with index>>>16 as "ROC": one keystream cache serves both.
      ahead.locate(crypto, ssrc, index, encrypt ? length - RTCP_HEADER_LENGTH : 0);
      copyPacketPrefix(input, dst, length);
      if (encrypt) gcm.seal(dst, RTCP_HEADER_LENGTH, length, dst, 0, RTCP_HEADER_LENGTH, trailer, ahead.buffer, ahead.offset, ahead.words);
      else gcm.seal(dst, length, length, dst, 0, length, trailer, ahead.buffer, ahead.offset, ahead.words);
      writeUint32(dst, length + GCM_TAG_LENGTH, trailerValue);
      if (key.mki !== null) copyBytes(key.mki, 0, dst, length + GCM_TAG_LENGTH + TRAILER, mkiLength);
    } else {
      copyPacketPrefix(input, dst, length);
      if (encrypt && crypto.keystream !== null) {
        ahead.locate(crypto, ssrc, index, length - RTCP_HEADER_LENGTH);
        xorInPlace(dst, RTCP_HEADER_LENGTH, length - RTCP_HEADER_LENGTH, ahead.buffer, ahead.offset, ahead.words);
      }
      writeUint32(dst, length, trailerValue);
      if (key.mki !== null) copyBytes(key.mki, 0, dst, length + TRAILER, mkiLength);
      const hmac = crypto.hmac;
      if (hmac !== null) writeTagPrefix(hmac.compute(dst, 0, length + TRAILER, false, 0), dst, length + TRAILER + mkiLength, s.srtcpTagLength);
    }
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
    const isGcm = s.profile.aead;
    // HMAC: ... trailer | MKI | tag.  AEAD: ... tag | trailer | MKI.
    const trailerStart = isGcm ? length - mkiLength - TRAILER : length - tagLength - mkiLength - TRAILER;
    const bodyEnd = isGcm ? trailerStart - GCM_TAG_LENGTH : trailerStart;
    if (bodyEnd < RTCP_HEADER_LENGTH) return SrtpStatus.TooShort;
    const key = s.ring.find(input, isGcm ? length - mkiLength : trailerStart + TRAILER);
    if (key === null) return SrtpStatus.UnknownMki;
    if (key.srtcpUsed >= key.srtcpLifetime) return SrtpStatus.KeyExpired;

    const trailerValue = readUint32(input, trailerStart);
    const encrypted = trailerValue >= E_FLAG;
    const index = encrypted ? trailerValue - E_FLAG : trailerValue;
    // RFC 3711 §3.4: E says whether this packet is encrypted; it must match what was negotiated,
    // or a receiver expecting confidential RTCP would take cleartext (the tag covers E, so only
    // a misconfigured or downgrading sender produces this).
    if (encrypted !== this.encrypting) return SrtpStatus.PolicyMismatch;
    const ssrc = rtcpSenderSsrc(input);
    let state = this.inbound.get(ssrc);
    const known = state !== undefined;
    if (state === undefined) {
      state = this.scratch;
      state.resetTo(ssrc, 0);
    }
    const replay = state.replay.check(index);
    if (replay !== SrtpStatus.Ok) return replay;
    const crypto = sessionCryptoFor(s, state, key, index, true);

    let dst: Uint8Array = input;
    if (!verifyOnly) {
      dst = out ?? Buffer.allocUnsafe(bodyEnd);
      if (dst.length < bodyEnd) return SrtpStatus.OutputTooSmall;
    }

    const ahead = state.ahead;
    if (crypto.gcm !== null) {
      const gcm = crypto.gcm;
      const trailer = this.trailer;
      copyBytes(input, trailerStart, trailer, 0, TRAILER);
      ahead.locate(crypto, ssrc, index, encrypted ? bodyEnd - RTCP_HEADER_LENGTH : 0);
      if (encrypted) {
        const buf = verifyOnly ? input : dst;
        if (!verifyOnly) copyPacketPrefix(input, dst, bodyEnd);
        if (!gcm.open(buf, RTCP_HEADER_LENGTH, bodyEnd, input, bodyEnd, buf, 0, RTCP_HEADER_LENGTH, trailer, !verifyOnly, ahead.buffer, ahead.offset, ahead.words)) {
          return SrtpStatus.AuthFailed;
        }
      } else {
        if (!gcm.open(input, bodyEnd, bodyEnd, input, bodyEnd, input, 0, bodyEnd, trailer, false, ahead.buffer, ahead.offset, ahead.words)) return SrtpStatus.AuthFailed;
        if (!verifyOnly) copyPacketPrefix(input, dst, bodyEnd);
      }
    } else {
      const hmac = crypto.hmac;
      if (hmac === null) return SrtpStatus.AuthFailed;
      const digest = hmac.compute(input, 0, trailerStart + TRAILER, false, 0);
      if (!constantTimeEqual(digest, 0, input, length - tagLength, tagLength)) return SrtpStatus.AuthFailed;
      if (!verifyOnly) {
        copyPacketPrefix(input, dst, bodyEnd);
        if (encrypted && crypto.keystream !== null) {
          ahead.locate(crypto, ssrc, index, bodyEnd - RTCP_HEADER_LENGTH);
          xorInPlace(dst, RTCP_HEADER_LENGTH, bodyEnd - RTCP_HEADER_LENGTH, ahead.buffer, ahead.offset, ahead.words);
        }
      }
    }

    if (!known) {
      state = StreamState.promote(this.scratch, s.srtcpReplayWindow);
      this.inbound.set(ssrc, state);
    }
    state.replay.commit(index);
    s.ring.countSrtcp(key);
    s.result.output = verifyOnly ? input : dst;
    s.result.length = verifyOnly ? length : bodyEnd;
    return SrtpStatus.Ok;
  }

  /** Highest SRTCP index accepted from an inbound SSRC (RFC 3711 §3.3.2), -1 when none yet. */
  highestInbound(ssrc: number): number {
    return this.inbound.get(ssrc)?.replay.highest ?? -1;
  }

  wipe(): void {
    for (const st of this.inbound.values()) st.wipe();
    for (const st of this.outbound.values()) st.wipe();
    this.scratch.wipe();
    this.inbound.clear();
    this.outbound.clear();
  }

}
