/**
 * Issue case 3: 1,100 token-less connections against the built `serve` running under
 * `ulimit -n 256`. The server caps connections at half its descriptors and one source at a
 * quarter of that, refuses the excess with a 503 API_ERR_TOO_MANY_CONNECTIONS, closes the
 * connections it held once they have not authenticated in time, and keeps answering the
 * authorised client (including a call whose legs need UDP descriptors) throughout.
 */
import type net from 'node:net';
import { api, closedWithin, rawConnect, spawnServe } from './helpers';

jest.setTimeout(40_000);

const ATTEMPTS = 1100;
const BATCH = 110;
const UNAUTH_MS = 1000;

describe('connection flood under a low descriptor limit', () => {
  it('refuses the flood, closes idle token-less connections, and keeps serving the authorised client', async () => {
    const server = await spawnServe({ limits: { unauthenticatedTimeoutMs: UNAUTH_MS } }, { ulimit: 256 });
    const held: net.Socket[] = [];
    let refused = 0;
    let refusedWith503 = 0;
    let connectErrors = 0;
    /** Attacker connections the server held open at the same time (its limit is what matters). */
    let maxOpen = 0;
    let serverMaxOpen = 0;
    const open = new Set<net.Socket>();
    try {
      for (let i = 0; i < ATTEMPTS; i += BATCH) {
        const batch = await Promise.all(Array.from({ length: BATCH }, (_, j) => rawConnect(server.url, (i + j) % 2 === 0 ? '127.0.0.2' : '127.0.0.3').then(
          (s) => {
            let text = '';
            s.on('data', (d: Buffer) => { text += d.toString(); });
            s.on('error', () => undefined);
            return { s, text: () => text };
          },
          () => null,
        )));
        // A refused connection is answered and closed at once; a held one stays open.
        await Promise.all(batch.map(async (c) => {
          if (c === null) {
            connectErrors += 1;
            return;
          }
          if (await closedWithin(c.s, 150)) {
            refused += 1;
            if (c.text().includes('API_ERR_TOO_MANY_CONNECTIONS')) refusedWith503 += 1;
          } else {
            held.push(c.s);
            open.add(c.s);
            c.s.once('end', () => open.delete(c.s));
            c.s.once('close', () => open.delete(c.s));
          }
        }));
        maxOpen = Math.max(maxOpen, open.size);
        // The authorised client is answered in the middle of the flood, and the server's own
        // count of open connections (this request included) stays within its caps.
        const during = await api(server.url, server.token, 'GET', '/metrics');
        expect(during.status).toBe(200);
        const gauge = Number(/^srtp_relay_api_connections (\d+)/m.exec(during.body as string)?.[1]);
        serverMaxOpen = Math.max(serverMaxOpen, gauge);
      }
      // Still room for real work: a call with two legs (four UDP sockets).
      expect((await api(server.url, server.token, 'POST', '/v1/calls', { id: 'flood' })).status).toBe(201);
      for (const id of ['A', 'B']) {
        const leg = await api(server.url, server.token, 'POST', '/v1/calls/flood/legs', { id, device: { id: `p${id}`, kind: 'ip_phone' }, keying: 'none' });
        expect(leg.status).toBe(201);
      }
      const metrics = await api(server.url, server.token, 'GET', '/metrics');
      const refusals = /srtp_relay_limit_refusals_total\{limit="connections_per_source"\} (\d+)/.exec(metrics.body as string);

      // The held, token-less connections are closed once they have not authenticated in time.
      const t0 = Date.now();
      const closed = await Promise.all(held.map((s) => closedWithin(s, UNAUTH_MS + 2000)));
      const closeMs = Date.now() - t0;
      console.log(`connection flood (ulimit -n 256): ${ATTEMPTS} attempts, at most ${serverMaxOpen} open at the server at once (client view ${maxOpen}; ${held.length} held over the run), refused ${refused} (${refusedWith503} with the 503 body), connect errors ${connectErrors}, per-source refusals metric ${refusals?.[1] ?? 'n/a'}, held ones closed within ${closeMs} ms`);
      // 256 descriptors: 128 connections at most, 32 per source, two sources.
      // (+1: the authorised request that reads the gauge.)
      expect(serverMaxOpen).toBeLessThanOrEqual(64 + 1);
      expect(maxOpen).toBeGreaterThan(0);
      expect(refused + connectErrors).toBeGreaterThanOrEqual(ATTEMPTS - held.length);
      expect(refusedWith503).toBeGreaterThan(0);
      expect(Number(refusals?.[1])).toBeGreaterThan(0);
      expect(closed.every((c) => c)).toBe(true);
      expect((await api(server.url, server.token, 'GET', '/healthz')).body).toMatchObject({ status: 'ok' });
    } finally {
      for (const s of held) s.destroy();
      server.child.kill('SIGTERM');
      const { code } = await server.exited;
      expect(code).toBe(0);
    }
  });
});
