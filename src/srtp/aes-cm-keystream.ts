/**
 * AES counter mode keystream for SRTP (RFC 3711 §4.1.1; RFC 6188 for AES-192/256).
 *
 * node:crypto cannot restart a CTR cipher at a new IV without creating a new cipher object
 * (~3.5 us). Instead one AES-ECB cipher object per session key is kept and fed the counter
 * blocks directly: ECB of (IV + i) is exactly the CTR keystream.
 */
import { createCipheriv, type Cipher } from 'node:crypto';

const BLOCK = 16;

function ecbAlgorithm(keyLength: number): string {
  switch (keyLength) {
    case 16: return 'aes-128-ecb';
    case 24: return 'aes-192-ecb';
    case 32: return 'aes-256-ecb';
    default: throw new RangeError(`AES key length ${keyLength} is not 16, 24 or 32 bytes`);
  }
}

export class AesCounterModeKeystream {
  private ecb: Cipher | null;
  private counterBlocks: Buffer;
  /** Views of `counterBlocks` by block count, so feeding n blocks creates no new view. */
  private views: Buffer[];
  /** The 16-byte initial counter block; callers fill it before each `xor`. */
  readonly iv = new Uint8Array(BLOCK);

  constructor(key: Uint8Array) {
    this.ecb = createCipheriv(ecbAlgorithm(key.length), key, null);
    this.ecb.setAutoPadding(false);
    this.counterBlocks = Buffer.alloc(BLOCK * 96);
    this.views = [];
  }

  /**
   * XOR `data[start..end)` in place with the keystream starting at `iv`. The counter is the
   * low 16 bits of the block (RFC 3711 §4.1.1: at most 2^16 blocks per packet).
   */
  xor(data: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (length <= 0 || this.ecb === null) return;
    const blocks = (length + BLOCK - 1) >>> 4;
    const keystream = this.ecb.update(this.fillCounterBlocks(blocks));
    for (let i = 0; i < length; i++) data[start + i] ^= keystream[i];
  }

  /** AES-ECB of prepared counter blocks (a multiple of 16 bytes): their keystream, in one call. */
  encryptBlocks(counterBlocks: Buffer): Buffer {
    if (this.ecb === null) return Buffer.alloc(counterBlocks.length);
    return this.ecb.update(counterBlocks);
  }

  /** Write the keystream for `length` bytes into `out` (used by the KDF and tests). */
  keystream(out: Uint8Array, length: number): void {
    out.fill(0, 0, length);
    this.xor(out, 0, length);
  }

  private fillCounterBlocks(blocks: number): Buffer {
    if (blocks * BLOCK > this.counterBlocks.length) {
      this.counterBlocks = Buffer.alloc(blocks * BLOCK);
      this.views = [];
    }
    const cb = this.counterBlocks;
    const iv = this.iv;
    const base = (iv[14] << 8) | iv[15];
    for (let b = 0; b < blocks; b++) {
      const o = b * BLOCK;
      for (let i = 0; i < 14; i++) cb[o + i] = iv[i];
      const counter = (base + b) & 0xffff;
      cb[o + 14] = counter >>> 8;
      cb[o + 15] = counter & 0xff;
    }
    let view = this.views[blocks];
    if (view === undefined) {
      view = cb.subarray(0, blocks * BLOCK);
      this.views[blocks] = view;
    }
    return view;
  }

  wipe(): void {
    // The ECB cipher holds the key schedule inside OpenSSL; dropping it lets it be freed.
    this.ecb = null;
    this.counterBlocks.fill(0);
    this.iv.fill(0);
  }
}
