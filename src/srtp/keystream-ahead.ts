/**
 * AES keystream computed ahead for the next packet indexes of one SRTP or SRTCP stream.
 *
 * A node:crypto call costs about a microsecond whatever its size, and allocates its result.
 * Packet indexes are predictable (the next packet is almost always index + 1), and the
 * keystream depends only on key, salt, SSRC and index, never on the payload (RFC 3711 §4.1.1,
 * RFC 7714 §8.1), so one AES-ECB call produces the keystream of the next several packets at
 * once. Packets outside the computed range (late, or larger than the stream's usual size) get
 * theirs computed alone.
 *
 * Layout per packet: the cipher's leading blocks (GCM: E(K, J0) for the tag), then the
 * payload's. The counter blocks of the next range are written into the spent keystream buffer
 * of this stream (counter-blocks.ts) and the keystream node:crypto returns is copied back into
 * it, so a stream holds one buffer for its whole life and computing ahead needs no scratch
 * memory. Buffers hold key-derived material and are zeroed before they are dropped.
 */
import type { AesCounterModeKeystream } from './aes-cm-keystream';
import { fillCounterBlocks } from './counter-blocks';
import { xorInPlace, type WordViews } from './word-xor';

const BLOCK = 16;
/**
 * Keystream bytes per refill of an SRTP stream: bounds memory per stream and the work wasted on
 * loss. 2 KiB is 11 voice packets (220 ms at 50 packets/s) per node:crypto call: a call holds
 * four such streams, and 4 KiB each was 16 KiB of a bridged call's memory (issue 13 goal 3) to
 * save some 0.03 us per packet (a 2 KiB ECB call costs ~1.1 us, a 4 KiB one ~1.7 us).
 */
export const SRTP_AHEAD_BYTES = 2048;
/**
 * SRTCP streams compute one packet at a time: a few packets a second per stream do not pay for
 * 2 KiB of keystream held per stream, twice per context (issue 13's memory per call).
 */
export const SRTCP_AHEAD_BYTES = 0;
/** Large (video) packets still get several packets' keystream per node:crypto call. */
const MIN_AHEAD_PACKETS = 8;
/** What `buffer` points at when nothing is located (zero length: holds nothing). */
const EMPTY = new Uint8Array(0);
/**
 * The first counter block of a refill or of a packet computed alone, shared by every stream of
 * this thread (module state is per thread): used within one synchronous call and zeroed before
 * it returns (it carries the session salt). One per stream cost some 200 bytes of heap each.
 */
const first = new Uint8Array(BLOCK);

/** What the keystream computer needs from a cipher: its block function and counter layout. */
export interface CounterModeLayout {
  /** AES block function of the session key; null when the profile does not encrypt (NULL cipher). */
  readonly aes: AesCounterModeKeystream | null;
  /** Keystream blocks before the payload's: 0 for AES-CM, 1 for GCM (E(K, J0) masks the tag). */
  readonly leadingBlocks: number;
  /** Write the first counter block of packet `index` (48-bit SRTP or 31-bit SRTCP index) of `ssrc`. */
  firstCounterBlock(block: Uint8Array, ssrc: number, index: number): void;
}

export class KeystreamAhead {
  private readonly views: WordViews;
  private layout: CounterModeLayout | null = null;
  private ssrc = 0;
  /** Index of the first packet in `computed`; -1 when empty. */
  private base = -1;
  private count = 0;
  /** Blocks computed per packet, leading blocks included. */
  private blocks = 0;
  /** This stream's keystream buffer: counter blocks go in, keystream comes back into it. */
  private computed: Buffer | null = null;
  private computedWords: Int32Array | null = null;
  /** `computed`, or a view of its first bytes, that the last refill encrypted. */
  private input: Buffer | null = null;
  /** After `locate`: the buffer and offset holding the packet's keystream (leading blocks first). */
  buffer: Uint8Array = EMPTY;
  offset = 0;
  /** After `locate`: an Int32Array over all of `buffer`'s memory, or null (then use bytes). */
  words: Int32Array | null = null;
  private leadingBytes = 0;

  /** Keystream bytes computed per refill (SRTP_AHEAD_BYTES or SRTCP_AHEAD_BYTES). */
  private readonly aheadBytes: number;

  constructor(views: WordViews, aheadBytes: number) {
    this.views = views;
    this.aheadBytes = aheadBytes;
  }

  /**
   * Make the keystream of packet `index` of `ssrc`, for `payloadBytes` bytes of payload after
   * the cipher's leading blocks, available in `this.buffer` at `this.offset`.
   */
  locate(layout: CounterModeLayout, ssrc: number, index: number, payloadBytes: number): void {
    const needed = ((payloadBytes + BLOCK - 1) >>> 4) + layout.leadingBlocks;
    this.leadingBytes = layout.leadingBlocks * BLOCK;
    if (needed === 0 || layout.aes === null) return; // nothing to encrypt: an empty payload
    const sameStream = layout === this.layout && ssrc === this.ssrc && this.base >= 0;
    if (sameStream && index >= this.base && index < this.base + this.count && needed <= this.blocks) {
      this.buffer = this.computed as Buffer;
      this.words = this.computedWords;
      this.offset = (index - this.base) * this.blocks * BLOCK;
      return;
    }
    if (sameStream && (index < this.base || needed > this.blocks * 2)) {
      // Reordered or unusually large: computed alone, the range ahead stays.
      layout.firstCounterBlock(first, ssrc, index);
      this.buffer = layout.aes.keystreamFrom(first, needed);
      first.fill(0);
      this.words = null;
      this.offset = 0;
      return;
    }
    this.refill(layout, layout.aes, ssrc, index, sameStream ? Math.max(needed, this.blocks) : needed);
    this.buffer = this.computed as Buffer;
    this.words = this.computedWords;
    this.offset = 0;
  }

  /** buf[start..start+length) ^= the located packet's payload keystream (after the leading blocks). */
  xorPayload(buf: Uint8Array, start: number, length: number): void {
    xorInPlace(buf, start, length, this.buffer, this.offset + this.leadingBytes, this.words, this.views);
  }

  /**
   * An Int32Array over all of `buf`'s memory once the context has seen its buffer recur (word-xor.ts),
   * else null: lets the HMAC read whole blocks a word at a time.
   */
  wordsOf(buf: Uint8Array): Int32Array | null {
    return this.views.wordsOf(buf);
  }

  /** After `wordsOf` returned a view: the byteOffset of the array it was asked about. */
  get wordsByteOffset(): number {
    return this.views.offset;
  }

  private refill(layout: CounterModeLayout, aes: AesCounterModeKeystream, ssrc: number, index: number, blocks: number): void {
    const count = this.aheadBytes === 0 ? 1 : Math.max(MIN_AHEAD_PACKETS, Math.floor(this.aheadBytes / (blocks * BLOCK)));
    const size = count * blocks * BLOCK;
    let own = this.computed;
    if (own === null || own.length < size) {
      own?.fill(0);
      own = Buffer.alloc(size);
      this.computed = own;
      this.computedWords = new Int32Array(own.buffer, 0, own.buffer.byteLength >>> 2);
      this.input = own;
    }
    let input = this.input as Buffer;
    if (input.length !== size) {
      input = own.subarray(0, size);
      this.input = input;
    }
    for (let p = 0; p < count; p++) {
      layout.firstCounterBlock(first, ssrc, index + p);
      fillCounterBlocks(input, this.computedWords, p * blocks * BLOCK, first, blocks);
    }
    first.fill(0);
    // node:crypto has no "update into": its output is copied into this stream's own buffer and
    // zeroed, so the buffer and its word view are made once per stream, not once per refill.
    const out = aes.encryptBlocks(input);
    own.set(out);
    out.fill(0);
    this.layout = layout;
    this.ssrc = ssrc;
    this.base = index;
    this.count = count;
    this.blocks = blocks;
  }

  /**
   * Forget the computed range but keep its (zeroed) buffer for the next refill's counter blocks:
   * the scratch stream of unknown SSRCs is reset for every such packet, and a flood of forged
   * ones must not cost an allocation each.
   */
  reset(): void {
    this.computed?.fill(0);
    this.layout = null;
    this.base = -1;
    this.count = 0;
    this.blocks = 0;
    this.words = null;
    this.buffer = EMPTY;
  }

  wipe(): void {
    this.computed?.fill(0);
    this.computed = null;
    this.computedWords = null;
    this.input = null;
    this.words = null;
    this.layout = null;
    this.base = -1;
    this.count = 0;
    this.blocks = 0;
    this.buffer = EMPTY;
  }
}
