/**
 * Finds message boundaries in an ng TCP byte stream. rtpengine's tcp-ng sends the same
 * `<cookie> <dictionary>` messages as over UDP, back to back with no length prefix
 * (rtpengine's docs/tcpng_control_protocol.md: "Everything said for UDP based ng protocol counts for TCP
 * variant too"): the end of a message is the end of its dictionary, which bencode delimits by
 * itself. JSON bodies are delimited by their closing brace.
 */
import { BencodeError, bdecodePrefix } from './bencode';
import { MAX_COOKIE_LENGTH } from './framing';
import { NgError, NgErrorCode } from './errors';
import { jsonObjectLength } from './json-body';

export class NgTcpFramer {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxMessageBytes: number) {}

  /** Bytes waiting for the rest of their message. */
  get pending(): number {
    return this.buffer.length;
  }

  /**
   * Append received bytes and return the complete messages in them. Throws NgError when the
   * stream cannot be a sequence of ng messages (the connection must then be closed: the next
   * message boundary cannot be found).
   */
  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      const length = this.nextLength();
      if (length < 0) break;
      out.push(this.buffer.subarray(0, length));
      this.buffer = this.buffer.subarray(length);
    }
    if (this.buffer.length > this.maxMessageBytes) {
      throw new NgError(NgErrorCode.TooLarge, `message larger than ${this.maxMessageBytes} bytes`);
    }
    return out;
  }

  /** Length of the first complete message in the buffer, or -1 when it is not complete yet. */
  private nextLength(): number {
    const buf = this.buffer;
    // Leading whitespace between messages (a client may end each with a newline) is skipped.
    let start = 0;
    while (start < buf.length && (buf[start] === 0x0a || buf[start] === 0x0d || buf[start] === 0x20)) start++;
    if (start > 0) {
      this.buffer = buf.subarray(start);
      return this.nextLength();
    }
    const space = buf.indexOf(0x20);
    if (space < 0) {
      if (buf.length > MAX_COOKIE_LENGTH) throw new NgError(NgErrorCode.BadFrame, 'no cookie separator');
      return -1;
    }
    const bodyStart = space + 1;
    if (bodyStart >= buf.length) return -1;
    if (buf[bodyStart] === 0x7b /* { */) {
      const len = jsonObjectLength(buf, bodyStart);
      return len < 0 ? -1 : bodyStart + len;
    }
    try {
      return bdecodePrefix(buf, bodyStart, { maxDepth: 32, maxBytes: this.maxMessageBytes }).end;
    } catch (err) {
      if (err instanceof BencodeError && err.incomplete) return -1;
      throw new NgError(NgErrorCode.BadBencode, (err as Error).message);
    }
  }
}
