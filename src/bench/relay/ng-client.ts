/**
 * Client for rtpengine's ng control protocol: a UDP datagram "<cookie> <bencoded dict>", answered
 * by "<cookie> <bencoded dict>" with `result` "ok" (or "error" and `error-reason`). The cookie
 * pairs replies with requests; a request is retried once on timeout (UDP on loopback rarely
 * loses, but rtpengine drops requests it is too busy to read).
 */
import dgram from 'node:dgram';
import { BenchError } from '../bench-errors';
import { bdecode, bencode, type BValue } from './bencode';

export type NgDict = { [key: string]: BValue };

export class NgError extends BenchError {
  constructor(message: string) {
    super('BENCH_ERR_NG', `rtpengine ng: ${message}`);
    this.name = 'NgError';
  }
}

interface Pending {
  resolve(v: NgDict): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  attempts: number;
  datagram: Buffer;
  timeoutMs: number;
}

export class NgClient {
  private readonly pending = new Map<string, Pending>();
  private nextCookie = 1;
  private readonly prefix = `${process.pid.toString(36)}_`;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly timeoutMs: number,
  ) {
    socket.on('message', (msg) => this.onMessage(msg));
  }

  static async connect(host: string, port: number, timeoutMs = 2000): Promise<NgClient> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => undefined); // ICMP port unreachable while rtpengine starts; requests retry
    return new NgClient(socket, timeoutMs);
  }

  /** Send `command` with `args`; resolves with the reply dictionary, rejects on result "error". */
  request(command: string, args: NgDict = {}, timeoutMs: number = this.timeoutMs): Promise<NgDict> {
    const cookie = `${this.prefix}${(this.nextCookie++).toString(36)}`;
    const datagram = Buffer.concat([Buffer.from(`${cookie} `, 'ascii'), bencode({ ...args, command })]);
    return new Promise((resolve, reject) => {
      const p: Pending = { resolve, reject, attempts: 1, datagram, timeoutMs, timer: setTimeout(() => this.onTimeout(cookie), timeoutMs) };
      this.pending.set(cookie, p);
      this.socket.send(datagram);
    });
  }

  close(): void {
    for (const [cookie, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new NgError(`client closed before reply to ${cookie}`));
    }
    this.pending.clear();
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  private onTimeout(cookie: string): void {
    const p = this.pending.get(cookie);
    if (p === undefined) return;
    if (p.attempts >= 2) {
      this.pending.delete(cookie);
      p.reject(new NgError(`no reply after ${p.attempts} attempts of ${p.timeoutMs} ms`));
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
    let reply: BValue;
    try {
      reply = bdecode(msg.subarray(space + 1));
    } catch (err) {
      p.reject(new NgError(`undecodable reply: ${(err as Error).message}`));
      return;
    }
    if (typeof reply !== 'object' || Array.isArray(reply)) {
      p.reject(new NgError('reply is not a dictionary'));
      return;
    }
    if (reply.result === 'error') {
      p.reject(new NgError(String(reply['error-reason'] ?? 'unknown error')));
      return;
    }
    p.resolve(reply);
  }
}
