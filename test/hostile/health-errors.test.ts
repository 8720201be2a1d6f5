/**
 * Issue case 8: /healthz for probes without a token (status only; 503 when degraded: ports
 * exhausted, a worker down) with details behind the token; 409 for every duplicate; client
 * aborts and WebSocket protocol errors logged without stacks and never as internal errors;
 * `GET /v1/calls` paginated; an empty JSON body on DELETE accepted.
 */
import WebSocket from 'ws';
import type net from 'node:net';
import { Client, startTestApi, TOKEN } from '../integration/api/helpers';
import { rawConnect, sleep } from './helpers';
import { relayPortRange } from '../helpers/port-ranges';

jest.setTimeout(30_000);

const phone = (id: string) => ({ id, kind: 'ip_phone' });

describe('/healthz', () => {
  it('answers probes with the status only, 503 when the port pool is exhausted; details with the token', async () => {
    const [base] = relayPortRange(4);
    const { api, client } = await startTestApi([base, base + 3]);
    const probe = new Client(api.url, null);
    try {
      expect([(await probe.call('GET', '/healthz')).status, (await probe.call('GET', '/healthz')).body]).toEqual([200, { status: 'ok' }]);
      // The packet I/O backend the run uses: native unless forced to dgram (npm run test:dgram).
      const packetIo = process.env.SRTP_RELAY_IO === 'dgram' ? 'dgram' : 'native';
      expect((await client.call('GET', '/healthz')).body).toMatchObject({ status: 'ok', reasons: [], calls: 0, portsAvailable: 4, packetIo, packetIoFallback: null });
      expect((await client.call('GET', '/metrics')).text).toContain(`srtp_relay_packet_io{backend="${packetIo}"} 1`);
      await client.ok('POST', '/v1/calls', { id: 'h1' });
      for (const id of ['A', 'B']) await client.ok('POST', '/v1/calls/h1/legs', { id, device: phone(id), keying: 'none' });
      const degraded = await probe.call('GET', '/healthz');
      expect([degraded.status, degraded.body]).toEqual([503, { status: 'degraded' }]);
      expect((await client.call('GET', '/healthz')).body).toMatchObject({ status: 'degraded', reasons: ['ports_exhausted'], calls: 1, portsAvailable: 0 });
      await client.call('DELETE', '/v1/calls/h1');
      expect((await probe.call('GET', '/healthz')).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('says degraded while a media worker is down', async () => {
    const { api, client } = await startTestApi(relayPortRange(), { relay: { portRange: relayPortRange(), bindAddress: '127.0.0.1', workers: 1, logLevel: 'silent' } });
    try {
      await api.service.relay.killWorker(0);
      const r = await client.call('GET', '/healthz');
      expect([r.status, r.body.status, r.body.reasons]).toEqual([503, 'degraded', ['worker_down']]);
    } finally {
      await api.close();
    }
  });
});

describe('errors', () => {
  it('409 for every duplicate: call, leg, stream', async () => {
    const { api, client } = await startTestApi(relayPortRange());
    try {
      await client.ok('POST', '/v1/calls', { id: 'd1' });
      const call = await client.call('POST', '/v1/calls', { id: 'd1' });
      await client.ok('POST', '/v1/calls/d1/legs', { id: 'A', device: phone('A'), keying: 'none' });
      const leg = await client.call('POST', '/v1/calls/d1/legs', { id: 'A', device: phone('A2'), keying: 'none' });
      const stream = await client.call('POST', '/v1/calls/d1/legs/A/streams', { kind: 'audio' });
      const listed = await client.call('POST', '/v1/calls/d1/legs', { id: 'B', device: phone('B'), keying: 'none', streams: [{ kind: 'audio' }, { kind: 'audio' }] });
      expect([call, leg, stream, listed].map((r) => [r.status, r.body.error.field])).toEqual([[409, 'id'], [409, 'id'], [409, 'kind'], [409, 'streams[1].kind']]);
    } finally {
      await api.close();
    }
  });

  it('logs client aborts and WebSocket protocol errors without stacks, never as internal errors', async () => {
    const { api, client, logs } = await startTestApi(relayPortRange(), { logLevel: 'debug' });
    try {
      // A client that aborts mid-body.
      const s: net.Socket = await rawConnect(api.url);
      s.on('error', () => undefined);
      s.write(`POST /v1/calls HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id":"ab`);
      await sleep(100);
      s.destroy();
      // A subscriber that sends a malformed frame (RSV2/RSV3 set).
      const ws = new WebSocket(`${api.url.replace(/^http/, 'ws')}/v1/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
      ws.on('error', () => undefined);
      await new Promise<void>((resolve) => ws.once('open', () => resolve()));
      (ws as unknown as { _socket: net.Socket })._socket.write(Buffer.from([0xb1, 0x80, 1, 2, 3, 4]));
      await new Promise<void>((resolve) => ws.once('close', () => resolve()));
      await sleep(100);
      expect((await client.call('GET', '/v1/calls')).status).toBe(200);
      const lines = logs.lines.map((l) => JSON.parse(l) as { level: number; msg: string; stack?: string; err?: unknown });
      expect(lines.filter((l) => l.msg === 'internal error')).toEqual([]);
      expect(lines.filter((l) => l.stack !== undefined || (l.err !== undefined && JSON.stringify(l.err).includes('stack')))).toEqual([]);
      expect(lines.filter((l) => l.level >= 50)).toEqual([]);
      const proto = lines.find((l) => l.msg === 'websocket protocol error');
      expect(proto?.level).toBe(40);
      expect(lines.find((l) => l.msg === 'client aborted the request')?.level).toBe(20);
    } finally {
      await api.close();
    }
  });
});

describe('GET /v1/calls and body-less methods', () => {
  it('pages the calls with limit and cursor', async () => {
    const { api, client } = await startTestApi(relayPortRange());
    try {
      const ids = Array.from({ length: 250 }, (_, i) => `p${String(i).padStart(3, '0')}`);
      for (const id of ids) await client.ok('POST', '/v1/calls', { id });
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { calls: { id: string }[]; nextCursor: string | null } = await client.ok('GET', `/v1/calls?limit=100${cursor !== null ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.calls.map((c) => c.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== null && pages < 10);
      expect([pages, seen]).toEqual([3, ids]);
      expect((await client.ok('GET', '/v1/calls')).calls).toHaveLength(100);
      const badLimit = await client.call('GET', '/v1/calls?limit=0');
      expect([badLimit.status, badLimit.body.error.code, badLimit.body.error.field]).toEqual([400, 'API_ERR_BAD_REQUEST', 'limit']);
      const badCursor = await client.call('GET', '/v1/calls?cursor=!!');
      expect([badCursor.status, badCursor.body.error.field]).toEqual([400, 'cursor']);
      // Decodes, but is not a cursor this server wrote (non-canonical base64url).
      const forged = await client.call('GET', '/v1/calls?cursor=cDF');
      expect([forged.status, forged.body.error.code]).toEqual([400, 'API_ERR_BAD_CURSOR']);
    } finally {
      await api.close();
    }
  });

  it('accepts DELETE with Content-Type: application/json and no body', async () => {
    const { api, client } = await startTestApi(relayPortRange());
    try {
      await client.ok('POST', '/v1/calls', { id: 'del' });
      const r = await client.call('DELETE', '/v1/calls/del', undefined, { raw: '', contentType: 'application/json' });
      expect(r.status).toBe(204);
      const post = await client.call('POST', '/v1/calls', undefined, { raw: '', contentType: 'application/json' });
      expect([post.status, post.body.error.code]).toEqual([400, 'API_ERR_BAD_JSON']);
    } finally {
      await api.close();
    }
  });
});
