/**
 * A client of the ng control protocol over UDP: sends `<cookie> <bencoded dict>`, pairs the
 * reply by its cookie, and retransmits with the same cookie on timeout (as Kamailio does; the
 * relay answers a retransmission from its cookie cache, so a command never runs twice). Used by
 * the relay benchmark to drive rtpengine and our relay, and by the SIP test harness.
 */
import dgram from 'node:dgram';
import { bdecode, bencode, isNgDict, type BencodeInput, type NgDict } from './bencode';
import { NgError, NgErrorCode } from './errors';

export class NgClientError extends NgError {
  /** The reply's `error-reason` when the relay answered `error`; undefined for timeouts and bad replies. */
  readonly errorReason: string | undefined;
  constructor(message: string, errorReason?: string) {
    super(NgErrorCode.PeerFailed, `ng: ${message}`);
    this.name = 'NgClientError';
    this.errorReason = errorReason;
  }
}

interface Pending {
  resolve(v: NgDict): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  attempts: number;
  readonly maxAttempts: number;
  readonly datagram: Buffer;
  readonly timeoutMs: number;
}

export interface NgRequestOptions {
  readonly timeoutMs?: number;
  /** Sends in all, the first included (default 2). */
  readonly attempts?: number;
  /** Resolve with `result: error` replies instead of rejecting. */
  readonly acceptErrors?: boolean;
}

export class NgClient {
  private readonly pending = new Map<string, Pending & { acceptErrors: boolean }>();
  private nextCookie = 1;
  private readonly prefix = `${process.pid.toString(36)}_${Math.floor(Math.random() * 36 ** 4).toString(36)}_`;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly timeoutMs: number,
  ) {
    socket.on('message', (msg) => this.onMessage(msg));
  }

  static async connect(host: string, port: number, timeoutMs = 2000): Promise<NgClient> {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => undefined); // ICMP port unreachable while the relay starts; requests retry
    return new NgClient(socket, timeoutMs);
  }

  /** Send `command` with `args`; resolves with the reply dictionary, rejects on result "error". */
  request(command: string, args: { readonly [key: string]: BencodeInput | undefined } = {}, options: NgRequestOptions | number = {}): Promise<NgDict> {
    const o = typeof options === 'number' ? { timeoutMs: options } : options;
    const cookie = `${this.prefix}${(this.nextCookie++).toString(36)}`;
    return this.send(cookie, Buffer.concat([Buffer.from(`${cookie} `, 'ascii'), bencode({ ...args, command })]), o);
  }

  /** Send a message exactly as given (cookie included); for protocol tests. */
  sendRaw(cookie: string, message: Buffer, options: NgRequestOptions = {}): Promise<NgDict> {
    return this.send(cookie, message, { acceptErrors: true, ...options });
  }

  close(): void {
    for (const [cookie, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new NgClientError(`client closed before reply to ${cookie}`));
    }
    this.pending.clear();
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  private send(cookie: string, datagram: Buffer, o: NgRequestOptions): Promise<NgDict> {
    const timeoutMs = o.timeoutMs ?? this.timeoutMs;
    return new Promise((resolve, reject) => {
      const p = {
        resolve, reject, attempts: 1, maxAttempts: o.attempts ?? 2, datagram, timeoutMs, acceptErrors: o.acceptErrors ?? false,
        timer: setTimeout(() => this.onTimeout(cookie), timeoutMs),
      };
      this.pending.set(cookie, p);
      this.socket.send(datagram);
    });
  }

  private onTimeout(cookie: string): void {
    const p = this.pending.get(cookie);
    if (p === undefined) return;
    if (p.attempts >= p.maxAttempts) {
      this.pending.delete(cookie);
      p.reject(new NgClientError(`no reply after ${p.attempts} attempts of ${p.timeoutMs} ms`));
      return;
    }
    p.attempts += 1;
    p.timer = setTimeout(() => this.onTimeout(cookie), p.timeoutMs);
    this.socket.send(p.datagram);
  }

  private onMessage(msg: Buffer): void {
    const space = msg.indexOf(0x20);
    if (space <= 0) return;
    const cookie = msg.toString('ascii', 0, space);
    const p = this.pending.get(cookie);
    if (p === undefined) return; // a late reply to a retried request
    this.pending.delete(cookie);
    clearTimeout(p.timer);
    let reply: unknown;
    try {
      const body = msg.subarray(space + 1);
      reply = body[0] === 0x7b ? JSON.parse(body.toString('utf8')) : bdecode(body);
    } catch (err) {
      p.reject(new NgClientError(`undecodable reply: ${(err as Error).message}`));
      return;
    }
    if (!isNgDict(reply)) {
      p.reject(new NgClientError('reply is not a dictionary'));
      return;
    }
    if (reply.result === 'error' && !p.acceptErrors) {
      const reason = String(reply['error-reason'] ?? 'unknown error');
      p.reject(new NgClientError(reason, reason));
      return;
    }
    p.resolve(reply);
  }
}
