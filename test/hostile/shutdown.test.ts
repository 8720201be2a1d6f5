/**
 * Issue cases 1 and 2: SIGTERM against the built `serve` completes within the configured bound
 * (limits.shutdownGraceMs + the forced drain) whatever clients do — an HTTP request stalled in
 * its headers without a token, a WebSocket subscriber that never answers the close frame, and
 * 20 live calls with media flowing — exits 0, closes every call first (`callclosed` reason
 * `shutdown` delivered to a well-behaved subscriber) and stops the media.
 */
import type net from 'node:net';
import { api, openEvents, openSilentSubscriber, rawConnect, rtpPacket, sleep, spawnServe, UdpEndpoint, type ServeChild } from './helpers';

jest.setTimeout(40_000);

const GRACE_MS = 1500;
/** What the bound allows beyond the grace: forced drain (500 ms), worker exit, process exit. */
const BOUND_MS = GRACE_MS + 2000;

async function stop(server: ServeChild): Promise<{ code: number | null; ms: number }> {
  const t0 = Date.now();
  server.child.kill('SIGTERM');
  const { code, at } = await server.exited;
  return { code, ms: at - t0 };
}

async function stalledRequest(url: string): Promise<net.Socket> {
  const s = await rawConnect(url);
  s.on('error', () => undefined);
  s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
  return s;
}

const phone = (id: string) => ({ id, kind: 'ip_phone' });

describe('shutdown is bounded whatever clients do', () => {
  const figures: Record<string, number> = {};
  afterAll(() => {
    // The figures of the report (exit time per hostile case).
    console.log(`shutdown exit times (bound ${BOUND_MS} ms, grace ${GRACE_MS} ms): ${JSON.stringify(figures)}`);
  });

  it('case 1: a request stalled in its headers (no token) does not hold shutdown', async () => {
    const server = await spawnServe({ limits: { shutdownGraceMs: GRACE_MS } });
    try {
      const created = await api(server.url, server.token, 'POST', '/v1/calls', { id: 'c1' });
      expect(created.status).toBe(201);
      const events = await openEvents(server.url, server.token);
      const stalled = await stalledRequest(server.url);
      const { code, ms } = await stop(server);
      figures.stalledRequest = ms;
      expect(code).toBe(0);
      expect(ms).toBeLessThan(BOUND_MS);
      expect(events.events.filter((e) => e.type === 'callclosed')).toEqual([expect.objectContaining({ callId: 'c1', reason: 'shutdown' })]);
      stalled.destroy();
      events.ws.terminate();
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  });

  it('case 2: a WebSocket subscriber that never answers the close frame does not hold shutdown', async () => {
    const server = await spawnServe({ limits: { shutdownGraceMs: GRACE_MS } });
    try {
      const silent = await openSilentSubscriber(server.url, server.token);
      const { code, ms } = await stop(server);
      figures.silentSubscriber = ms;
      expect(code).toBe(0);
      expect(ms).toBeLessThan(BOUND_MS);
      silent.terminate();
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  });

  it('20 live calls, a stalled request and a silent subscriber: calls closed first, media stops, exit 0 within the bound', async () => {
    const server = await spawnServe({ limits: { shutdownGraceMs: GRACE_MS } });
    const endpoints: UdpEndpoint[] = [];
    try {
      const good = await openEvents(server.url, server.token);
      const calls: { a: UdpEndpoint; b: UdpEndpoint; aLocal: number }[] = [];
      for (let i = 0; i < 20; i++) {
        const [a, b] = [await UdpEndpoint.open(), await UdpEndpoint.open()];
        endpoints.push(a, b);
        expect((await api(server.url, server.token, 'POST', '/v1/calls', { id: `live${i}` })).status).toBe(201);
        const legA = await api(server.url, server.token, 'POST', `/v1/calls/live${i}/legs`, { id: 'A', device: phone(`pa${i}`), keying: 'none', streams: [{ kind: 'audio', remote: { address: '127.0.0.1', port: a.port } }] });
        const legB = await api(server.url, server.token, 'POST', `/v1/calls/live${i}/legs`, { id: 'B', device: phone(`pb${i}`), keying: 'none', streams: [{ kind: 'audio', remote: { address: '127.0.0.1', port: b.port } }] });
        expect([legA.status, legB.status]).toEqual([201, 201]);
        calls.push({ a, b, aLocal: legA.body.streams[0].local.rtpPort as number });
      }
      // Media flows on every call.
      for (const [i, c] of calls.entries()) await c.a.send(rtpPacket(0x1000 + i, 1), c.aLocal);
      for (const c of calls) await c.b.waitFor(1);

      const silent = await openSilentSubscriber(server.url, server.token);
      const stalled = await stalledRequest(server.url);
      const { code, ms } = await stop(server);
      figures.liveCallsStalledRequestSilentSubscriber = ms;
      expect(code).toBe(0);
      expect(ms).toBeLessThan(BOUND_MS);
      // Every call closed with reason shutdown, delivered before the subscriber was closed.
      const closed = good.events.filter((e) => e.type === 'callclosed');
      expect(closed).toHaveLength(20);
      expect(closed.every((e) => e.reason === 'shutdown')).toBe(true);
      expect(server.stdout()).toContain('srtp-relay stopped');

      // Media stopped: nothing is relayed any more.
      const before = calls.map((c) => c.b.received.length);
      for (const [i, c] of calls.entries()) await c.a.send(rtpPacket(0x1000 + i, 2), c.aLocal).catch(() => undefined);
      await sleep(100);
      expect(calls.map((c) => c.b.received.length)).toEqual(before);
      stalled.destroy();
      silent.terminate();
      good.ws.terminate();
    } finally {
      for (const e of endpoints) e.close();
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  });
});
