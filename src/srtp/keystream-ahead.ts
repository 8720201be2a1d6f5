/**
 * AES keystream computed ahead for the next packet indexes of one SRTP stream.
 *
 * A node:crypto call costs about a microsecond whatever its size, and allocates its result.
 * SRTP indexes are predictable (the next packet is almost always index + 1), and the keystream
 * depends only on key, salt, SSRC and index, never on the payload (RFC 3711 §4.1.1, RFC 7714
 * §8.1), so one AES-ECB call produces the keystream of the next several packets at once.
 * Packets outside the computed range (late, or larger than the stream's usual size) get theirs
 * computed alone.
 *
 * Layout per packet: AES-CM: the blocks IV+0, IV+1, ...; AES-GCM: E(J0), then J0+1, ...
 * The buffer holds key-derived material and is wiped with the stream.
 */
import type { SessionCrypto } from './session-crypto';
import { fillCounterModeIv, fillGcmIv } from './transform-common';

const BLOCK = 16;
/** Keystream bytes per refill: bounds memory per stream and the work wasted on loss. */
const AHEAD_BYTES = 4096;
/** Large (video) packets still get several packets' keystream per node:crypto call. */
const MIN_AHEAD_PACKETS = 8;
const SEQ_MOD = 0x10000;

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Mask keeping bytes 12-13 of a counter block's last word, in memory order. */
const IV_BYTES_12_13 = LITTLE_ENDIAN ? 0x0000ffff : 0xffff0000;

/** The Uint32Array value whose bytes in memory are buf[o..o+4). */
function memoryWord(buf: Uint8Array, o: number): number {
  return LITTLE_ENDIAN
    ? (buf[o] | (buf[o + 1] << 8) | (buf[o + 2] << 16) | (buf[o + 3] << 24)) >>> 0
    : ((buf[o] << 24) | (buf[o + 1] << 16) | (buf[o + 2] << 8) | buf[o + 3]) >>> 0;
}

/** The Uint32Array value whose bytes in memory are the big-endian encoding of `v`. */
function memoryOrder32(v: number): number {
  return LITTLE_ENDIAN
    ? (((v >>> 24) & 0xff) | (((v >>> 16) & 0xff) << 8) | (((v >>> 8) & 0xff) << 16) | ((v & 0xff) << 24)) >>> 0
    : v >>> 0;
}

/**
 * Counter blocks are needed only while a refill runs, so every stream of the thread shares one
 * scratch buffer (it is zeroed after each use): 4 KiB less per stream.
 */
let scratch = Buffer.alloc(AHEAD_BYTES * 2);
let scratchWords = new Uint32Array(scratch.buffer, scratch.byteOffset, scratch.length >>> 2);
const scratchViews = new Map<number, Buffer>();

function counterScratch(size: number): Buffer {
  if (size > scratch.length) {
    scratch = Buffer.alloc(size);
    scratchWords = new Uint32Array(scratch.buffer, scratch.byteOffset, scratch.length >>> 2);
    scratchViews.clear();
  }
  let view = scratchViews.get(size);
  if (view === undefined) {
    view = scratch.subarray(0, size);
    scratchViews.set(size, view);
  }
  return view;
}

export class KeystreamAhead {
  private crypto: SessionCrypto | null = null;
  private ssrc = 0;
  /** Index of the first packet in `computed`; -1 when empty. */
  private base = -1;
  private count = 0;
  /** Blocks computed per packet (GCM: including E(J0)). */
  private blocks = 0;
  private computed: Buffer | null = null;
  private computedWords: Int32Array | null = null;
  /** After `locate`: the buffer and offset holding the packet's keystream. */
  buffer: Uint8Array = new Uint8Array(0);
  offset = 0;
  /** After `locate`: an Int32Array over all of `buffer`'s memory, or null (then use bytes). */
  words: Int32Array | null = null;

  /**
   * Make the keystream of packet `index` of `ssrc` with `payloadBytes` of payload available in
   * `this.buffer` at `this.offset`.
   */
  locate(crypto: SessionCrypto, ssrc: number, index: number, payloadBytes: number): void {
    const gcm = crypto.gcm !== null;
    const needed = ((payloadBytes + BLOCK - 1) >>> 4) + (gcm ? 1 : 0);
    if (needed === 0) return; // nothing to encrypt: an RTP packet with an empty payload
    const sameStream = crypto === this.crypto && ssrc === this.ssrc && this.base >= 0;
    if (sameStream && index >= this.base && index < this.base + this.count && needed <= this.blocks) {
      this.buffer = this.computed as Buffer;
      this.words = this.computedWords;
      this.offset = (index - this.base) * this.blocks * BLOCK;
      return;
    }
    if (sameStream && (index < this.base || needed > this.blocks * 2)) {
      this.single(crypto, ssrc, index, payloadBytes);
      return;
    }
    this.refill(crypto, ssrc, index, sameStream ? Math.max(needed, this.blocks) : needed);
    this.buffer = this.computed as Buffer;
    this.words = this.computedWords;
    this.offset = 0;
  }

  private single(crypto: SessionCrypto, ssrc: number, index: number, payloadBytes: number): void {
    this.words = null;
    if (crypto.gcm !== null) {
      const roc = Math.floor(index / SEQ_MOD);
      fillGcmIv(crypto.gcm.iv, crypto.salt, ssrc, roc, index - roc * SEQ_MOD);
      this.buffer = crypto.gcm.keystreamForIv(payloadBytes);
    } else {
      const ks = crypto.keystream;
      if (ks === null) return;
      fillCounterModeIv(ks.iv, crypto.salt, ssrc, index);
      const out = Buffer.alloc(((payloadBytes + BLOCK - 1) >>> 4) * BLOCK);
      ks.keystream(out, out.length);
      this.buffer = out;
    }
    this.offset = 0;
  }

  private refill(crypto: SessionCrypto, ssrc: number, index: number, blocks: number): void {
    const aes = crypto.gcm !== null ? crypto.gcm.aes : crypto.keystream;
    if (aes === null) return;
    const count = Math.max(MIN_AHEAD_PACKETS, Math.floor(AHEAD_BYTES / (blocks * BLOCK)));
    const size = count * blocks * BLOCK;
    const cb = counterScratch(size);
    // Counter blocks written a 32-bit word at a time (in memory order, so byte-swapped on
    // little-endian hosts): building them byte by byte cost as much as the AES itself.
    const words = scratchWords;
    const iv = aes.iv;
    const gcm = crypto.gcm !== null;
    for (let p = 0; p < count; p++) {
      const packetIndex = index + p;
      if (gcm) {
        const roc = Math.floor(packetIndex / SEQ_MOD);
        fillGcmIv(iv, crypto.salt, ssrc, roc, packetIndex - roc * SEQ_MOD);
      } else {
        fillCounterModeIv(iv, crypto.salt, ssrc, packetIndex);
      }
      const w0 = memoryWord(iv, 0);
      const w1 = memoryWord(iv, 4);
      const w2 = memoryWord(iv, 8);
      const ivTail = gcm ? 0 : memoryWord(iv, 12);
      let o = p * blocks * 4;
      for (let b = 0; b < blocks; b++, o += 4) {
        words[o] = w0;
        words[o + 1] = w1;
        words[o + 2] = w2;
        // AES-CM: 16-bit block counter in bytes 14-15 (RFC 3711 §4.1.1); GCM: 32-bit counter from 1.
        words[o + 3] = gcm ? memoryOrder32(b + 1) : (ivTail & IV_BYTES_12_13) | memoryOrder32(b);
      }
    }
    this.computed?.fill(0);
    const computed = aes.encryptBlocks(cb);
    cb.fill(0); // the blocks carry the session salt
    this.computed = computed;
    this.computedWords = (computed.byteOffset & 3) === 0 ? new Int32Array(computed.buffer, 0, computed.buffer.byteLength >>> 2) : null;
    this.crypto = crypto;
    this.ssrc = ssrc;
    this.base = index;
    this.count = count;
    this.blocks = blocks;
  }

  wipe(): void {
    this.computed?.fill(0);
    this.computed = null;
    this.computedWords = null;
    this.words = null;
    this.crypto = null;
    this.base = -1;
    this.count = 0;
    this.blocks = 0;
    this.buffer = new Uint8Array(0);
  }
}
