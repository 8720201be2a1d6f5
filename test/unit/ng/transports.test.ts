/** ng over real sockets on loopback (ports from the OS) and over HTTP on a fastify instance. */
import net from 'node:net';
import Fastify from 'fastify';
import { bdecode, bencode, type NgDict } from '../../../src/ng/bencode';
import { NgDispatcher } from '../../../src/ng/dispatcher';
import { NG_CONTENT_TYPE, registerNgHttpRoute } from '../../../src/ng/http-route';
import { NgClient } from '../../../src/ng/ng-client';
import { NgTcpFramer } from '../../../src/ng/tcp-framer';
import { NgTcpServer } from '../../../src/ng/tcp-server';
import { NgUdpServer } from '../../../src/ng/udp-server';
import { FakeCallControl } from './fake-call-control';

const offer = { 'call-id': 'c1', 'from-tag': 'f1', sdp: 'v=0\r\nc=IN IP4 10.0.0.1\r\n' };

describe('ng over UDP', () => {
  let control: FakeCallControl;
  let server: NgUdpServer;
  let client: NgClient;
  beforeEach(async () => {
    control = new FakeCallControl();
    server = await NgUdpServer.listen({ address: '127.0.0.1', port: 0, dispatcher: new NgDispatcher(control) });
    client = await NgClient.connect('127.0.0.1', server.address().port, 2000);
  });
  afterEach(async () => {
    client.close();
    await server.close();
  });

  it('answers ping, offer and a retransmission with the same cookie', async () => {
    expect(server.address().port).toBeGreaterThan(0);
    expect(await client.request('ping')).toEqual({ result: 'pong' });
    const m = Buffer.concat([Buffer.from('same-cookie '), bencode({ ...offer, command: 'offer' })]);
    const r1 = await client.sendRaw('same-cookie', m);
    const r2 = await client.sendRaw('same-cookie', m);
    expect(r1.sdp).toContain('192.0.2.1');
    expect(r2).toEqual(r1);
    expect(control.count('offer')).toBe(1);
  });

  it('carries a datagram of nearly 64 KiB', async () => {
    const filler = 'a=x-pad:0123456789abcdef\r\n';
    const sdp = `v=0\r\n${filler.repeat(Math.floor(65_300 / filler.length))}`;
    const r = await client.request('offer', { ...offer, sdp });
    expect(Buffer.byteLength(bencode({ ...offer, sdp, command: 'offer' }))).toBeGreaterThan(64_000);
    expect(r.sdp).toBe(sdp);
  });

  it('replies an error to a malformed request', async () => {
    const r = await client.sendRaw('bad', Buffer.from('bad d7:command'));
    expect(r.result).toBe('error');
    expect(r['error-reason']).toMatch(/bencode/);
    expect(control.calls).toEqual([]);
  });
});

describe('ng over UDP, closed while a request is handled', () => {
  it('drops the late reply and counts it instead of throwing from a closed socket', async () => {
    let answer: (reply: Buffer) => void = () => undefined;
    let arrived: () => void = () => undefined;
    const handled = new Promise<void>((r) => (arrived = r));
    const slow = { handle: () => { arrived(); return new Promise<Buffer>((r) => (answer = r)); } } as unknown as NgDispatcher;
    const server = await NgUdpServer.listen({ address: '127.0.0.1', port: 0, dispatcher: slow });
    const client = await NgClient.connect('127.0.0.1', server.address().port, 2000);
    const pending = client.request('ping').catch((err: unknown) => err);
    await handled;
    await server.close();
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown): void => void unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      answer(Buffer.from('x d6:result4:ponge'));
      await new Promise((r) => setTimeout(r, 20));
      expect(server.repliesAfterClose).toBe(1);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      client.close();
      await pending;
    }
  });
});

function tcpExchange(port: number, chunks: Buffer[], expectReplies: number): Promise<NgDict[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const framer = new NgTcpFramer(1 << 20);
    const replies: NgDict[] = [];
    socket.on('error', reject);
    socket.on('data', (d: Buffer) => {
      for (const m of framer.push(d)) {
        const space = m.indexOf(0x20);
        replies.push({ cookie: m.toString('ascii', 0, space), ...(bdecode(m.subarray(space + 1)) as NgDict) });
      }
      if (replies.length >= expectReplies) {
        socket.end();
        resolve(replies);
      }
    });
    socket.on('connect', async () => {
      for (const c of chunks) {
        socket.write(c);
        await new Promise((r) => setTimeout(r, 5));
      }
    });
  });
}

describe('ng over TCP', () => {
  let control: FakeCallControl;
  let server: NgTcpServer;
  beforeEach(async () => {
    control = new FakeCallControl();
    server = await NgTcpServer.listen({ address: '127.0.0.1', port: 0, dispatcher: new NgDispatcher(control), maxMessageBytes: 200_000 });
  });
  afterEach(() => server.close());

  it('frames back-to-back messages split at any byte', async () => {
    const stream = Buffer.concat([
      Buffer.from('t1 '), bencode({ command: 'ping' }),
      Buffer.from('t2 '), bencode({ ...offer, command: 'offer' }),
      Buffer.from(`t3 ${JSON.stringify({ command: 'query', 'call-id': 'c1' })}`),
    ]);
    // Split into 7-byte pieces so cookies, lengths and dictionaries straddle chunks.
    const chunks: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 7) chunks.push(stream.subarray(i, i + 7));
    const replies = await tcpExchange(server.address().port, chunks, 2);
    const byCookie = new Map(replies.map((r) => [r.cookie, r]));
    expect(byCookie.get('t1')?.result).toBe('pong');
    expect(byCookie.get('t2')?.result).toBe('ok');
    expect(control.count('offer')).toBe(1);
  });

  it('frames a 64 KiB message in one write', async () => {
    const sdp = `v=0\r\n${'a=x-pad:0123456789abcdef\r\n'.repeat(2700)}`;
    const [r] = await tcpExchange(server.address().port, [Buffer.concat([Buffer.from('big '), bencode({ ...offer, sdp, command: 'offer' })])], 1);
    expect(r.cookie).toBe('big');
    expect(r.sdp).toBe(sdp);
  });

  it('closes a connection whose stream is not ng', async () => {
    const closed = await new Promise<boolean>((resolve) => {
      const socket = net.connect(server.address().port, '127.0.0.1', () => socket.write('x qqqq'));
      socket.on('data', () => undefined);
      socket.on('error', () => resolve(true));
      socket.on('close', () => resolve(true));
    });
    expect(closed).toBe(true);
  });

  it('bounds what one connection may buffer', () => {
    const framer = new NgTcpFramer(100);
    expect(framer.push(Buffer.from('c l'))).toEqual([]);
    expect(() => framer.push(Buffer.from('i1e'.repeat(50)))).toThrow(/larger than 100 bytes/);
  });
});

describe('ng over HTTP', () => {
  it('serves POST /ng behind the application\'s own token hook', async () => {
    const control = new FakeCallControl();
    const app = Fastify();
    // Stands for the API server's bearer-token hook, which covers every route on its instance.
    app.addHook('onRequest', async (req, reply) => {
      if (req.headers.authorization !== 'Bearer s3cret') await reply.code(401).send({ error: 'unauthorized' });
    });
    await registerNgHttpRoute(app, new NgDispatcher(control));
    const body = Buffer.concat([Buffer.from('h1 '), bencode({ ...offer, command: 'offer' })]);

    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const post = (payload: Buffer | string, token?: string) => fetch(`${url}/ng`, {
      method: 'POST',
      headers: { 'content-type': NG_CONTENT_TYPE, ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) },
      body: payload,
    });

    const denied = await post(body);
    expect(denied.status).toBe(401);
    expect(control.calls).toEqual([]);
    expect((await post(body, 'wrong')).status).toBe(401);

    const ok = await post(body, 's3cret');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain(NG_CONTENT_TYPE);
    const raw = Buffer.from(await ok.arrayBuffer());
    expect(raw.toString('latin1').startsWith('h1 d')).toBe(true);
    expect((bdecode(raw.subarray(3)) as NgDict).result).toBe('ok');

    const json = await post('h2 {"command":"ping"}', 's3cret');
    expect(await json.text()).toBe('h2 {"result":"pong"}');

    const noCookie = await post('d7:command4:pinge', 's3cret');
    expect(noCookie.status).toBe(400);
    expect(control.count('offer')).toBe(1);
    await app.close();
  });
});
