/**
 * Harness of the hostile suite: the BUILT server (`node dist/cli/main.js serve`) as a child
 * process with its own config file and token (SRTP_RELAY_TOKEN), media port ranges taken next to
 * a port the OS just handed out (the relay retries a bind that collides), raw TCP clients, and
 * a WebSocket subscriber that never answers close frames.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { relayPortRange } from '../helpers/port-ranges';

export const MAIN = path.join(__dirname, '../../dist/cli/main.js');

export interface ServeChild {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly token: string;
  readonly exited: Promise<{ code: number | null; at: number }>;
  stdout(): string;
  stderr(): string;
}

/**
 * Start `serve` with `config` (written as JSON) and wait for its URL. `ulimit` runs it under
 * `bash -c 'ulimit -n N; exec node ...'`.
 */
export async function spawnServe(config: object, options: { ulimit?: number; workers?: number } = {}): Promise<ServeChild> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'srtp-relay-hostile-'));
  const file = path.join(dir, 'config.json');
  const portRange = relayPortRange();
  writeFileSync(file, JSON.stringify({ listen: '127.0.0.1:0', dataDir: path.join(dir, 'data'), media: { bindAddress: '127.0.0.1', portRange: `${portRange[0]}-${portRange[1]}`, workers: options.workers ?? 1 }, logLevel: 'warn', ...config }));
  const token = `hostile-${randomBytes(16).toString('hex')}`;
  // ng on a port the OS picks: the default 127.0.0.1:2223 would collide between servers run at once.
  const args = [MAIN, 'serve', '--config', file, '--listen-ng', '127.0.0.1:0'];
  const env = { ...process.env, SRTP_RELAY_TOKEN: token };
  const child = options.ulimit !== undefined
    ? spawn('bash', ['-c', `ulimit -n ${options.ulimit}; exec "$0" "$@"`, process.execPath, ...args], { env })
    : spawn(process.execPath, args, { env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out} ${err}`)), 15_000);
    const check = (): void => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', check);
    void exited.then(() => { clearTimeout(timer); reject(new Error(`serve exited: ${out} ${err}`)); });
  });
  return { child, url, token, exited, stdout: () => out, stderr: () => err };
}

export async function api(url: string, token: string | null, method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}${p}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // metrics text
  }
  return { status: res.status, body: parsed };
}

/** A TCP connection from `localAddress` (any 127/8 address works on Linux loopback). */
export function rawConnect(url: string, localAddress = '127.0.0.1'): Promise<net.Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port), localAddress });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves when the peer closes the socket (or after `ms` with false). */
export function closedWithin(s: net.Socket, ms: number): Promise<boolean> {
  if (s.destroyed || s.readableEnded) return Promise.resolve(true);
  // Flowing, so the peer's FIN is seen even when nobody reads the data.
  s.resume();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const done = (): void => { clearTimeout(timer); resolve(true); };
    s.once('close', done);
    s.once('end', done);
  });
}

/** A subscriber that collects events. */
export function openEvents(url: string, token: string): Promise<{ ws: WebSocket; events: { type: string; reason?: string; callId?: string }[] }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/events`, { headers: { authorization: `Bearer ${token}` } });
  const events: { type: string }[] = [];
  ws.on('message', (d) => events.push(JSON.parse(String(d)) as { type: string }));
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, events }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

/**
 * A subscriber that never answers a close frame: once connected, its socket stops reading, so
 * the server's close frame sits unread and no close frame ever comes back.
 */
export async function openSilentSubscriber(url: string, token: string): Promise<WebSocket> {
  const { ws } = await openEvents(url, token);
  const socket = (ws as unknown as { _socket: net.Socket })._socket;
  socket.pause();
  socket.removeAllListeners('data');
  return ws;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A UDP endpoint on `address` that records what arrives. */
export class UdpEndpoint {
  readonly received: Buffer[] = [];
  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (m) => this.received.push(m));
  }

  static async open(address = '127.0.0.1'): Promise<UdpEndpoint> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, address, resolve));
    return new UdpEndpoint(s);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(packet: Uint8Array, port: number): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(packet, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  }

  async waitFor(count: number, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`timed out: ${this.received.length} of ${count} datagrams`);
      await sleep(5);
    }
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // closed
    }
  }
}

export function rtpPacket(ssrc: number, seq: number, payload: Buffer = Buffer.alloc(160, seq & 0xff)): Buffer {
  const p = Buffer.alloc(12 + payload.length);
  p[0] = 0x80;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE((seq * 160) >>> 0, 4);
  p.writeUInt32BE(ssrc >>> 0, 8);
  payload.copy(p, 12);
  return p;
}
