/**
 * Test harness for the control API: a real server on an ephemeral port, a fetch client, a
 * WebSocket event collector, and simulated endpoints on loopback UDP — phones with their own
 * SrtpContexts, a music-on-hold source, and a transcoder/MTP that forwards between its two ports.
 */
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { startApiServer, type ApiServerConfig, type RunningApi } from '../../../src/api';
import { generateKeySet, formatCryptoAttribute, parseCryptoAttribute, toSrtpContextOptions, type MasterKeySet } from '../../../src/keys';
import { resolveProfile, SrtpContext, SrtpStatus } from '../../../src/srtp';

export const TOKEN = `test-token-${randomBytes(12).toString('hex')}`;

/** Collects every pino line the server writes. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(chunk.toString('utf8'));
    done();
  }
  get text(): string {
    return this.lines.join('');
  }
}

export async function startTestApi(portRange: [number, number], extra: Partial<ApiServerConfig> = {}): Promise<{ api: RunningApi; client: Client; logs: LogCapture }> {
  const logs = new LogCapture();
  const api = await startApiServer({
    listen: { host: '127.0.0.1', port: 0 },
    token: TOKEN,
    relay: { portRange, bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent' },
    logLevel: 'info',
    logDestination: logs,
    ...extra,
  });
  return { api, client: new Client(api.url), logs };
}

export interface Reply<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly status: number;
  readonly body: T;
  readonly text: string;
  readonly headers: Headers;
}

export class Client {
  /** Every error body seen (for the key-leak test). */
  readonly errorBodies: string[] = [];
  constructor(readonly url: string, readonly token: string | null = TOKEN) {}

  async call(method: string, path: string, body?: unknown, options: { token?: string | null; raw?: string; contentType?: string } = {}): Promise<Reply> {
    const token = options.token === undefined ? this.token : options.token;
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (options.raw !== undefined) payload = options.raw;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const res = await fetch(`${this.url}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON (metrics)
    }
    if (res.status >= 400) this.errorBodies.push(text);
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  /** Call and insist on a 2xx. */
  async ok(method: string, path: string, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = await this.call(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${r.text}`);
    return r.body;
  }
}

export interface ApiEventLike { type: string; callId?: string; [k: string]: unknown }

export class EventCollector {
  readonly events: ApiEventLike[] = [];
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.events.push(JSON.parse(String(data)) as ApiEventLike));
  }

  static open(url: string, token = TOKEN): Promise<EventCollector> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/events`, { headers: { authorization: `Bearer ${token}` } });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new EventCollector(ws)));
      ws.on('error', reject);
      ws.once('unexpected-response', (req, res) => {
        req.destroy();
        reject(new Error(`HTTP ${res.statusCode}`));
      });
    });
  }

  mark(): number {
    return this.events.length;
  }

  since(mark: number, type?: string): ApiEventLike[] {
    return this.events.slice(mark).filter((e) => type === undefined || e.type === type);
  }

  async waitFor(pred: (e: ApiEventLike) => boolean, from = 0, ms = 3000): Promise<ApiEventLike> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.events.slice(from).find(pred);
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) throw new Error(`no matching event; saw ${this.events.slice(from).map((e) => e.type).join(',')}`);
      await sleep(10);
    }
  }

  close(): void {
    this.ws.close();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function rtp(ssrc: number, seq: number, payload: Buffer, pt = 0): Buffer {
  const p = Buffer.alloc(12 + payload.length);
  p[0] = 0x80;
  p[1] = pt;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE((seq * 160) >>> 0, 4);
  p.writeUInt32BE(ssrc >>> 0, 8);
  payload.copy(p, 12);
  return p;
}

/** A UDP socket on loopback that records what arrives. */
export class UdpPeer {
  readonly inbox: { data: Buffer; port: number }[] = [];
  constructor(readonly socket: dgram.Socket) {
    socket.on('message', (data, rinfo) => this.onMessage(data, rinfo.port));
  }

  static async bind(): Promise<dgram.Socket> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    return s;
  }

  protected onMessage(data: Buffer, port: number): void {
    this.inbox.push({ data, port });
  }

  get port(): number {
    return this.socket.address().port;
  }

  get endpoint(): { address: string; port: number } {
    return { address: '127.0.0.1', port: this.port };
  }

  sendTo(data: Buffer, port: number): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(data, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // closed
    }
  }
}

export interface Received { readonly ssrc: number; readonly seq: number; readonly payload: Buffer; readonly status: SrtpStatus | 'rtp' }

/**
 * A phone: sends numbered RTP packets (SRTP when it has keys and is in `srtp` mode) to its
 * relay port, and decodes what arrives with the mode it is in at arrival.
 */
export class Phone extends UdpPeer {
  readonly ssrc = randomBytes(4).readUInt32BE(0);
  seq = 1000;
  mode: 'srtp' | 'rtp' = 'rtp';
  relayPort = 0;
  send: SrtpContext | null = null;
  recv: SrtpContext | null = null;
  readonly received: Received[] = [];
  /** Every datagram this phone sent, as sent (SRTP bytes in `srtp` mode). */
  readonly sent: Buffer[] = [];

  static async open(): Promise<Phone> {
    return new Phone(await UdpPeer.bind());
  }

  /** Keys from the key-delivery endpoint (managed keying). */
  useManagedKeys(stream: { send: string; receive: string }): void {
    this.send = contextFromLine(stream.send);
    this.recv = contextFromLine(stream.receive);
    this.mode = 'srtp';
  }

  /** SDES: our own offer line (we send with it) and the relay's answer line (we receive with it). */
  useSdes(ownSet: MasterKeySet, answerLine: string): void {
    const options = toSrtpContextOptions(ownSet);
    this.send = new SrtpContext(options);
    this.recv = contextFromLine(answerLine);
    this.mode = 'srtp';
  }

  protected override onMessage(data: Buffer, port: number): void {
    super.onMessage(data, port);
    if (this.mode === 'srtp' && this.recv !== null) {
      const st = this.recv.unprotectRtp(data);
      const clear = st === SrtpStatus.Ok ? Buffer.from(this.recv.output.subarray(0, this.recv.outputLength)) : data;
      this.received.push({ ssrc: clear.readUInt32BE(8), seq: clear.readUInt16BE(2), payload: clear.subarray(12), status: st });
    } else {
      this.received.push({ ssrc: data.readUInt32BE(8), seq: data.readUInt16BE(2), payload: data.subarray(12), status: 'rtp' });
    }
  }

  /** Send `count` packets whose payloads start with `tag`; returns the payloads. */
  async talk(tag: string, count = 5): Promise<Buffer[]> {
    const payloads: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const payload = Buffer.concat([Buffer.from(`${tag}#${i};`), Buffer.alloc(40, i)]);
      payloads.push(payload);
      let packet = rtp(this.ssrc, this.seq++, payload);
      if (this.mode === 'srtp') {
        const ctx = this.send as SrtpContext;
        const st = ctx.protectRtp(packet);
        if (st !== SrtpStatus.Ok) throw new Error(`protect: ${st}`);
        packet = Buffer.from(ctx.output.subarray(0, ctx.outputLength));
      }
      this.sent.push(packet);
      await this.sendTo(packet, this.relayPort);
    }
    return payloads;
  }

  /** Wait until `count` packets with `tag` arrived (decoded); returns them. */
  async hear(tag: string, count = 5, ms = 3000): Promise<Received[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const got = this.received.filter((r) => r.payload.subarray(0, tag.length + 1).toString() === `${tag}#`);
      if (got.length >= count) return got;
      if (Date.now() > deadline) {
        throw new Error(`heard ${got.length} of ${count} "${tag}" packets; last statuses ${this.received.slice(-5).map((r) => r.status).join(',')}`);
      }
      await sleep(10);
    }
  }

  /** Nothing tagged `tag` arrives (after in-flight packets had time to land). */
  async silent(tag: string, ms = 150): Promise<void> {
    await sleep(ms);
    const got = this.received.filter((r) => r.payload.subarray(0, tag.length + 1).toString() === `${tag}#`);
    if (got.length > 0) throw new Error(`heard ${got.length} "${tag}" packets`);
  }
}

/** The key-params of an a=crypto line (`inline:...|lifetime|mki:len`), in order. Secret. */
export function keyParamsOf(line: string): string[] {
  return line.split(' ')[2].split(';');
}

export function contextFromLine(line: string): SrtpContext {
  const attr = parseCryptoAttribute(line);
  const options = toSrtpContextOptions(attr.keySet);
  attr.keySet.release();
  return new SrtpContext(options);
}

/** An SDES offer the way a phone makes one: its own fresh send key. */
export function phoneOffer(suite = 'AES_CM_128_HMAC_SHA1_80'): { set: MasterKeySet; line: string } {
  const set = generateKeySet(resolveProfile(suite));
  return { set, line: formatCryptoAttribute(1, set) };
}

/** A music-on-hold source: plain RTP to the relay's MOH port. */
export class MohSource extends UdpPeer {
  readonly ssrc = 0x0f0f0f0f;
  seq = 1;
  relayPort = 0;
  static async open(): Promise<MohSource> {
    return new MohSource(await UdpPeer.bind());
  }
  async play(tag: string, count = 5): Promise<void> {
    for (let i = 0; i < count; i++) await this.sendTo(rtp(this.ssrc, this.seq++, Buffer.concat([Buffer.from(`${tag}#${i};`), Buffer.alloc(20)])), this.relayPort);
  }
}

/**
 * A transcoder or MTP: what arrives on one port leaves on the other, towards the relay's
 * matching port. The transcoder marks each payload (as a codec change would alter it); the
 * MTP passes it through.
 */
export class InlineResource {
  nearRelayPort = 0;
  farRelayPort = 0;
  forwarded = 0;
  private constructor(readonly legSide: UdpPeer, readonly peerSide: UdpPeer, readonly transform: (p: Buffer) => Buffer) {
    legSide.socket.on('message', (data) => {
      this.forwarded += 1;
      void peerSide.sendTo(this.apply(data), this.farRelayPort);
    });
    peerSide.socket.on('message', (data) => {
      this.forwarded += 1;
      void legSide.sendTo(this.apply(data), this.nearRelayPort);
    });
  }

  static async open(transform: (p: Buffer) => Buffer = (p) => p): Promise<InlineResource> {
    const make = async (): Promise<UdpPeer> => new UdpPeer(await UdpPeer.bind());
    return new InlineResource(await make(), await make(), transform);
  }

  private apply(packet: Buffer): Buffer {
    return Buffer.concat([packet.subarray(0, 12), this.transform(packet.subarray(12))]);
  }

  get remotes(): { leg: { address: string; port: number }; peer: { address: string; port: number } } {
    return { leg: this.legSide.endpoint, peer: this.peerSide.endpoint };
  }

  close(): void {
    this.legSide.close();
    this.peerSide.close();
  }
}

/** A trusted, encrypted, TLS, SRTP-capable phone (lock). */
export function securePhone(id: string): object {
  return { id, kind: 'ip_phone', trusted: true, securityMode: 'encrypted', signalingTls: true, srtpCapable: true };
}

/** A phone with a nonsecure profile (no icon). */
export function nonsecurePhone(id: string): object {
  return { id, kind: 'ip_phone', trusted: true, securityMode: 'nonsecure' };
}

/**
 * One API server per test file: started before the file's tests, closed after them together
 * with every peer the tests handed to `track`.
 */
export interface TestApi {
  readonly api: RunningApi;
  readonly client: Client;
  readonly logs: LogCapture;
  /** Close these when the file's tests are done; returns the first. */
  track<T extends { close(): void }>(first: T, ...more: { close(): void }[]): T;
  /** A tracked phone. */
  phone(): Promise<Phone>;
}

export function useTestApi(portRange: [number, number], extra: Partial<ApiServerConfig> = {}): TestApi {
  let started: { api: RunningApi; client: Client; logs: LogCapture } | null = null;
  const closers: { close(): void }[] = [];
  const running = (): { api: RunningApi; client: Client; logs: LogCapture } => {
    if (started === null) throw new Error('the test API is not started (use it inside tests)');
    return started;
  };
  beforeAll(async () => {
    started = await startTestApi(portRange, extra);
  });
  afterAll(async () => {
    for (const c of closers) c.close();
    await started?.api.close();
  });
  const t: TestApi = {
    get api() { return running().api; },
    get client() { return running().client; },
    get logs() { return running().logs; },
    track(first, ...more) {
      closers.push(first, ...more);
      return first;
    },
    async phone() {
      return t.track(await Phone.open());
    },
  };
  return t;
}
