/**
 * Bencode (the encoding of rtpengine's ng control protocol): integers `i42e`, byte strings
 * `4:spam`, lists `l...e` and dictionaries `d...e` with keys sorted as raw byte strings.
 * Strings decode as UTF-8 text: ng messages carry SDP and flags, never binary.
 */
import { BenchError } from '../bench-errors';

export type BValue = string | number | BValue[] | { [key: string]: BValue };

export class BencodeError extends BenchError {
  constructor(message: string) {
    super('BENCH_ERR_BENCODE', `bencode: ${message}`);
    this.name = 'BencodeError';
  }
}

function encodeInto(v: BValue, out: Buffer[]): void {
  if (typeof v === 'string') {
    const bytes = Buffer.from(v, 'utf8');
    out.push(Buffer.from(`${bytes.length}:`, 'ascii'), bytes);
  } else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new BencodeError(`only integers can be encoded, got ${v}`);
    out.push(Buffer.from(`i${v}e`, 'ascii'));
  } else if (Array.isArray(v)) {
    out.push(Buffer.from('l', 'ascii'));
    for (const item of v) encodeInto(item, out);
    out.push(Buffer.from('e', 'ascii'));
  } else {
    out.push(Buffer.from('d', 'ascii'));
    const keys = Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
    for (const k of keys) {
      encodeInto(k, out);
      encodeInto(v[k], out);
    }
    out.push(Buffer.from('e', 'ascii'));
  }
}

export function bencode(v: BValue): Buffer {
  const out: Buffer[] = [];
  encodeInto(v, out);
  return Buffer.concat(out);
}

const COLON = 0x3a;
const E = 0x65;

/** Decode one value starting at `pos`; returns it and the position after it. */
function decodeAt(buf: Buffer, pos: number): [BValue, number] {
  if (pos >= buf.length) throw new BencodeError('unexpected end of input');
  const c = buf[pos];
  if (c === 0x69 /* i */) {
    const end = buf.indexOf(E, pos + 1);
    if (end < 0) throw new BencodeError('unterminated integer');
    const text = buf.toString('ascii', pos + 1, end);
    if (!/^-?(0|[1-9][0-9]*)$/.test(text)) throw new BencodeError(`bad integer "${text}"`);
    return [Number(text), end + 1];
  }
  if (c === 0x6c /* l */) {
    const list: BValue[] = [];
    let p = pos + 1;
    while (buf[p] !== E) {
      const [item, next] = decodeAt(buf, p);
      list.push(item);
      p = next;
    }
    return [list, p + 1];
  }
  if (c === 0x64 /* d */) {
    const dict: { [key: string]: BValue } = {};
    let p = pos + 1;
    while (buf[p] !== E) {
      const [key, afterKey] = decodeAt(buf, p);
      if (typeof key !== 'string') throw new BencodeError('dictionary key is not a string');
      const [value, next] = decodeAt(buf, afterKey);
      dict[key] = value;
      p = next;
    }
    return [dict, p + 1];
  }
  if (c >= 0x30 && c <= 0x39) {
    const colon = buf.indexOf(COLON, pos);
    if (colon < 0) throw new BencodeError('string without length separator');
    const len = Number(buf.toString('ascii', pos, colon));
    if (!Number.isInteger(len) || colon + 1 + len > buf.length) throw new BencodeError('string length out of range');
    return [buf.toString('utf8', colon + 1, colon + 1 + len), colon + 1 + len];
  }
  throw new BencodeError(`unexpected byte 0x${c.toString(16)} at ${pos}`);
}

export function bdecode(buf: Buffer): BValue {
  const [v, end] = decodeAt(buf, 0);
  if (end !== buf.length) throw new BencodeError(`${buf.length - end} trailing bytes`);
  return v;
}
