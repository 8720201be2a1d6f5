/**
 * A deliberately plain reference of SRTP/SRTCP protect for the AES counter-mode profiles
 * (RFC 3711 §4.1.1, §4.2, §4.3; RFC 6188 for AES-192/256), built on node:crypto one-shot calls.
 * Test-only: it allocates freely and has no replay or ROC logic (ROC is a parameter).
 *
 * It exists for AES-192, which the installed libsrtp cannot check (see the header of
 * libsrtp-differential.test.ts): libsrtp validates this model's packet transform when the model
 * is given libsrtp's session keys, RFC 6188 §7.4 validates the model's KDF, and our engine must
 * then match the model byte for byte.
 */
import { createCipheriv, createHmac } from 'node:crypto';

export interface SessionKeys {
  ke: Buffer;
  ka: Buffer;
  ks: Buffer;
}

/** RFC 3711 §4.3.1/§4.3.3 with KDR 0: AES-CM keystream over (salt XOR label<<48), IV low 16 bits 0. */
export function prf(masterKey: Buffer, masterSalt: Buffer, label: number, length: number): Buffer {
  const iv = Buffer.alloc(16);
  masterSalt.copy(iv, 0, 0, 14);
  iv[7] = (iv[7] as number) ^ label;
  return createCipheriv(`aes-${masterKey.length * 8}-ctr`, masterKey, iv).update(Buffer.alloc(length));
}

export function deriveRfc(masterKey: Buffer, masterSalt: Buffer, rtcp: boolean): SessionKeys {
  const base = rtcp ? 3 : 0;
  return {
    ke: prf(masterKey, masterSalt, base, masterKey.length),
    ka: prf(masterKey, masterSalt, base + 1, 20),
    ks: prf(masterKey, masterSalt, base + 2, 14),
  };
}

/**
 * libsrtp 2.x for a 24-byte key: srtp_stream_init_keys runs the AES-256 PRF (kdf_keylen 46)
 * over the zero-padded buffer key(24) || salt(14) || 0^8, i.e. AES-256 key = key || salt[0..8)
 * and PRF salt = salt[8..14) || 0^8. Not RFC 6188; modelled only to pin libsrtp's behaviour.
 */
export function deriveLibsrtp2Aes192(masterKey: Buffer, masterSalt: Buffer, rtcp: boolean): SessionKeys {
  const padded = Buffer.concat([masterKey, masterSalt, Buffer.alloc(8)]);
  const k = padded.subarray(0, 32);
  const s = padded.subarray(32, 46);
  const base = rtcp ? 3 : 0;
  return { ke: prf(k, s, base, 24), ka: prf(k, s, base + 1, 20), ks: prf(k, s, base + 2, 14) };
}

function counter(ks: Buffer, ssrc: number, index: number): Buffer {
  // RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)
  const iv = Buffer.alloc(16);
  ks.copy(iv, 0, 0, 14);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  const hi = Math.floor(index / 0x10000);
  const lo = index % 0x10000;
  iv.writeUInt32BE((iv.readUInt32BE(8) ^ hi) >>> 0, 8);
  iv.writeUInt16BE(iv.readUInt16BE(12) ^ lo, 12);
  return iv;
}

function rtpHeaderLength(p: Buffer): number {
  let n = 12 + 4 * ((p[0] as number) & 0x0f);
  if (((p[0] as number) & 0x10) !== 0) n += 4 + 4 * p.readUInt16BE(n + 2);
  return n;
}

export function protectRtp(keys: SessionKeys, packet: Buffer, roc: number, tagLength: number): Buffer {
  const h = rtpHeaderLength(packet);
  const ssrc = packet.readUInt32BE(8);
  const index = roc * 0x10000 + packet.readUInt16BE(2);
  const cipher = createCipheriv(`aes-${keys.ke.length * 8}-ctr`, keys.ke, counter(keys.ks, ssrc, index));
  const body = Buffer.concat([packet.subarray(0, h), cipher.update(packet.subarray(h))]);
  const rocBytes = Buffer.alloc(4);
  rocBytes.writeUInt32BE(roc >>> 0);
  const tag = createHmac('sha1', keys.ka).update(body).update(rocBytes).digest().subarray(0, tagLength);
  return Buffer.concat([body, tag]);
}

export function protectRtcp(keys: SessionKeys, packet: Buffer, srtcpIndex: number, tagLength: number): Buffer {
  const ssrc = packet.readUInt32BE(4);
  const cipher = createCipheriv(`aes-${keys.ke.length * 8}-ctr`, keys.ke, counter(keys.ks, ssrc, srtcpIndex));
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE((0x80000000 | srtcpIndex) >>> 0);
  const body = Buffer.concat([packet.subarray(0, 8), cipher.update(packet.subarray(8)), trailer]);
  const tag = createHmac('sha1', keys.ka).update(body).digest().subarray(0, tagLength);
  return Buffer.concat([body, tag]);
}
