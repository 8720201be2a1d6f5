/**
 * The HTTP surface: every route is in the OpenAPI document, every route (and the WebSocket)
 * needs the token, malformed requests get a 4xx with a code and the offending field and create
 * nothing, plus /healthz, /metrics, TLS, and the latch and keyexpiring events.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { openApiPath, ROUTES, type RunningApi } from '../../../src/api';
import { CONSOLE_ROUTE_URLS } from '../../../src/api/console-routes';
import { Client, EventCollector, Phone, TOKEN, securePhone, startTestApi } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

describe('API surface', () => {
  let api: RunningApi;
  let client: Client;
  const routes: { method: string; url: string }[] = [];
  beforeAll(async () => {
    ({ api, client } = await startTestApi(relayPortRange(100), { onRoute: (r) => routes.push(r) }));
  });
  afterAll(async () => {
    await api.close();
  });

  it('lists every registered route in /v1/openapi.json', async () => {
    const doc = await client.ok('GET', '/v1/openapi.json');
    expect(doc.openapi).toBe('3.0.3');
    const own = routes.filter((r) => r.method !== 'HEAD');
    // The JSON routes, plus POST /ng (rtpengine's ng protocol over HTTP) and the console's pages.
    expect(own.length).toBe(ROUTES.length + 1 + CONSOLE_ROUTE_URLS.length);
    expect(own).toContainEqual({ method: 'POST', url: '/ng' });
    for (const r of own) {
      expect(doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()]).toBeDefined();
    }
    expect(doc.paths['/v1/calls/{callId}/legs'].post.requestBody.content['application/json'].schema.required).toEqual(['id', 'device', 'keying']);
    expect(doc.paths['/v1/calls/{callId}/legs/{legId}/keys'].get['x-secret']).toBe(true);
  });

  it('validates every JSON reply against its response schema: a reply that breaks it is a 500, never sent', async () => {
    for (const r of ROUTES) {
      if (r.kind !== undefined) continue;
      for (const [status, [, schema]] of Object.entries(r.responses)) {
        if (Number(status) !== 204) expect({ route: r.operationId, schema: schema !== undefined }).toEqual({ route: r.operationId, schema: true });
      }
    }
    await client.ok('POST', '/v1/calls', { id: 'contract1' });
    const spy = jest.spyOn(api.service, 'getCall').mockReturnValue({ id: 'contract1', status: 'locked' } as never);
    try {
      const bad = await client.call('GET', '/v1/calls/contract1');
      expect(bad.status).toBe(500);
      expect(bad.body.error.code).toBe('API_ERR_INTERNAL');
      expect(bad.text).not.toContain('locked');
    } finally {
      spy.mockRestore();
    }
    expect((await client.ok('GET', '/v1/calls/contract1')).id).toBe('contract1');
    await client.ok('DELETE', '/v1/calls/contract1');
  });

  it('answers 401 without the token, or with a wrong one, on every route but the public /healthz', async () => {
    for (const r of ROUTES) {
      const url = r.url.replace(':callId', 'c1').replace(':legId', 'A').replace(':resourceId', 'r1');
      for (const token of [null, 'wrong-token-wrong-token']) {
        const res = await client.call(r.method, url, r.method === 'POST' || r.method === 'PATCH' ? {} : undefined, { token });
        if (r.operationId === 'healthz') {
          // Probes need no token and learn the status only.
          expect([res.status, res.body]).toEqual([200, { status: 'ok' }]);
          continue;
        }
        expect([r.operationId, res.status, res.body?.error?.code]).toEqual([r.operationId, 401, 'API_ERR_UNAUTHORIZED']);
      }
    }
    await expect(EventCollector.open(api.url, 'wrong-token-wrong-token')).rejects.toThrow('HTTP 401');
    const ws = new WebSocket(`${api.url.replace('http', 'ws')}/v1/events`);
    ws.on('error', () => undefined);
    await expect(new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('unexpected-response', (req, res) => {
        req.destroy();
        reject(new Error(String(res.statusCode)));
      });
    })).rejects.toThrow('401');
    expect((await client.ok('GET', '/healthz'))).toMatchObject({ status: 'ok', calls: 0 });
  });

  it('refuses malformed requests with a code and the offending field', async () => {
    const cases: [string, string, unknown, number, string, string | undefined][] = [
      ['POST', '/v1/calls', { bogus: 1 }, 400, 'API_ERR_BAD_REQUEST', 'bogus'],
      ['POST', '/v1/calls', { id: 'has space' }, 400, 'API_ERR_BAD_REQUEST', 'id'],
      ['POST', '/v1/calls', { policy: 'sometimes' }, 400, 'API_ERR_BAD_REQUEST', 'policy'],
      ['POST', '/v1/calls/v1/legs', { id: 'A', keying: 'managed' }, 400, 'API_ERR_BAD_REQUEST', 'device'],
      ['POST', '/v1/calls/v1/legs', { id: 'A', device: securePhone('A'), keying: 'managed', streams: [{ kind: 'audio', remote: { address: '127.0.0.1', port: 70000 } }] }, 400, 'API_ERR_BAD_REQUEST', 'streams[0].remote.port'],
      ['POST', '/v1/calls/v1/legs', { id: 'A', device: securePhone('A'), keying: 'managed', streams: [{ kind: 'audio', remote: { address: 'phone.example', port: 7000 } }] }, 400, 'API_ERR_BAD_REQUEST', 'streams[0].remote.address'],
      ['POST', '/v1/calls/v1/legs', { id: 'A', device: securePhone('A'), keying: 'managed', streams: [{ kind: 'audio' }, { kind: 'audio' }] }, 409, 'API_ERR_DUPLICATE_STREAM', 'streams[1].kind'],
      ['POST', '/v1/calls/v1/legs', { id: 'A', device: { id: 'm', kind: 'moh_server' }, keying: 'none' }, 400, 'CALL_ERR_BAD_DEVICE_KIND', 'device.kind'],
      ['POST', '/v1/calls/v1/legs', { id: 'A', device: { id: 'p', kind: 'ip_phone', protectedDevice: true }, keying: 'none' }, 400, 'CALL_ERR_BAD_DEVICE', 'device'],
      ['POST', '/v1/calls/v1/legs', { id: 'A', device: securePhone('A'), keying: 'managed', suites: ['ROT13_HMAC'] }, 409, 'KEY_ERR_NO_COMMON_SUITE', 'suites'],
      ['POST', '/v1/calls/v1/legs', { id: 'A', device: securePhone('A'), keying: 'none', streams: [{ kind: 'audio', crypto: ['a=crypto:1 x'] }] }, 400, 'API_ERR_CRYPTO_NOT_ALLOWED', 'streams[0].crypto'],
      ['POST', '/v1/calls/nope/legs', { id: 'A', device: securePhone('A'), keying: 'none' }, 404, 'API_ERR_UNKNOWN_CALL', 'callId'],
      ['GET', '/v1/calls/v1/legs/nope', undefined, 404, 'API_ERR_UNKNOWN_LEG', 'legId'],
      ['POST', '/v1/calls/v1/resume', undefined, 409, 'CALL_ERR_NOT_HELD', undefined],
      ['POST', '/v1/calls/v1/hold', { leg: 'Z' }, 404, 'CALL_ERR_UNKNOWN_LEG', 'leg'],
      ['DELETE', '/v1/calls/v1/transcoders/xc9', undefined, 404, 'CALL_ERR_UNKNOWN_RESOURCE', 'id'],
      ['POST', '/v1/calls/v1/transcoders', { id: 'xc', leg: 'A', remotes: { leg: { address: '127.0.0.1', port: 9 } } }, 400, 'API_ERR_BAD_REQUEST', 'remotes.peer'],
      ['PATCH', '/v1/calls/v1', { policy: 'rtp', extra: true }, 400, 'API_ERR_BAD_REQUEST', 'extra'],
      ['GET', '/v1/nothing-here', undefined, 404, 'API_ERR_NOT_FOUND', undefined],
    ];
    await client.ok('POST', '/v1/calls', { id: 'v1' });
    expect((await client.call('POST', '/v1/calls', { id: 'v1' })).body.error).toMatchObject({ code: 'API_ERR_DUPLICATE_CALL', field: 'id' });
    for (const [method, url, body, status, code, field] of cases) {
      const res = await client.call(method, url, body);
      expect([method, url, res.status, res.body.error.code, res.body.error.field]).toEqual([method, url, status, code, field]);
      expect(typeof res.body.error.message).toBe('string');
    }
    const badJson = await client.call('POST', '/v1/calls', undefined, { raw: '{"id":' });
    expect([badJson.status, badJson.body.error.code]).toEqual([400, 'API_ERR_BAD_JSON']);
    const text = await client.call('POST', '/v1/calls', undefined, { raw: 'id=x', contentType: 'text/plain' });
    expect([text.status, text.body.error.code]).toEqual([415, 'API_ERR_UNSUPPORTED_MEDIA_TYPE']);
    // Nothing was created by any of them.
    expect((await client.ok('GET', '/v1/calls')).calls.map((c: { id: string; legs: unknown[] }) => [c.id, c.legs.length])).toEqual([['v1', 0]]);
    expect(api.service.relay.getCall('v1')?.stats().legs).toEqual([]);
    await client.ok('POST', '/v1/calls/v1/legs', { id: 'N', device: securePhone('N'), keying: 'none' });
    expect((await client.call('GET', '/v1/calls/v1/legs/N/keys')).body.error).toMatchObject({ code: 'API_ERR_NO_KEYS' });
    await client.ok('DELETE', '/v1/calls/v1');
  });

  it('serves Prometheus metrics', async () => {
    const res = await client.call('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    for (const name of ['srtp_relay_calls{status="encrypted"}', 'srtp_relay_http_requests_total', 'srtp_relay_leg_counter{counter="authFailures"}', 'srtp_relay_ports_available']) {
      expect(res.text).toContain(name);
    }
  });

  it('emits latch (after an authenticated packet) and keyexpiring (near the key lifetime)', async () => {
    const small = await startTestApi(relayPortRange(100), { keys: { keys: { lifetime: 64 } } });
    const events = await EventCollector.open(small.api.url);
    const A = await Phone.open();
    const B = await Phone.open();
    try {
      await small.client.ok('POST', '/v1/calls', { id: 'k1' });
      // A's remote is not signaled: the relay learns it from A's first authenticated packet.
      const a = await small.client.ok('POST', '/v1/calls/k1/legs', { id: 'A', device: securePhone('A'), keying: 'managed', keyingScope: 'leg', suites: ['AES_CM_128_HMAC_SHA1_80'] });
      const b = await small.client.ok('POST', '/v1/calls/k1/legs', { id: 'B', device: securePhone('B'), keying: 'managed', keyingScope: 'leg', streams: [{ kind: 'audio', remote: B.endpoint }] });
      A.relayPort = a.streams[0].local.rtpPort;
      B.relayPort = b.streams[0].local.rtpPort;
      A.useManagedKeys((await small.client.ok('GET', '/v1/calls/k1/legs/A/keys')).streams[0]);
      B.useManagedKeys((await small.client.ok('GET', '/v1/calls/k1/legs/B/keys')).streams[0]);
      expect(a.streams[0].suite).toBe('AES_CM_128_HMAC_SHA1_80');
      const latch = await events.waitFor((e) => e.type === 'latch', 0, 200).catch(() => null);
      expect(latch).toBeNull();
      await A.talk('a', 60);
      expect(await events.waitFor((e) => e.type === 'latch')).toMatchObject({ callId: 'k1', legId: 'A', stream: 'audio', rtcp: false, address: '127.0.0.1', port: A.port });
      await B.hear('a', 60);
      await B.talk('b', 2);
      await A.hear('b', 2);
      const expiring = await events.waitFor((e) => e.type === 'keyexpiring');
      expect(expiring).toMatchObject({ callId: 'k1', lifetime: 64 });
      expect(expiring.used as number).toBeGreaterThanOrEqual(56);
      const sides = new Set<string>();
      await events.waitFor((e) => {
        if (e.type === 'keyexpiring') sides.add(`${String(e.legId)}/${String(e.direction)}`);
        return sides.has('A/inbound') && sides.has('B/outbound');
      });
    } finally {
      events.close();
      A.close();
      B.close();
      await small.api.close();
    }
  });

  it('speaks HTTPS when a certificate is configured', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'srtp-relay-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const secure = await startTestApi(relayPortRange(10), { tls: { cert, key } });
    try {
      expect(secure.api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const get = (token: string | null): Promise<number> => new Promise((resolve, reject) => {
        const req = https.request(`${secure.api.url}/v1/calls`, { ca: readFileSync(cert), headers: token === null ? {} : { authorization: `Bearer ${token}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(await get(TOKEN)).toBe(200);
      expect(await get(null)).toBe(401);
    } finally {
      await secure.api.close();
    }
  });
});
