/**
 * JSON bodies: rtpengine accepts a JSON object wherever a bencode dictionary may stand
 * (rtpengine's docs/ng_control_protocol.md, "The dictionary document can be in one of two formats"). JSON
 * values map onto the bencode model: strings and lists as they are, integers as integers,
 * booleans as "yes"/"no" (how ng spells them, e.g. `record call`), and anything bencode cannot
 * carry (null, fractions) is an error.
 */
import type { NgDict, NgValue } from './bencode';
import { NgError, NgErrorCode } from './errors';

const MAX_JSON_DEPTH = 32;

function toNgValue(v: unknown, path: string, depth: number): NgValue {
  if (depth > MAX_JSON_DEPTH) throw new NgError(NgErrorCode.BadJson, `JSON nests deeper than ${MAX_JSON_DEPTH}`);
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new NgError(NgErrorCode.BadJson, `${path}: only integers can be carried, got ${v}`);
    return v;
  }
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.map((item, i) => toNgValue(item, `${path}[${i}]`, depth + 1));
  if (typeof v === 'object' && v !== null) {
    const out = Object.create(null) as NgDict;
    for (const [k, item] of Object.entries(v)) out[k] = toNgValue(item, `${path}.${k}`, depth + 1);
    return out;
  }
  throw new NgError(NgErrorCode.BadJson, `${path}: null cannot be carried`);
}

export function decodeJsonBody(body: Buffer): NgDict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new NgError(NgErrorCode.BadJson, `invalid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new NgError(NgErrorCode.NotADictionary, 'the JSON body is not an object');
  }
  return toNgValue(parsed, '$', 1) as NgDict;
}

export function encodeJsonBody(dict: NgDict): Buffer {
  return Buffer.from(JSON.stringify(dict), 'utf8');
}

/**
 * Length of the JSON object starting at `offset` (its closing brace included), or -1 when the
 * buffer ends first: how the TCP reader finds where a JSON message ends in a byte stream.
 */
export function jsonObjectLength(buf: Buffer, offset: number): number {
  let depth = 0;
  let inString = false;
  for (let p = offset; p < buf.length; p++) {
    const c = buf[p];
    if (inString) {
      if (c === 0x5c /* \ */) p++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) depth++;
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
      if (depth === 0) return p + 1 - offset;
    }
  }
  return -1;
}
