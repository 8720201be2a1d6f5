/**
 * The native backend: the worker's sockets live in the addon (`native/`), which reads every
 * readable socket with recvmmsg into one preallocated ring per worker and calls `onBatch` once
 * per event-loop iteration with all of them. This class walks the batch and hands each datagram
 * to its socket's callback (the leg's packet handler) as a view of its ring slot; sends are
 * written as records into shared memory and flushed with sendmmsg when the batch is done (or
 * at once outside a batch). Nothing is allocated per packet: the slot views are made once, a
 * source address becomes a string only when it differs from the socket's previous source, and
 * a destination is parsed only when it differs from the socket's previous destination.
 */
import { constants as osConstants } from 'node:os';
import { LAYOUT, type NativeBinding, type NativeEngine } from './native-binding';
import type { MediaSocket, PacketIo, SocketCallbacks } from './packet-io';

/**
 * Receive slot size. A longer datagram is cut by the kernel, then counted and dropped
 * (`truncated`): Ethernet-MTU datagrams (1472 B of UDP payload) and WebRTC's 1200-byte packets
 * fit; jumbo frames do not.
 */
export const RX_SLOT_SIZE = 2048;
/** Room for what protect adds (tag, MKI, SRTCP index) to the largest received packet. */
export const TX_SLOT_SIZE = RX_SLOT_SIZE + 512;
/** Datagrams per batch (ring slots). */
export const RING_SLOTS = 64;

const { RX_WORDS, RX_LENGTH, RX_FLAGS, RX_PORT, RX_FAMILY, RX_ADDR0, RX_FLAG_TRUNCATED } = LAYOUT;
const { TX_WORDS, TX_SOCKET, TX_REGION, TX_OFFSET, TX_LENGTH, TX_PORT, TX_FAMILY, TX_ADDR0, TX_RESULT, TX_REGION_RX, TX_REGION_TX } = LAYOUT;

const ERRNO_NAMES: string[] = [];
for (const [name, n] of Object.entries(osConstants.errno)) ERRNO_NAMES[n] ??= name;
function errnoName(n: number): string {
  return ERRNO_NAMES[n] ?? `errno ${n}`;
}

export class NativeSocket implements MediaSocket {
  callbacks: SocketCallbacks | null = null;
  closed = false;
  /** The previous source (integers) and its text: a leg's packets nearly all come from one. */
  srcFamily = 0;
  src0 = 0;
  src1 = 0;
  src2 = 0;
  src3 = 0;
  srcText = '';
  /** The previous destination text and its integers (family 0: not an address of the socket's family). */
  dstText = '';
  dstFamily = 0;
  /** Plain fields, not an Int32Array: a typed array costs some 200 bytes a socket (issue 13 goal 3). */
  dst0 = 0;
  dst1 = 0;
  dst2 = 0;
  dst3 = 0;

  constructor(
    private readonly io: NativeIo,
    readonly id: number,
    readonly family: 4 | 6,
    /** The bound port (the OS's choice when bound to port 0). */
    readonly port: number,
  ) {}

  start(callbacks: SocketCallbacks): void {
    if (this.callbacks !== null || this.closed) return;
    this.callbacks = callbacks;
    this.io.startSocket(this);
  }

  send(buf: Buffer, offset: number, length: number, port: number, address: string): void {
    this.io.queue(this, buf, offset, length, port, address);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.io.closeSocket(this);
  }
}

export class NativeIo implements PacketIo {
  readonly name = 'native' as const;
  private readonly engine: NativeEngine;
  /** The ring's ArrayBuffers, to tell a forwarded receive slot or a send slot from other buffers. */
  private readonly rxAb: ArrayBuffer;
  private readonly txAb: ArrayBuffer;
  private readonly meta: Int32Array;
  private readonly tx: Buffer;
  private readonly rxViews: Buffer[] = [];
  private readonly txViews: Buffer[] = [];
  /** Out-parameter of parseAddress, copied into the socket's dst fields. */
  private readonly parsedWords = new Int32Array(4);
  /** Word index of the first send record. */
  private readonly txBase: number;
  private readonly sockets: (NativeSocket | null)[] = [];
  /** Socket of each queued send record, for its result. */
  private readonly txOwners: (NativeSocket | null)[];
  private txCount = 0;
  private delivering = false;
  private closed = false;
  /** Diagnostics: batches delivered and datagrams in them. */
  batches = 0;
  datagrams = 0;

  constructor(
    private readonly binding: NativeBinding,
    private readonly slots = RING_SLOTS,
  ) {
    this.engine = binding.createEngine(slots, RX_SLOT_SIZE, TX_SLOT_SIZE, this.onBatch);
    this.rxAb = this.engine.rx;
    this.txAb = this.engine.tx;
    this.meta = new Int32Array(this.engine.meta);
    this.tx = Buffer.from(this.engine.tx);
    for (let i = 0; i < slots; i++) {
      this.rxViews.push(Buffer.from(this.engine.rx, i * RX_SLOT_SIZE, RX_SLOT_SIZE));
      this.txViews.push(Buffer.from(this.engine.tx, i * TX_SLOT_SIZE, TX_SLOT_SIZE));
    }
    this.txBase = slots * RX_WORDS;
    this.txOwners = new Array<NativeSocket | null>(slots).fill(null);
  }

  bind(family: 4 | 6, address: string, port: number): Promise<MediaSocket> {
    if (this.closed) return Promise.reject(Object.assign(new Error('packet I/O is closed'), { code: 'EBADF' }));
    try {
      const id = this.binding.bind(this.engine, family, address, port);
      const s = new NativeSocket(this, id, family, port === 0 ? this.binding.localPort(this.engine, id) : port);
      this.sockets[id] = s;
      return Promise.resolve(s);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  sendBuffer(): Buffer {
    if (this.txCount === this.slots) this.flush();
    return this.txViews[this.txCount] as Buffer;
  }

  startSocket(s: NativeSocket): void {
    this.binding.start(this.engine, s.id);
  }

  closeSocket(s: NativeSocket): void {
    if (this.sockets[s.id] === s) this.sockets[s.id] = null;
    if (!this.closed) this.binding.closeSocket(this.engine, s.id);
  }

  /** Queue one datagram; sent when the batch ends (or now, outside a batch). */
  queue(s: NativeSocket, buf: Buffer, offset: number, length: number, port: number, address: string): void {
    if (this.closed || s.closed) {
      s.callbacks?.sent('EBADF', 0);
      return;
    }
    if (this.txCount === this.slots) this.flush();
    const i = this.txCount;
    const m = this.meta;
    const r = this.txBase + i * TX_WORDS;
    const ab = buf.buffer;
    if (ab === this.rxAb) {
      // Forwarded unchanged (passthrough, RTP forward): sent from its receive slot, no copy.
      m[r + TX_REGION] = TX_REGION_RX;
      m[r + TX_OFFSET] = buf.byteOffset + offset;
    } else if (ab === this.txAb) {
      m[r + TX_REGION] = TX_REGION_TX;
      m[r + TX_OFFSET] = buf.byteOffset + offset;
    } else {
      // A buffer of someone else's (rare: not the packet path's): copy it into this record's slot.
      if (length > TX_SLOT_SIZE || length < 0) {
        s.callbacks?.sent('EMSGSIZE', 0);
        return;
      }
      buf.copy(this.tx, i * TX_SLOT_SIZE, offset, offset + length);
      m[r + TX_REGION] = TX_REGION_TX;
      m[r + TX_OFFSET] = i * TX_SLOT_SIZE;
    }
    if (address !== s.dstText) {
      const w = this.parsedWords;
      s.dstFamily = this.binding.parseAddress(address, w);
      s.dst0 = w[0] as number;
      s.dst1 = w[1] as number;
      s.dst2 = w[2] as number;
      s.dst3 = w[3] as number;
      s.dstText = address;
    }
    m[r + TX_SOCKET] = s.id;
    m[r + TX_LENGTH] = length;
    m[r + TX_PORT] = port;
    m[r + TX_FAMILY] = s.dstFamily;
    m[r + TX_ADDR0] = s.dst0;
    m[r + TX_ADDR0 + 1] = s.dst1;
    m[r + TX_ADDR0 + 2] = s.dst2;
    m[r + TX_ADDR0 + 3] = s.dst3;
    this.txOwners[i] = s;
    this.txCount = i + 1;
    if (!this.delivering) this.flush();
  }

  /** Send every queued record (sendmmsg per run of one socket) and report each outcome. */
  private flush(): void {
    const n = this.txCount;
    if (n === 0) return;
    this.txCount = 0;
    this.binding.flush(this.engine, n);
    const m = this.meta;
    const owners = this.txOwners;
    for (let i = 0; i < n; i++) {
      const s = owners[i];
      owners[i] = null;
      const cb = s?.callbacks;
      if (cb === null || cb === undefined) continue;
      const res = m[this.txBase + i * TX_WORDS + TX_RESULT] as number;
      if (res >= 0) cb.sent(null, res);
      else cb.sent(errnoName(-res), 0);
    }
  }

  /** Called by the addon once per loop iteration with the datagrams waiting in the ring. */
  private readonly onBatch = (count: number): void => {
    this.delivering = true;
    this.batches += 1;
    this.datagrams += count;
    try {
      const m = this.meta;
      for (let i = 0; i < count; i++) {
        const r = i * RX_WORDS;
        const id = m[r] as number;
        if (id < 0) continue; // its socket closed before delivery
        const s = this.sockets[id];
        if (s === null || s === undefined) continue;
        const cb = s.callbacks;
        if (cb === null) continue;
        const family = m[r + RX_FAMILY] as number;
        const a0 = m[r + RX_ADDR0] as number;
        const a1 = m[r + RX_ADDR0 + 1] as number;
        const a2 = m[r + RX_ADDR0 + 2] as number;
        const a3 = m[r + RX_ADDR0 + 3] as number;
        const address = a0 === s.src0 && family === s.srcFamily && a1 === s.src1 && a2 === s.src2 && a3 === s.src3 ? s.srcText : this.sourceText(s, family, a0, a1, a2, a3);
        const port = m[r + RX_PORT] as number;
        const length = m[r + RX_LENGTH] as number;
        if (((m[r + RX_FLAGS] as number) & RX_FLAG_TRUNCATED) !== 0) cb.truncated(length, address, port);
        else cb.packet(this.rxViews[i] as Buffer, length, address, port);
      }
    } finally {
      this.delivering = false;
      this.flush();
    }
  };

  /** A source other than the socket's previous one (rare): format it and remember it. */
  private sourceText(s: NativeSocket, family: number, a0: number, a1: number, a2: number, a3: number): string {
    const text = family === 4
      ? `${(a0 >>> 24) & 255}.${(a0 >>> 16) & 255}.${(a0 >>> 8) & 255}.${a0 & 255}`
      : this.binding.formatAddress(family, a0, a1, a2, a3);
    s.srcFamily = family;
    s.src0 = a0;
    s.src1 = a1;
    s.src2 = a2;
    s.src3 = a3;
    s.srcText = text;
    return text;
  }

  /** Close every socket and the engine. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    for (const s of this.sockets) if (s !== null && s !== undefined) s.closed = true;
    this.sockets.length = 0;
    this.binding.closeEngine(this.engine);
  }
}
