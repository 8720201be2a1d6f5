/**
 * The ng message frame: `<cookie> <dictionary>` (rtpengine's docs/ng_control_protocol.md). The cookie is an
 * opaque token chosen by the proxy, unique per request, echoed in the reply and used to spot
 * retransmissions. The dictionary is bencode (starts with `d`) or JSON (starts with `{`); the
 * reply is written in the request's format.
 */
import { BencodeError, bdecode, bencode, isNgDict, type NgDict } from './bencode';
import { NgError, NgErrorCode } from './errors';
import { decodeJsonBody, encodeJsonBody } from './json-body';

export type NgBodyFormat = 'bencode' | 'json';

/** Longest cookie accepted: Kamailio's are ~20 characters; the bound keeps the cache small. */
export const MAX_COOKIE_LENGTH = 128;

export interface NgFrame {
  readonly cookie: string;
  readonly body: Buffer;
  readonly format: NgBodyFormat;
}

const SPACE = 0x20;

/**
 * Split a message into cookie and body. Throws NG_ERR_BAD_FRAME when there is no usable cookie
 * (then no reply can be addressed and the transport drops the message).
 */
export function splitFrame(msg: Buffer): NgFrame {
  const space = msg.indexOf(SPACE);
  if (space <= 0) throw new NgError(NgErrorCode.BadFrame, 'no "<cookie> <body>" separator');
  if (space > MAX_COOKIE_LENGTH) throw new NgError(NgErrorCode.BadFrame, `cookie longer than ${MAX_COOKIE_LENGTH} bytes`);
  for (let i = 0; i < space; i++) {
    const c = msg[i];
    if (c < 0x21 || c > 0x7e) throw new NgError(NgErrorCode.BadFrame, 'cookie has non-printable bytes');
  }
  const cookie = msg.toString('ascii', 0, space);
  const body = msg.subarray(space + 1);
  const format: NgBodyFormat = body.length > 0 && body[0] === 0x7b /* { */ ? 'json' : 'bencode';
  return { cookie, body, format };
}

/** Decode a body into its dictionary; typed errors say what is wrong. */
export function decodeBody(body: Buffer, format: NgBodyFormat, maxBytes: number): NgDict {
  if (body.length === 0) throw new NgError(NgErrorCode.BadFrame, 'empty body');
  if (body.length > maxBytes) throw new NgError(NgErrorCode.TooLarge, `body of ${body.length} bytes exceeds ${maxBytes}`);
  if (format === 'json') return decodeJsonBody(body);
  let value;
  try {
    value = bdecode(body, { maxDepth: 32, maxBytes });
  } catch (err) {
    if (err instanceof BencodeError) throw new NgError(NgErrorCode.BadBencode, err.message);
    throw err;
  }
  if (!isNgDict(value)) throw new NgError(NgErrorCode.NotADictionary, 'the bencode body is not a dictionary');
  return value;
}

export function encodeFrame(cookie: string, dict: NgDict, format: NgBodyFormat): Buffer {
  const body = format === 'json' ? encodeJsonBody(dict) : bencode(dict);
  return Buffer.concat([Buffer.from(`${cookie} `, 'ascii'), body]);
}
