/**
 * The engine's own primitives against node:crypto (OpenSSL), over every message length 0..300
 * and random keys: SHA-1 (the compression function, padded here per FIPS 180-4 §5.1.1),
 * HMAC-SHA1 (with and without SRTP's ROC suffix, at an offset), AES-CM keystream (the counter
 * builder), and AES-GCM: ciphertext and tag, which is GHASH over split associated data.
 *
 * Seeded: the seed is printed; rerun with SRTP_PRIMITIVES_SEED=<seed>.
 */
import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { AesCounterModeKeystream } from '../../../src/srtp/aes-cm-keystream';
import { AesGcmAead } from '../../../src/srtp/aes-gcm-aead';
import { HmacSha1 } from '../../../src/srtp/hmac-sha1';
import { sha1Compress, SHA1_INITIAL_STATE } from '../../../src/srtp/sha1-compress';
import { Prng, testSeed } from '../../helpers/prng';

const SEED = testSeed('SRTP_PRIMITIVES_SEED');
const MAX_LENGTH = 300;

beforeAll(() => {
  console.log(`primitives differential: seed ${SEED} (rerun with SRTP_PRIMITIVES_SEED=${SEED})`);
});

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** SHA-1 of `data` from sha1Compress and FIPS 180-4 §5.1.1 padding. */
function sha1(data: Uint8Array): Uint8Array {
  const padded = new Uint8Array(Math.ceil((data.length + 9) / 64) * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const bits = data.length * 8;
  new DataView(padded.buffer).setUint32(padded.length - 8, Math.floor(bits / 0x100000000));
  new DataView(padded.buffer).setUint32(padded.length - 4, bits >>> 0);
  const state = Int32Array.from(SHA1_INITIAL_STATE);
  for (let o = 0; o < padded.length; o += 64) sha1Compress(state, padded, o);
  const out = new Uint8Array(20);
  for (let i = 0; i < 5; i++) new DataView(out.buffer).setInt32(i * 4, state[i]);
  return out;
}

describe(`primitives against node:crypto (seed ${SEED})`, () => {
  it('SHA-1 at every length 0..300', () => {
    const rng = new Prng(SEED ^ 0x5a1);
    const bad: string[] = [];
    for (let n = 0; n <= MAX_LENGTH; n++) {
      const data = rng.bytes(n);
      const want = createHash('sha1').update(data).digest('hex');
      const got = hex(sha1(data));
      if (got !== want) bad.push(`[seed ${SEED}] length ${n}: ${got} != ${want}`);
    }
    expect(bad).toEqual([]);
  });

  it('HMAC-SHA1 at every length 0..300, random keys, with and without the ROC suffix, at an offset', () => {
    const rng = new Prng(SEED ^ 0x4ac);
    const bad: string[] = [];
    for (let n = 0; n <= MAX_LENGTH; n++) {
      const key = rng.bytes(rng.pick([20, rng.int(0, 64)]));
      const hmac = new HmacSha1(key);
      const offset = rng.int(0, 7);
      const buf = rng.bytes(offset + n + 3);
      const data = buf.subarray(offset, offset + n);
      const plain = hex(hmac.compute(buf, offset, offset + n, false, 0));
      const wantPlain = createHmac('sha1', key).update(data).digest('hex');
      if (plain !== wantPlain) bad.push(`[seed ${SEED}] length ${n} key ${key.length}: ${plain} != ${wantPlain}`);
      const roc = rng.u32();
      const rocBytes = Buffer.alloc(4);
      rocBytes.writeUInt32BE(roc);
      const withRoc = hex(hmac.compute(buf, offset, offset + n, true, roc));
      const wantRoc = createHmac('sha1', key).update(data).update(rocBytes).digest('hex');
      if (withRoc !== wantRoc) bad.push(`[seed ${SEED}] length ${n} + ROC ${roc}: ${withRoc} != ${wantRoc}`);
      // Whole blocks read as words through an Int32Array over the buffer (aligned offsets only).
      const words = new Int32Array(buf.buffer, 0, buf.buffer.byteLength >>> 2);
      const viaWords = hex(hmac.compute(buf, offset, offset + n, true, roc, words));
      if (viaWords !== wantRoc) bad.push(`[seed ${SEED}] length ${n} + ROC ${roc}, word reads at offset ${offset}: ${viaWords} != ${wantRoc}`);
      hmac.wipe();
    }
    expect(bad).toEqual([]);
  });

  it('AES-CM keystream (128/192/256) at every length 0..300 equals AES-CTR', () => {
    const rng = new Prng(SEED ^ 0xc7);
    const bad: string[] = [];
    for (let n = 0; n <= MAX_LENGTH; n++) {
      const key = rng.bytes(rng.pick([16, 24, 32]));
      const iv = rng.bytes(16);
      iv[14] = 0; // RFC 3711 §4.1.1: the low 16 bits count blocks within a packet
      iv[15] = rng.int(0, 0xfe);
      const ks = new AesCounterModeKeystream(key);
      ks.iv.set(iv);
      const got = new Uint8Array(n);
      ks.keystream(got, n);
      const ctr = createCipheriv(`aes-${key.length * 8}-ctr`, key, iv);
      const want = ctr.update(Buffer.alloc(n));
      if (hex(got) !== want.toString('hex')) bad.push(`[seed ${SEED}] AES-${key.length * 8} length ${n}`);
      ks.wipe();
    }
    expect(bad).toEqual([]);
  });

  describe.each([16, 32])('AES-GCM, %i-byte keys', (keyLength) => {
    /** Encrypt `pt` with our GCM: keystream from `keystreamForIv`, tag from `computeTag`. */
    function ours(gcm: AesGcmAead, iv: Uint8Array, aad: Uint8Array, split: number, pt: Uint8Array): { ct: string; tag: string } {
      gcm.iv.set(iv);
      const ks = gcm.keystreamForIv(pt.length);
      const ct = Uint8Array.from(pt);
      for (let i = 0; i < ct.length; i++) ct[i] ^= ks[16 + i];
      const tag = new Uint8Array(16);
      gcm.computeTag(aad, 0, split, aad, split, aad.length, ct, 0, ct.length, ks, 0, tag, 0);
      const verified = gcm.verifyTag(aad, 0, split, aad, split, aad.length, ct, 0, ct.length, ks, 0, tag, 0);
      const forged = Uint8Array.from(tag);
      forged[15] ^= 1;
      const rejected = !gcm.verifyTag(aad, 0, split, aad, split, aad.length, ct, 0, ct.length, ks, 0, forged, 0);
      return { ct: hex(ct), tag: verified && rejected ? hex(tag) : 'verifyTag disagrees with computeTag' };
    }

    function nodes(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, pt: Uint8Array): { ct: string; tag: string } {
      const c = createCipheriv(keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv);
      c.setAAD(aad);
      const ct = Buffer.concat([c.update(pt), c.final()]);
      return { ct: ct.toString('hex'), tag: c.getAuthTag().toString('hex') };
    }

    it('every plaintext length 0..300 (random AAD split in two pieces)', () => {
      const rng = new Prng(SEED ^ 0x6c0 ^ keyLength);
      const bad: string[] = [];
      for (let n = 0; n <= MAX_LENGTH; n++) {
        const key = rng.bytes(keyLength);
        const gcm = new AesGcmAead(key);
        const iv = rng.bytes(12);
        const aad = rng.bytes(rng.int(0, 40));
        const pt = rng.bytes(n);
        const got = ours(gcm, iv, aad, rng.int(0, aad.length), pt);
        const want = nodes(key, iv, aad, pt);
        if (got.ct !== want.ct || got.tag !== want.tag) bad.push(`[seed ${SEED}] plaintext ${n}, AAD ${aad.length}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
        gcm.wipe();
      }
      expect(bad).toEqual([]);
    });

    it('every AAD length 0..300 (GHASH over associated data alone and with ciphertext)', () => {
      const rng = new Prng(SEED ^ 0xaad ^ keyLength);
      const bad: string[] = [];
      for (let n = 0; n <= MAX_LENGTH; n++) {
        const key = rng.bytes(keyLength);
        const gcm = new AesGcmAead(key);
        const iv = rng.bytes(12);
        const aad = rng.bytes(n);
        const pt = rng.bytes(rng.pick([0, rng.int(1, 64)]));
        const got = ours(gcm, iv, aad, rng.int(0, n), pt);
        const want = nodes(key, iv, aad, pt);
        if (got.ct !== want.ct || got.tag !== want.tag) bad.push(`[seed ${SEED}] AAD ${n}, plaintext ${pt.length}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
        gcm.wipe();
      }
      expect(bad).toEqual([]);
    });
  });
});
