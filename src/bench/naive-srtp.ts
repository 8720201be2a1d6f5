/**
 * The naive baseline: SRTP written the obvious way on node:crypto, creating a cipher and an HMAC
 * object for every packet and allocating its output with Buffer.concat. It does the same checks
 * as a real stack (index estimate, replay window, tag before decryption) so the difference to
 * the engine is the per-packet object and allocation cost the design notes warn about.
 * Benchmark baseline only; never used on the media path.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import type { CipherGCMTypes } from 'node:crypto';
import type { ProtectionProfile } from '../srtp/protection-profile';

const REPLAY_WINDOW = 128;

function aesName(bytes: number, mode: 'ctr'): string {
  return `aes-${bytes * 8}-${mode}`;
}

function gcmName(bytes: number): CipherGCMTypes {
  return bytes === 32 ? 'aes-256-gcm' : bytes === 24 ? 'aes-192-gcm' : 'aes-128-gcm';
}

/** RFC 3711 §4.3.1 AES-CM PRF with kdr = 0; a GCM salt is padded to 14 bytes (RFC 7714 erratum 4938). */
function prf(profile: ProtectionProfile, key: Buffer, salt: Buffer, label: number, n: number): Buffer {
  const iv = Buffer.alloc(16);
  salt.copy(iv);
  iv[7] ^= label;
  return createCipheriv(aesName(profile.masterKeyLength, 'ctr'), key, iv).update(Buffer.alloc(n));
}

function headerLength(pkt: Buffer, len: number): number {
  if (len < 12 || pkt[0] >> 6 !== 2) return -1;
  let hl = 12 + 4 * (pkt[0] & 0x0f);
  if ((pkt[0] & 0x10) !== 0) {
    if (len < hl + 4) return -1;
    hl += 4 + 4 * pkt.readUInt16BE(hl + 2);
  }
  return hl <= len ? hl : -1;
}

export class NaiveSrtp {
  private readonly profile: ProtectionProfile;
  private readonly ke: Buffer;
  private readonly ka: Buffer;
  private readonly ks: Buffer;
  private started = false;
  private roc = 0;
  private sl = 0;
  private highest = 0;
  /** slot i holds the last index seen with index % REPLAY_WINDOW === i */
  private readonly seen = new Float64Array(REPLAY_WINDOW).fill(-1);

  constructor(profile: ProtectionProfile, masterKey: Buffer, masterSalt: Buffer) {
    this.profile = profile;
    this.ke = prf(profile, masterKey, masterSalt, 0, profile.masterKeyLength);
    this.ka = prf(profile, masterKey, masterSalt, 1, 20);
    this.ks = prf(profile, masterKey, masterSalt, 2, profile.sessionSaltLength);
  }

  /** RFC 3711 Appendix A. */
  private guessRoc(seq: number): number {
    if (!this.started) return 0;
    if (this.sl < 32768) return seq - this.sl > 32768 ? this.roc - 1 : this.roc;
    return this.sl - 32768 > seq ? this.roc + 1 : this.roc;
  }

  private commit(roc: number, seq: number, index: number): void {
    if (!this.started || roc === this.roc + 1) {
      this.roc = roc;
      this.sl = seq;
    } else if (roc === this.roc && seq > this.sl) {
      this.sl = seq;
    }
    if (!this.started || index > this.highest) this.highest = index;
    this.seen[index % REPLAY_WINDOW] = index;
    this.started = true;
  }

  private iv(ssrc: number, roc: number, seq: number): Buffer {
    if (this.profile.aead) {
      const iv = Buffer.alloc(12);
      iv.writeUInt32BE(ssrc, 2);
      iv.writeUInt32BE(roc >>> 0, 6);
      iv.writeUInt16BE(seq, 10);
      for (let i = 0; i < 12; i++) iv[i] ^= this.ks[i];
      return iv;
    }
    const iv = Buffer.alloc(16);
    iv.writeUInt32BE(ssrc, 4);
    iv.writeUInt32BE(roc >>> 0, 8);
    iv.writeUInt16BE(seq, 12);
    for (let i = 0; i < 14; i++) iv[i] ^= this.ks[i];
    return iv;
  }

  private tag(data: Buffer, roc: number): Buffer {
    const r = Buffer.alloc(4);
    r.writeUInt32BE(roc >>> 0);
    return createHmac('sha1', this.ka).update(data).update(r).digest().subarray(0, this.profile.srtpTagLength);
  }

  /** Returns the SRTP packet, or null when the RTP packet is malformed. */
  protect(pkt: Buffer): Buffer | null {
    const hl = headerLength(pkt, pkt.length);
    if (hl < 0) return null;
    const seq = pkt.readUInt16BE(2);
    const ssrc = pkt.readUInt32BE(8);
    const roc = this.guessRoc(seq);
    const header = pkt.subarray(0, hl);
    let out: Buffer;
    if (this.profile.aead) {
      const c = createCipheriv(gcmName(this.profile.masterKeyLength), this.ke, this.iv(ssrc, roc, seq));
      c.setAAD(header);
      const enc = Buffer.concat([c.update(pkt.subarray(hl)), c.final()]);
      out = Buffer.concat([header, enc, c.getAuthTag()]);
    } else {
      const c = createCipheriv(aesName(this.profile.masterKeyLength, 'ctr'), this.ke, this.iv(ssrc, roc, seq));
      const body = Buffer.concat([header, c.update(pkt.subarray(hl))]);
      out = Buffer.concat([body, this.tag(body, roc)]);
    }
    this.commit(roc, seq, roc * 0x10000 + seq);
    return out;
  }

  /** Returns the RTP packet, or null when it is malformed, replayed or forged. */
  unprotect(pkt: Buffer): Buffer | null {
    const tagLen = this.profile.srtpTagLength;
    const body = pkt.length - tagLen;
    const hl = headerLength(pkt, body);
    if (hl < 0) return null;
    const seq = pkt.readUInt16BE(2);
    const ssrc = pkt.readUInt32BE(8);
    const roc = this.guessRoc(seq);
    const index = roc * 0x10000 + seq;
    if (this.started && (index + REPLAY_WINDOW <= this.highest || this.seen[index % REPLAY_WINDOW] === index)) return null;
    let out: Buffer;
    if (this.profile.aead) {
      const d = createDecipheriv(gcmName(this.profile.masterKeyLength), this.ke, this.iv(ssrc, roc, seq));
      d.setAAD(pkt.subarray(0, hl));
      d.setAuthTag(pkt.subarray(body));
      try {
        out = Buffer.concat([pkt.subarray(0, hl), d.update(pkt.subarray(hl, body)), d.final()]);
      } catch {
        return null;
      }
    } else {
      const expected = this.tag(pkt.subarray(0, body), roc);
      if (!timingSafeEqual(expected, pkt.subarray(body))) return null;
      const d = createDecipheriv(aesName(this.profile.masterKeyLength, 'ctr'), this.ke, this.iv(ssrc, roc, seq));
      out = Buffer.concat([pkt.subarray(0, hl), d.update(pkt.subarray(hl, body))]);
    }
    this.commit(roc, seq, index);
    return out;
  }
}
