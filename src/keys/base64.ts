/**
 * Strict base64 for SDES key||salt (RFC 4568 §6.1 uses RFC 3548 base64; implementations differ
 * on padding, so both forms are accepted). Node's decoder silently skips bad characters, which
 * would turn a corrupted key into a different valid-looking key, so the text is checked first.
 */
import { KeyError, KeyErrorCode } from './errors';

const ALPHABET = /^[A-Za-z0-9+/]*$/;

export function decodeBase64Strict(text: string): Uint8Array {
  let body = text;
  const pad = /=+$/.exec(text);
  if (pad !== null) {
    if (pad[0].length > 2 || text.length % 4 !== 0) {
      throw new KeyError(KeyErrorCode.BadBase64, `base64 has bad padding (${text.length} characters)`);
    }
    body = text.slice(0, text.length - pad[0].length);
  }
  if (body.length === 0) throw new KeyError(KeyErrorCode.BadBase64, 'base64 key||salt is empty');
  if (!ALPHABET.test(body)) {
    const at = [...body].findIndex((c) => !/[A-Za-z0-9+/]/.test(c));
    throw new KeyError(KeyErrorCode.BadBase64, `base64 has a character outside the alphabet at position ${at + 1}`);
  }
  if (body.length % 4 === 1) throw new KeyError(KeyErrorCode.BadBase64, `base64 length ${body.length} cannot encode whole bytes`);
  const buf = Buffer.from(body, 'base64');
  // A copy of its own (the typed-array copy, not the element-by-element iterator of .from):
  // the decoded bytes may sit in Buffer's shared pool, which is wiped right after.
  const out = new Uint8Array(buf);
  buf.fill(0);
  return out;
}

/** Padded base64, the form RFC 4568 examples show. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
