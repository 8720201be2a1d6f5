/**
 * The keystream computed ahead (keystream-ahead.ts, counter-blocks.ts) against node:crypto, on
 * a stream whose packets come in shuffled order (within the replay window) with sizes from 0
 * to 1400 bytes: every path (in range, refill, a larger packet, a packet behind the range)
 * must give exactly AES-CTR's keystream (RFC 3711 §4.1.1) or AES-GCM's ciphertext and tag
 * (RFC 7714 §8), computed here from the session keys by OpenSSL. The receiver, unprotecting in
 * the same shuffled order, must get every plaintext back.
 *
 * The reference computes each packet's IV from the index the packet's sequence number stands
 * for. A sender only knows that once its stream has started: the first packet it protects
 * defines ROC 0 (RFC 3711 §3.3.1), so a stream whose first packet lies past the sequence wrap
 * takes that packet as ROC 0, exactly as libsrtp does. The shuffled run therefore protects its
 * first packet (the one before the wrap) first; the stream that starts past the wrap is a fixed
 * case of its own, with the indexes RFC 3711 Appendix A gives.
 *
 * Seeded: the seed is printed; rerun with SRTP_AHEAD_SEED=<seed>.
 */
import { createCipheriv } from 'node:crypto';
import {
  deriveSessionKeys, resolveProfile, SrtpContext, SrtpStatus, type ProtectionProfile, type SessionKeyMaterial,
} from '../../../src/srtp';
import { fillCounterBlocks } from '../../../src/srtp/counter-blocks';
import { buildRtp } from '../../helpers/rtp-packet';
import { Prng, testSeed } from '../../helpers/prng';

const SEED = testSeed('SRTP_AHEAD_SEED');
const PACKETS = 600;
const SSRC = 0x13572468;

beforeAll(() => {
  console.log(`keystream ahead: seed ${SEED} (rerun with SRTP_AHEAD_SEED=${SEED})`);
});

/**
 * Offsets 0..n-1 in an order shuffled within windows of 48 (less than the replay window of 128),
 * except that offset 0 comes first: it starts the stream (see the header comment).
 */
function shuffledOrder(rng: Prng, n: number): number[] {
  const order: number[] = [];
  for (let base = 0; base < n; base += 48) {
    const chunk = Array.from({ length: Math.min(48, n - base) }, (_, i) => base + i);
    const keep = base === 0 ? 1 : 0;
    for (let i = chunk.length - 1; i > keep; i--) {
      const j = rng.int(keep, i);
      [chunk[i], chunk[j]] = [chunk[j], chunk[i]];
    }
    order.push(...chunk);
  }
  return order;
}

function referenceIv(salt: Uint8Array, index: number, gcm: boolean): Buffer {
  const roc = Math.floor(index / 0x10000);
  const seq = index % 0x10000;
  if (gcm) {
    // RFC 7714 §8.1: 00 00 || SSRC || ROC || SEQ, XOR salt.
    const iv = Buffer.alloc(12);
    iv.writeUInt32BE(SSRC, 2);
    iv.writeUInt32BE(roc, 6);
    iv.writeUInt16BE(seq, 10);
    for (let i = 0; i < 12; i++) iv[i] ^= salt[i];
    return iv;
  }
  // RFC 3711 §4.1.1: (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16).
  const iv = Buffer.alloc(16);
  Buffer.from(salt).copy(iv, 0, 0, 14);
  iv[4] ^= SSRC >>> 24; iv[5] ^= (SSRC >>> 16) & 0xff; iv[6] ^= (SSRC >>> 8) & 0xff; iv[7] ^= SSRC & 0xff;
  iv[8] ^= (roc >>> 24) & 0xff; iv[9] ^= (roc >>> 16) & 0xff; iv[10] ^= (roc >>> 8) & 0xff; iv[11] ^= roc & 0xff;
  iv[12] ^= seq >>> 8; iv[13] ^= seq & 0xff;
  return iv;
}

/**
 * Protect `plain` (sequence number standing for `index`) and compare with OpenSSL's AES-CTR
 * keystream (RFC 3711 §4.1.1) or AES-GCM ciphertext and tag (RFC 7714 §8) at that index.
 * Returns the protected packet, or null (with the reason in `bad`).
 */
function protectAndCompare(
  p: ProtectionProfile, tx: SrtpContext, session: SessionKeyMaterial, plain: Buffer, index: number, label: string, bad: string[],
): Buffer | null {
  const out = Buffer.alloc(1600);
  const st = tx.protectRtp(plain, out);
  if (st !== SrtpStatus.Ok) {
    bad.push(`${label}: protect status ${st}`);
    return null;
  }
  const wire = Buffer.from(out.subarray(0, tx.outputLength));
  const iv = referenceIv(session.salt, index, p.aead);
  const size = plain.length - 12;
  if (p.aead) {
    const c = createCipheriv(p.masterKeyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm', session.encryptionKey, iv);
    c.setAAD(plain.subarray(0, 12));
    const want = Buffer.concat([c.update(plain.subarray(12)), c.final(), c.getAuthTag()]);
    if (!wire.subarray(12).equals(want)) bad.push(`${label} (${size} B): ciphertext or tag differs from OpenSSL's`);
  } else {
    const c = createCipheriv(`aes-${p.masterKeyLength * 8}-ctr`, session.encryptionKey, iv);
    const want = c.update(plain.subarray(12));
    if (!wire.subarray(12, 12 + size).equals(want)) bad.push(`${label} (${size} B): ciphertext differs from OpenSSL's`);
  }
  return wire;
}

/** The receiver, unprotecting in the order sent, gets every plaintext back. */
function receiveAll(rx: SrtpContext, sent: readonly { wire: Buffer; plain: Buffer }[], label: string, bad: string[]): void {
  const out = Buffer.alloc(1600);
  for (const [i, s] of sent.entries()) {
    const st = rx.unprotectRtp(s.wire, out);
    if (st !== SrtpStatus.Ok || !out.subarray(0, rx.outputLength).equals(s.plain)) bad.push(`${label} receiver, packet ${i}: status ${st}`);
  }
}

/**
 * A stream whose first packet is past the sequence wrap (seq 6 of the "true" ROC 1), then
 * reordered packets from before and after the wrap. Its first packet defines ROC 0 (RFC 3711
 * §3.3.1); while the highest index is below 2^15 a guess of ROC-1 does not exist, so 65522
 * stays in ROC 0 (libsrtp's srtp_rdbx_estimate_index gives the same); from then on Appendix A
 * applies and seq 3 is ROC 1. The sizes walk every path of keystream-ahead.ts: a first refill
 * of 72 blocks per packet, refills ahead of the range, packets behind it (computed alone), an
 * empty one, packets in the range (down to its last slot, then the first index after it), and
 * packets in the range larger than its slots (a refill with more blocks per packet).
 */
const STARTS_PAST_WRAP: readonly { seq: number; size: number; index: number }[] = [
  { seq: 6, size: 1143, index: 6 },
  { seq: 65522, size: 1, index: 65522 },
  { seq: 65519, size: 17, index: 65519 },
  { seq: 3, size: 31, index: 65539 },
  { seq: 65517, size: 15, index: 65517 },
  { seq: 65513, size: 1390, index: 65513 },
  { seq: 65511, size: 16, index: 65511 },
  { seq: 65512, size: 0, index: 65512 },
  { seq: 65503, size: 160, index: 65503 },
  { seq: 5, size: 1390, index: 65541 },
  { seq: 4, size: 161, index: 65540 },
  { seq: 7, size: 1143, index: 65543 },
  { seq: 8, size: 1400, index: 65544 },
  { seq: 20, size: 15, index: 65556 },
  { seq: 9, size: 160, index: 65545 },
  { seq: 27, size: 17, index: 65563 },
  { seq: 28, size: 16, index: 65564 },
];

describe.each(['AES_CM_128_HMAC_SHA1_80', 'AES_256_CM_HMAC_SHA1_32', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'])('keystream ahead, %s', (name) => {
  it('equals node:crypto for shuffled packets of mixed sizes, and the receiver decrypts them all', () => {
    const p = resolveProfile(name);
    const rng = new Prng(SEED ^ p.dtlsId);
    const keys = { key: rng.bytes(p.masterKeyLength), salt: rng.bytes(p.masterSaltLength) };
    const session = deriveSessionKeys(p, keys.key, keys.salt).srtp;
    const tx = new SrtpContext({ profile: p, keys });
    const rx = new SrtpContext({ profile: p, keys });
    // Crosses the sequence wrap (ROC 0 then 1) within the first six windows of 48; the first
    // packet protected is offset 0, before the wrap, so every index is firstSeq + offset.
    const firstSeq = rng.int(0xff00, 0xffff);
    const bad: string[] = [];
    const sent: { wire: Buffer; plain: Buffer }[] = [];
    for (const k of shuffledOrder(rng, PACKETS)) {
      const size = rng.chance(0.2) ? rng.int(0, 1400) : rng.pick([0, 1, 15, 16, 17, 160, 161]);
      const index = firstSeq + k;
      const plain = buildRtp({ seq: index & 0xffff, ssrc: SSRC, payload: rng.bytes(size) });
      const wire = protectAndCompare(p, tx, session, plain, index, `[seed ${SEED}] packet ${k}`, bad);
      if (wire !== null) sent.push({ wire, plain });
    }
    receiveAll(rx, sent, `[seed ${SEED}]`, bad);
    expect(bad).toEqual([]);
    tx.close();
    rx.close();
  });

  it('a stream that starts past the sequence wrap: its first packet is ROC 0, and every keystream is OpenSSL\'s at the index RFC 3711 gives', () => {
    const p = resolveProfile(name);
    const rng = new Prng(0x5eed ^ p.dtlsId);
    const keys = { key: rng.bytes(p.masterKeyLength), salt: rng.bytes(p.masterSaltLength) };
    const session = deriveSessionKeys(p, keys.key, keys.salt).srtp;
    const tx = new SrtpContext({ profile: p, keys });
    const rx = new SrtpContext({ profile: p, keys });
    const bad: string[] = [];
    const sent: { wire: Buffer; plain: Buffer }[] = [];
    for (const { seq, size, index } of STARTS_PAST_WRAP) {
      const plain = buildRtp({ seq, ssrc: SSRC, payload: rng.bytes(size) });
      const wire = protectAndCompare(p, tx, session, plain, index, `seq ${seq} (index ${index})`, bad);
      if (wire !== null) sent.push({ wire, plain });
    }
    receiveAll(rx, sent, 'starts past the wrap:', bad);
    expect(bad).toEqual([]);
    expect(tx.getRoc(SSRC, 'outbound')).toBe(1);
    expect(rx.getRoc(SSRC)).toBe(1);
    tx.close();
    rx.close();
  });
});

describe('counter blocks', () => {
  it('the word path and the byte path write the same blocks, and the 32-bit counter carries (inc32)', () => {
    const rng = new Prng(SEED ^ 0xb10c);
    for (let t = 0; t < 80; t++) {
      const first = rng.bytes(16);
      if (t % 4 === 0) first.set([0xff, 0xff, 0xff, 0xf0], 12); // wraps mod 2^32 within the run
      const blocks = rng.int(1, 40);
      const aligned = new Uint8Array(16 * blocks + 16);
      const words = new Int32Array(aligned.buffer);
      fillCounterBlocks(aligned, words, 16, first, blocks);
      const bytes = new Uint8Array(16 * blocks + 16);
      fillCounterBlocks(bytes, null, 16, first, blocks);
      expect(Buffer.from(aligned).equals(Buffer.from(bytes))).toBe(true);
      for (let b = 0; b < blocks; b++) {
        const block = Buffer.from(aligned.subarray(16 + b * 16, 32 + b * 16));
        expect(block.subarray(0, 12).equals(Buffer.from(first.subarray(0, 12)))).toBe(true);
        expect(block.readUInt32BE(12)).toBe((Buffer.from(first).readUInt32BE(12) + b) >>> 0);
      }
      expect(aligned.subarray(0, 16).every((x) => x === 0)).toBe(true);
    }
  });
});
