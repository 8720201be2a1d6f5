/**
 * Bencode, the native encoding of rtpengine's ng control protocol: integers `i42e`, byte strings
 * `4:spam`, lists `l...e`, dictionaries `d...e`. Decoding accepts dictionary keys in any order
 * (Kamailio's rtpengine module does not sort them; rtpengine's own docs say the ordering rule is
 * not honoured) and rejects duplicate keys. Encoding writes keys sorted by their bytes, as the
 * bencode specification asks.
 *
 * Byte strings decode to JavaScript strings as UTF-8 (ng carries SDP, tags and flags, all text);
 * `bdecodeBytes` keeps them as Buffers for callers that need the raw octets. Input is bounded in
 * size and nesting depth, so a hostile datagram cannot exhaust the stack or memory.
 */
import { NgError, NgErrorCode } from './errors';

/** A decoded ng value: the JSON-like subset that bencode can carry. */
export type NgValue = string | number | NgValue[] | NgDict;
export interface NgDict {
  [key: string]: NgValue;
}

/** What the encoder accepts: NgValue, plus raw bytes as byte strings. */
export type BencodeInput = string | number | Buffer | readonly BencodeInput[] | { readonly [key: string]: BencodeInput | undefined };

export interface BencodeLimits {
  /** Deepest nesting of lists/dictionaries accepted (the top-level dictionary is depth 1). */
  readonly maxDepth: number;
  /** Largest input accepted, in bytes. */
  readonly maxBytes: number;
}

/** 64 KiB datagrams carry SDP two levels deep at most; 32 levels leave room and bound recursion. */
export const DEFAULT_BENCODE_LIMITS: BencodeLimits = Object.freeze({ maxDepth: 32, maxBytes: 1024 * 1024 });

export class BencodeError extends NgError {
  /** True when the input ended before the value did (a TCP reader waits for more bytes). */
  readonly incomplete: boolean;
  constructor(message: string, incomplete = false) {
    super(NgErrorCode.BadBencode, `bencode: ${message}`);
    this.name = 'BencodeError';
    this.incomplete = incomplete;
  }
}

const I = 0x69;
const L = 0x6c;
const D = 0x64;
const E = 0x65;
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
/** Digits of the largest safe integer: longer integers cannot be represented exactly. */
const MAX_INT_DIGITS = 16;

function encodeInto(v: BencodeInput, out: Buffer[], depth: number): void {
  if (depth > DEFAULT_BENCODE_LIMITS.maxDepth) throw new BencodeError('value nests too deeply to encode');
  if (typeof v === 'string' || Buffer.isBuffer(v)) {
    const bytes = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
    out.push(Buffer.from(`${bytes.length}:`, 'ascii'), bytes);
  } else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new BencodeError(`only safe integers can be encoded, got ${v}`);
    out.push(Buffer.from(`i${v}e`, 'ascii'));
  } else if (Array.isArray(v)) {
    out.push(Buffer.from('l', 'ascii'));
    for (const item of v as readonly BencodeInput[]) encodeInto(item, out, depth + 1);
    out.push(Buffer.from('e', 'ascii'));
  } else {
    const dict = v as { readonly [key: string]: BencodeInput | undefined };
    out.push(Buffer.from('d', 'ascii'));
    const keys = Object.keys(dict)
      .filter((k) => dict[k] !== undefined)
      .map((k) => ({ k, bytes: Buffer.from(k, 'utf8') }))
      .sort((a, b) => Buffer.compare(a.bytes, b.bytes));
    for (const { k, bytes } of keys) {
      out.push(Buffer.from(`${bytes.length}:`, 'ascii'), bytes);
      encodeInto(dict[k] as BencodeInput, out, depth + 1);
    }
    out.push(Buffer.from('e', 'ascii'));
  }
}

/** Matches a string of ASCII only: its UTF-16 code-unit order is its UTF-8 byte order. */
const ASCII = /^[\x00-\x7f]*$/;

/**
 * The encoding as one JavaScript string, for values without raw bytes (every reply the relay
 * sends): one concatenation per token and one UTF-8 conversion at the end, instead of a Buffer
 * per token and a concat (the token Buffers were most of a reply's encoding cost). Returns null
 * when a Buffer is inside; the caller then takes the byte path.
 */
function encodeText(v: BencodeInput, depth: number): string | null {
  if (depth > DEFAULT_BENCODE_LIMITS.maxDepth) throw new BencodeError('value nests too deeply to encode');
  if (typeof v === 'string') return `${ASCII.test(v) ? v.length : Buffer.byteLength(v, 'utf8')}:${v}`;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new BencodeError(`only safe integers can be encoded, got ${v}`);
    return `i${v}e`;
  }
  if (Buffer.isBuffer(v)) return null;
  if (Array.isArray(v)) {
    let out = 'l';
    for (const item of v as readonly BencodeInput[]) {
      const t = encodeText(item, depth + 1);
      if (t === null) return null;
      out += t;
    }
    return `${out}e`;
  }
  const dict = v as { readonly [key: string]: BencodeInput | undefined };
  const keys = Object.keys(dict).filter((k) => dict[k] !== undefined);
  // Keys sorted by their bytes (bencode): for ASCII keys that is the default string order.
  if (keys.every((k) => ASCII.test(k))) keys.sort();
  else keys.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  let out = 'd';
  for (const k of keys) {
    const t = encodeText(dict[k] as BencodeInput, depth + 1);
    if (t === null) return null;
    out += `${Buffer.byteLength(k, 'utf8')}:${k}${t}`;
  }
  return `${out}e`;
}

/** Encode a value; dictionary entries whose value is `undefined` are left out. */
export function bencode(v: BencodeInput): Buffer {
  const text = encodeText(v, 1);
  if (text !== null) return Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  encodeInto(v, out, 1);
  return Buffer.concat(out);
}

type Decoded<T> = { value: T; end: number };

class Decoder {
  constructor(
    private readonly buf: Buffer,
    private readonly limits: BencodeLimits,
    private readonly raw: boolean,
  ) {}

  private need(pos: number): number {
    if (pos >= this.buf.length) throw new BencodeError('unexpected end of input', true);
    return this.buf[pos];
  }

  value(pos: number, depth: number): Decoded<NgValue | Buffer> {
    const c = this.need(pos);
    if (c === I) return this.integer(pos);
    if (c === L || c === D) {
      if (depth >= this.limits.maxDepth) throw new BencodeError(`nesting deeper than ${this.limits.maxDepth} at byte ${pos}`);
      return c === L ? this.list(pos, depth + 1) : this.dict(pos, depth + 1);
    }
    if (c >= ZERO && c <= NINE) {
      const s = this.byteString(pos);
      return { value: this.raw ? s.value : s.value.toString('utf8'), end: s.end };
    }
    throw new BencodeError(`unexpected byte 0x${c.toString(16).padStart(2, '0')} at byte ${pos}`);
  }

  private integer(pos: number): Decoded<number> {
    let p = pos + 1;
    const start = p;
    if (this.need(p) === MINUS) p++;
    const digitsStart = p;
    while (this.need(p) !== E) {
      const c = this.buf[p];
      if (c < ZERO || c > NINE) throw new BencodeError(`bad integer at byte ${pos}`);
      p++;
      if (p - digitsStart > MAX_INT_DIGITS) throw new BencodeError(`integer too long at byte ${pos}`);
    }
    const text = this.buf.toString('ascii', start, p);
    // i-0e and leading zeros are not canonical bencode.
    if (!/^(0|-?[1-9][0-9]*)$/.test(text)) throw new BencodeError(`bad integer "${text}" at byte ${pos}`);
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw new BencodeError(`integer out of range at byte ${pos}`);
    return { value: n, end: p + 1 };
  }

  private byteString(pos: number): Decoded<Buffer> {
    let p = pos;
    let len = 0;
    while (this.need(p) !== COLON) {
      const c = this.buf[p];
      if (c < ZERO || c > NINE) throw new BencodeError(`bad string length at byte ${pos}`);
      len = len * 10 + (c - ZERO);
      if (len > this.limits.maxBytes) throw new BencodeError(`string length exceeds ${this.limits.maxBytes} bytes at byte ${pos}`);
      p++;
    }
    if (p - pos > 1 && this.buf[pos] === ZERO) throw new BencodeError(`string length with leading zero at byte ${pos}`);
    const start = p + 1;
    if (start + len > this.buf.length) throw new BencodeError('string runs past the end of input', true);
    return { value: this.buf.subarray(start, start + len), end: start + len };
  }

  private list(pos: number, depth: number): Decoded<NgValue[]> {
    const items: NgValue[] = [];
    let p = pos + 1;
    while (this.need(p) !== E) {
      const item = this.value(p, depth);
      items.push(item.value as NgValue);
      p = item.end;
    }
    return { value: items, end: p + 1 };
  }

  private dict(pos: number, depth: number): Decoded<NgDict> {
    // A null-prototype object: keys such as "__proto__" stay plain data.
    const dict = Object.create(null) as NgDict;
    let p = pos + 1;
    while (this.need(p) !== E) {
      const c = this.buf[p];
      if (c < ZERO || c > NINE) throw new BencodeError(`dictionary key is not a string at byte ${p}`);
      const key = this.byteString(p);
      const name = key.value.toString('utf8');
      if (Object.prototype.hasOwnProperty.call(dict, name)) throw new BencodeError(`duplicate dictionary key "${name.slice(0, 64)}"`);
      const item = this.value(key.end, depth);
      dict[name] = item.value as NgValue;
      p = item.end;
    }
    return { value: dict, end: p + 1 };
  }
}

/**
 * Decode one value at `offset`; returns it and the offset after it. Throws BencodeError with
 * `incomplete` set when the input ends inside the value (a stream reader then waits for more).
 */
export function bdecodePrefix(buf: Buffer, offset = 0, limits: BencodeLimits = DEFAULT_BENCODE_LIMITS): { value: NgValue; end: number } {
  if (buf.length - offset > limits.maxBytes) {
    // A stream may hold more than one message; only the part up to the limit may be this one.
    const r = new Decoder(buf.subarray(0, offset + limits.maxBytes), limits, false).value(offset, 0);
    return { value: r.value as NgValue, end: r.end };
  }
  const r = new Decoder(buf, limits, false).value(offset, 0);
  return { value: r.value as NgValue, end: r.end };
}

/** Decode exactly one value filling the whole buffer. */
export function bdecode(buf: Buffer, limits: BencodeLimits = DEFAULT_BENCODE_LIMITS): NgValue {
  if (buf.length > limits.maxBytes) throw new BencodeError(`input of ${buf.length} bytes exceeds ${limits.maxBytes}`);
  const { value, end } = bdecodePrefix(buf, 0, limits);
  if (end !== buf.length) throw new BencodeError(`${buf.length - end} trailing bytes after the value`);
  return value;
}

/** As `bdecode`, with byte strings kept as Buffers (views into `buf`). */
export function bdecodeBytes(buf: Buffer, limits: BencodeLimits = DEFAULT_BENCODE_LIMITS): unknown {
  if (buf.length > limits.maxBytes) throw new BencodeError(`input of ${buf.length} bytes exceeds ${limits.maxBytes}`);
  const r = new Decoder(buf, limits, true).value(0, 0);
  if (r.end !== buf.length) throw new BencodeError(`${buf.length - r.end} trailing bytes after the value`);
  return r.value;
}

export function isNgDict(v: unknown): v is NgDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}
