/**
 * The AES block function of one session key, used as a counter-mode keystream generator for
 * SRTP (RFC 3711 §4.1.1; RFC 6188 for AES-192/256), for AES-GCM (RFC 7714) and for the key
 * derivation PRF (RFC 3711 §4.3.3).
 *
 * node:crypto cannot restart a CTR cipher at a new IV without creating a new cipher object
 * (~3.5 us). Instead one AES-ECB cipher object per session key is kept and fed the counter
 * blocks directly: ECB of (IV + i) is exactly the CTR keystream.
 */
import { createCipheriv, type Cipher } from 'node:crypto';
import { fillCounterBlocks } from './counter-blocks';

const BLOCK = 16;
/** Counter blocks the shared scratch starts with: a 1500-byte packet's worth. */
const INITIAL_BLOCKS = 96;

function ecbAlgorithm(keyLength: number): string {
  switch (keyLength) {
    case 16: return 'aes-128-ecb';
    case 24: return 'aes-192-ecb';
    case 32: return 'aes-256-ecb';
    default: throw new RangeError(`AES key length ${keyLength} is not 16, 24 or 32 bytes`);
  }
}

/**
 * Counter-block scratch for one-packet keystreams, shared by every key of this thread (module
 * state is per thread): it holds blocks only for the duration of one synchronous call and is
 * zeroed before the call returns, so keys never see each other's blocks. One per key cost 1.5 KiB
 * of memory per session key, i.e. per context twice (issue 13's memory per call).
 */
class CounterScratch {
  private blocks = Buffer.alloc(BLOCK * INITIAL_BLOCKS);
  private words = new Int32Array(this.blocks.buffer, 0, this.blocks.buffer.byteLength >>> 2);
  /** Views of `blocks` by block count, so feeding n blocks creates no new view. */
  private views: Buffer[] = [];

  /** The first `blocks` counter blocks from `first`, written into the scratch (a reused view). */
  fill(first: Uint8Array, blocks: number): Buffer {
    if (blocks * BLOCK > this.blocks.length) {
      this.blocks = Buffer.alloc(blocks * BLOCK);
      this.words = new Int32Array(this.blocks.buffer, 0, this.blocks.buffer.byteLength >>> 2);
      this.views = [];
    }
    let view = this.views[blocks];
    if (view === undefined) {
      view = this.blocks.subarray(0, blocks * BLOCK);
      this.views[blocks] = view;
    }
    fillCounterBlocks(view, this.words, 0, first, blocks);
    return view;
  }
}

const scratch = new CounterScratch();

export class AesCounterModeKeystream {
  private ecb: Cipher | null;
  private ivOnce: Uint8Array | null = null;

  constructor(key: Uint8Array) {
    this.ecb = createCipheriv(ecbAlgorithm(key.length), key, null);
    this.ecb.setAutoPadding(false);
  }

  /**
   * The 16-byte initial counter block of `keystream` (RFC 3711 §4.1.1 IV; the KDF's x), made on
   * first use: only the KDF and tests use it, and a session key's cipher held for a call's life
   * need not carry an unused array (issue 13 goal 3).
   */
  get iv(): Uint8Array {
    return (this.ivOnce ??= new Uint8Array(BLOCK));
  }

  /** AES-ECB of prepared counter blocks (a multiple of 16 bytes): their keystream, in one call. */
  encryptBlocks(counterBlocks: Buffer): Buffer {
    if (this.ecb === null) return Buffer.alloc(counterBlocks.length);
    return this.ecb.update(counterBlocks);
  }

  /** Keystream of `blocks` blocks from the counter block `first` (a new buffer from node:crypto). */
  keystreamFrom(first: Uint8Array, blocks: number): Buffer {
    const view = scratch.fill(first, blocks);
    const ks = this.encryptBlocks(view);
    view.fill(0); // the blocks carry the session salt
    return ks;
  }

  /** Write the keystream from `iv` for `length` bytes into `out` (the KDF and tests use it). */
  keystream(out: Uint8Array, length: number): void {
    if (length <= 0) return;
    const ks = this.keystreamFrom(this.iv, (length + BLOCK - 1) >>> 4);
    for (let i = 0; i < length; i++) out[i] = ks[i];
    ks.fill(0);
  }

  wipe(): void {
    // The ECB cipher holds the key schedule inside OpenSSL; dropping it lets it be freed.
    this.ecb = null;
    this.ivOnce?.fill(0);
  }
}
