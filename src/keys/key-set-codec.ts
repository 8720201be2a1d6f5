/**
 * Binary encoding of labelled key sets, the plaintext inside secretbox (persisted state) and
 * crypto_box_seal (sealed delivery). Binary rather than JSON so key bytes never become JS
 * strings, which cannot be wiped; the encoded buffer is wiped by the caller after sealing.
 *
 * Layout (v1): version u8, set count u8, then per set: label (u8 length + ASCII), profile name
 * (u8 length + ASCII), flags u8 (UNENCRYPTED_SRTP, UNENCRYPTED_SRTCP, UNAUTHENTICATED_SRTP),
 * KDR exponent u8 (255: none), WSH u32 (0: none), MKI length u8, key count u8, then per key:
 * lifetime f64 (0: none), key (u8 length + bytes), salt (u8 length + bytes), MKI bytes.
 */
import { KeyError, KeyErrorCode } from './errors';
import { MasterKey } from './master-key';
import { MasterKeySet } from './master-key-set';
import type { SessionParams } from './session-params';
import { wipe } from './sodium';
import { resolveSuite } from './suite-resolution';

const VERSION = 1;

export interface LabelledKeySet {
  /** e.g. "audio/send"; ASCII, at most 255 bytes. */
  readonly label: string;
  readonly set: MasterKeySet;
}

class Writer {
  readonly chunks: Uint8Array[] = [];
  u8(v: number): void {
    this.chunks.push(Uint8Array.of(v));
  }
  u32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v);
    this.chunks.push(b);
  }
  f64(v: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v);
    this.chunks.push(b);
  }
  bytes(b: Uint8Array): void {
    this.chunks.push(b);
  }
  ascii(s: string): void {
    if (!/^[\x20-\x7e]{0,255}$/.test(s)) throw new KeyError(KeyErrorCode.BadOption, 'labels and names must be printable ASCII of at most 255 characters');
    this.u8(s.length);
    this.chunks.push(Uint8Array.from(Buffer.from(s, 'ascii')));
  }
  /** Concatenate, then wipe the pieces (some hold key bytes). */
  finish(): Uint8Array {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
      wipe(c);
    }
    return out;
  }
}

export function encodeKeySets(sets: readonly LabelledKeySet[]): Uint8Array {
  if (sets.length > 255) throw new KeyError(KeyErrorCode.BadOption, 'at most 255 key sets per encoding');
  const w = new Writer();
  w.u8(VERSION);
  w.u8(sets.length);
  for (const { label, set } of sets) {
    const d = set.deliver();
    w.ascii(label);
    w.ascii(d.profile);
    const p = d.params;
    w.u8((p.unencryptedSrtp ? 1 : 0) | (p.unencryptedSrtcp ? 2 : 0) | (p.unauthenticatedSrtp ? 4 : 0));
    w.u8(p.kdrExponent ?? 255);
    w.u32(p.windowSizeHint ?? 0);
    w.u8(d.mkiLength);
    w.u8(d.keys.length);
    for (const k of d.keys) {
      w.f64(k.lifetime ?? 0);
      w.u8(k.key.length);
      w.bytes(k.key);
      w.u8(k.salt.length);
      w.bytes(k.salt);
      if (k.mki !== undefined) w.bytes(k.mki);
    }
  }
  return w.finish();
}

class Reader {
  at = 0;
  constructor(readonly buf: Uint8Array) {}
  need(n: number): void {
    if (this.at + n > this.buf.length) throw bad('truncated');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.at++];
  }
  u32(): number {
    this.need(4);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.at, 4).getUint32(0);
    this.at += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.at, 8).getFloat64(0);
    this.at += 8;
    return v;
  }
  /** A view, not a copy: MasterKey.fromBytes copies, and the caller wipes the whole buffer. */
  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  ascii(): string {
    const n = this.u8();
    return Buffer.from(this.bytes(n)).toString('ascii');
  }
}

function bad(what: string): KeyError {
  return new KeyError(KeyErrorCode.BadSealedData, `key set encoding is malformed: ${what}`);
}

/** Decode; on any error every key already built is released. Does not wipe `buf`. */
export function decodeKeySets(buf: Uint8Array, options: { allowNull?: boolean } = {}): LabelledKeySet[] {
  const r = new Reader(buf);
  const out: LabelledKeySet[] = [];
  const pending: MasterKey[] = [];
  try {
    if (r.u8() !== VERSION) throw bad('unknown version');
    const count = r.u8();
    for (let s = 0; s < count; s++) {
      const label = r.ascii();
      const profile = resolveSuite(r.ascii(), options);
      const flags = r.u8();
      const kdr = r.u8();
      const wsh = r.u32();
      const mkiLength = r.u8();
      const keyCount = r.u8();
      if (flags > 7 || (kdr !== 255 && kdr > 24) || keyCount === 0) throw bad('bad set header');
      const params: SessionParams = {
        unencryptedSrtp: (flags & 1) !== 0,
        unencryptedSrtcp: (flags & 2) !== 0,
        unauthenticatedSrtp: (flags & 4) !== 0,
        kdrExponent: kdr === 255 ? null : kdr,
        windowSizeHint: wsh === 0 ? null : wsh,
      };
      const keys: MasterKey[] = [];
      for (let k = 0; k < keyCount; k++) {
        const lifetime = r.f64();
        const key = r.bytes(r.u8());
        const salt = r.bytes(r.u8());
        const mki = mkiLength > 0 ? r.bytes(mkiLength) : undefined;
        const mk = MasterKey.fromBytes(key, salt, {
          ...(mki !== undefined ? { mki } : {}),
          ...(lifetime > 0 ? { lifetime } : {}),
        });
        pending.push(mk);
        keys.push(mk);
      }
      out.push({ label, set: new MasterKeySet(profile, keys, params) });
    }
    if (r.at !== buf.length) throw bad('trailing bytes');
    return out;
  } catch (err) {
    for (const k of pending) k.release();
    if (err instanceof KeyError && err.code !== KeyErrorCode.BadSealedData) throw bad(err.message);
    throw err;
  }
}
