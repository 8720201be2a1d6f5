/**
 * The batched packet I/O addon (src/relay/io/native) through its TypeScript backend
 * (native-io.ts), on loopback: datagrams from many sockets arrive in one batch with their
 * sources as integers turned into strings once, sends queued in a batch leave with sendmmsg,
 * long datagrams are cut and reported, kernel refusals come back as errno names, and closing
 * a socket (or the engine) while datagrams wait is safe. Also: the addon in worker threads.
 *
 * The addon is built by `npm ci` (scripts/build-native-io.js). Under SRTP_RELAY_IO=dgram (the
 * CI run that stands for a machine without a C compiler) only the fallback is checked.
 */
import dgram from 'node:dgram';
import { Worker } from 'node:worker_threads';
import { loadNativeBinding, NATIVE_ADDON_PATH } from '../../../../src/relay/io/native-binding';
import { NativeIo, NativeSocket, RX_SLOT_SIZE } from '../../../../src/relay/io/native-io';
import type { SocketCallbacks } from '../../../../src/relay/io/packet-io';
import { createPacketIo, IO_ENV } from '../../../../src/relay/io/select-backend';
import { ScratchBuffers } from '../../../../src/relay/scratch-buffers';

const forcedDgram = process.env[IO_ENV] === 'dgram';

interface Got {
  data: Buffer;
  address: string;
  port: number;
}

/** Callbacks that record what a socket receives and what its sends became. */
class Recorder implements SocketCallbacks {
  readonly got: Got[] = [];
  readonly truncations: { length: number; address: string; port: number }[] = [];
  readonly results: (string | number)[] = [];
  onPacket: ((p: Buffer, length: number, address: string, port: number) => void) | null = null;
  readonly packet = (p: Buffer, length: number, address: string, port: number): void => {
    this.got.push({ data: Buffer.from(p.subarray(0, length)), address, port });
    this.onPacket?.(p, length, address, port);
  };
  readonly truncated = (length: number, address: string, port: number): void => {
    this.truncations.push({ length, address, port });
  };
  readonly sent = (error: string | null, bytes: number): void => {
    this.results.push(error ?? bytes);
  };
}

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function peer(type: 'udp4' | 'udp6' = 'udp4'): Promise<{ socket: dgram.Socket; port: number; got: Buffer[] }> {
  const socket = dgram.createSocket(type);
  const got: Buffer[] = [];
  socket.on('message', (m) => got.push(m));
  await new Promise<void>((r) => socket.bind(0, type === 'udp6' ? '::1' : '127.0.0.1', r));
  return { socket, port: socket.address().port, got };
}

function sendAll(socket: dgram.Socket, packets: Buffer[], port: number, address = '127.0.0.1'): Promise<void> {
  return Promise.all(packets.map((p) => new Promise<void>((res, rej) => socket.send(p, port, address, (e) => (e ? rej(e) : res()))))).then(() => undefined);
}

if (forcedDgram) {
  describe('packet I/O forced to dgram (SRTP_RELAY_IO=dgram)', () => {
    it('auto resolves to dgram without touching the addon', () => {
      const { io, fallback } = createPacketIo('dgram', new ScratchBuffers());
      expect(io.name).toBe('dgram');
      expect(fallback).toBeNull();
    });
  });
} else {
  describe('native packet I/O (recvmmsg / sendmmsg addon)', () => {
    let io: NativeIo;
    const closers: (() => void)[] = [];

    beforeAll(() => {
      const { binding, reason } = loadNativeBinding();
      if (binding === null) throw new Error(`the addon must be built for this test (${String(reason)}; ${NATIVE_ADDON_PATH}): run npm ci or npm run build:native, or set ${IO_ENV}=dgram`);
      io = new NativeIo(binding);
    });
    afterAll(() => {
      for (const c of closers) c();
      io?.close();
    });

    async function open(family: 4 | 6 = 4): Promise<{ s: NativeSocket; rec: Recorder }> {
      const s = (await io.bind(family, family === 6 ? '::1' : '127.0.0.1', 0)) as NativeSocket;
      const rec = new Recorder();
      s.start(rec);
      return { s, rec };
    }

    it('auto picks it', () => {
      const { io: chosen, fallback } = createPacketIo('auto', new ScratchBuffers());
      expect([chosen.name, fallback]).toEqual(['native', null]);
      chosen.close();
    });

    it('receives a burst in one batch, with each datagram, its length and its source', async () => {
      const { s, rec } = await open();
      const p = await peer();
      closers.push(() => p.socket.close());
      const packets = Array.from({ length: 40 }, (_, i) => Buffer.alloc(20 + i, i + 1));
      const before = { batches: io.batches, datagrams: io.datagrams };
      await sendAll(p.socket, packets, s.port);
      await until(() => rec.got.length === 40, '40 datagrams');
      expect(rec.got.map((g) => g.data)).toEqual(packets);
      expect(new Set(rec.got.map((g) => `${g.address}:${g.port}`))).toEqual(new Set([`127.0.0.1:${p.port}`]));
      // Batched: far fewer JavaScript calls than datagrams.
      expect(io.datagrams - before.datagrams).toBe(40);
      expect(io.batches - before.batches).toBeLessThan(10);
      s.close();
    });

    it('batches across sockets: many sockets, one datagram each, few deliveries', async () => {
      const opened = await Promise.all(Array.from({ length: 300 }, () => open()));
      const p = await peer();
      closers.push(() => p.socket.close());
      const before = io.batches;
      await Promise.all(opened.map(({ s }, i) => sendAll(p.socket, [Buffer.from(`socket ${i}`)], s.port)));
      await until(() => opened.every(({ rec }) => rec.got.length === 1), 'a datagram on each of 300 sockets');
      opened.forEach(({ rec }, i) => expect(rec.got[0]?.data.toString()).toBe(`socket ${i}`));
      expect(io.batches - before).toBeLessThan(150);
      for (const { s } of opened) s.close();
      // Ids are reused after close and the ports are free again at once.
      const again = await Promise.all(opened.slice(0, 50).map(({ s }) => io.bind(4, '127.0.0.1', s.port)));
      for (const s of again) s.close();
    });

    it('sends what the batch queued, from the receive ring and from send slots, and reports bytes', async () => {
      const { s, rec } = await open();
      const p = await peer();
      closers.push(() => p.socket.close());
      // Echo each datagram unchanged (ring slot), and a transformed copy (send slot).
      rec.onPacket = (packet, length, address, port) => {
        s.send(packet, 0, length, port, address);
        const out = io.sendBuffer();
        for (let i = 0; i < length; i++) out[i] = (packet[i] as number) ^ 0xff;
        s.send(out, 0, length, port, address);
      };
      const packets = Array.from({ length: 20 }, (_, i) => Buffer.alloc(100, i));
      await sendAll(p.socket, packets, s.port);
      await until(() => p.got.length === 40, '40 echoes');
      const plain = p.got.filter((g) => g[0]! < 0x80);
      const flipped = p.got.filter((g) => g[0]! >= 0x80);
      expect(plain.sort(Buffer.compare)).toEqual(packets);
      expect(flipped.map((b) => Buffer.from(b.map((x) => x ^ 0xff))).sort(Buffer.compare)).toEqual(packets);
      expect(rec.results).toEqual(Array(40).fill(100));
      s.close();
    });

    it('sends at once outside a batch, copying a foreign buffer', async () => {
      const { s, rec } = await open();
      const p = await peer();
      closers.push(() => p.socket.close());
      s.send(Buffer.from('hello there'), 6, 5, p.port, '127.0.0.1');
      expect(rec.results).toEqual([5]);
      await until(() => p.got.length === 1, 'the datagram');
      expect(p.got[0]?.toString()).toBe('there');
      s.close();
    });

    it('cuts a datagram longer than a slot and reports it instead of delivering it', async () => {
      const { s, rec } = await open();
      const p = await peer();
      closers.push(() => p.socket.close());
      await sendAll(p.socket, [Buffer.alloc(RX_SLOT_SIZE + 500, 7), Buffer.alloc(RX_SLOT_SIZE, 8)], s.port);
      await until(() => rec.truncations.length + rec.got.length === 2, 'both datagrams');
      expect(rec.truncations).toEqual([{ length: RX_SLOT_SIZE, address: '127.0.0.1', port: p.port }]);
      expect(rec.got.map((g) => g.data.length)).toEqual([RX_SLOT_SIZE]);
      s.close();
    });

    it('reports kernel refusals per datagram as errno names, and goes on sending the rest', async () => {
      const { s, rec } = await open();
      const p = await peer();
      closers.push(() => p.socket.close());
      rec.onPacket = (_packet, length, address, port) => {
        const out = io.sendBuffer();
        out.fill(1, 0, length);
        s.send(out, 0, length, 9, '255.255.255.255'); // broadcast without SO_BROADCAST
        s.send(out, 0, length, 9, '203.0.113.1'); // not reachable from a loopback-bound socket
        s.send(out, 0, length, 9, '::1'); // another family
        s.send(out, 0, length, 9, 'not an address');
        s.send(out, 0, length, port, address); // and this one goes
      };
      await sendAll(p.socket, [Buffer.alloc(30)], s.port);
      await until(() => rec.results.length === 5, 'five outcomes');
      expect(rec.results).toEqual(['EACCES', 'EINVAL', 'EAFNOSUPPORT', 'EAFNOSUPPORT', 30]);
      await until(() => p.got.length === 1, 'the good datagram');
      s.close();
    });

    it('IPv6: sources as text, and ENETUNREACH for an IPv4-mapped destination from ::1', async () => {
      const { s, rec } = await open(6);
      const p = await peer('udp6');
      closers.push(() => p.socket.close());
      await sendAll(p.socket, [Buffer.from('v6')], s.port, '::1');
      await until(() => rec.got.length === 1, 'the datagram');
      expect([rec.got[0]?.address, rec.got[0]?.port]).toEqual(['::1', p.port]);
      s.send(Buffer.from('x'), 0, 1, p.port, '::ffff:127.0.0.1');
      expect(rec.results).toEqual(['ENETUNREACH']);
      s.close();
    });

    it('closing a socket drops its datagrams not yet delivered; a send on it is EBADF', async () => {
      const a = await open();
      const b = await open();
      const p = await peer();
      closers.push(() => p.socket.close());
      // a's callback closes b: no datagram of b may be delivered after that, even one that was
      // already in the same batch behind a's (sent together, they usually are).
      const order: string[] = [];
      a.rec.onPacket = () => {
        order.push('a');
        b.s.close();
      };
      b.rec.onPacket = () => order.push('b');
      p.socket.send(Buffer.from('a'), a.s.port, '127.0.0.1');
      for (let i = 0; i < 5; i++) p.socket.send(Buffer.from(`b${i}`), b.s.port, '127.0.0.1');
      await until(() => order.includes('a'), 'a datagram');
      await new Promise((r) => setTimeout(r, 100));
      await sendAll(p.socket, [Buffer.from('b-late')], b.s.port).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
      expect(order.slice(order.indexOf('a') + 1)).toEqual([]);
      b.s.send(Buffer.from('x'), 0, 1, p.port, '127.0.0.1');
      expect(b.rec.results).toEqual(['EBADF']);
      b.s.close(); // idempotent
      a.s.close();
    });

    it('refuses a port in use with EADDRINUSE and binds it once it is free', async () => {
      const { s } = await open();
      await expect(io.bind(4, '127.0.0.1', s.port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
      s.close();
      (await io.bind(4, '127.0.0.1', s.port)).close();
    });

    it('closes an engine whose sockets are polling, with datagrams waiting', async () => {
      const { binding } = loadNativeBinding();
      const other = new NativeIo(binding!);
      const s = (await other.bind(4, '127.0.0.1', 0)) as NativeSocket;
      const rec = new Recorder();
      s.start(rec);
      const p = await peer();
      closers.push(() => p.socket.close());
      await sendAll(p.socket, [Buffer.from('late')], s.port);
      other.close();
      other.close();
      await new Promise((r) => setTimeout(r, 100));
      expect(rec.got).toEqual([]);
      await expect(other.bind(4, '127.0.0.1', 0)).rejects.toMatchObject({ code: 'EBADF' });
    });

    it('works in worker threads, and a worker terminated with open sockets leaves cleanly', async () => {
      const script = `
        const { parentPort } = require('node:worker_threads');
        const b = { exports: {} };
        process.dlopen(b, ${JSON.stringify(NATIVE_ADDON_PATH)});
        const n = b.exports;
        let e;
        e = n.createEngine(8, 2048, 2560, (count) => {
          const m = new Int32Array(e.meta);
          parentPort.postMessage({ count, length: m[1], text: Buffer.from(e.rx, 0, m[1]).toString() });
        });
        const id = n.bind(e, 4, '127.0.0.1', 0);
        n.start(e, id);
        for (let i = 0; i < 5; i++) n.start(e, n.bind(e, 4, '127.0.0.1', 0));
        parentPort.postMessage({ port: n.localPort(e, id) });
      `;
      for (let round = 0; round < 2; round++) {
        const w = new Worker(script, { eval: true });
        const messages: { port?: number; text?: string }[] = [];
        w.on('message', (m: { port?: number; text?: string }) => messages.push(m));
        await until(() => messages.length === 1, 'the worker to bind');
        const p = await peer();
        await sendAll(p.socket, [Buffer.from(`round ${round}`)], messages[0]!.port!);
        await until(() => messages.length === 2, 'the worker to receive');
        expect(messages[1]?.text).toBe(`round ${round}`);
        const code = await w.terminate();
        expect(code).toBe(1);
        p.socket.close();
      }
    });
  });
}
