/**
 * Issue cases 3 and 7 (in process): every limit answers with its code and counts in
 * `srtp_relay_limit_refusals_total` — connections per source, token-less connections closed
 * quickly, request rate per token, WebSocket subscribers, calls, legs per call, m-lines per
 * SDP, a=crypto lines per m-line, and SDP fan-out (2,000 m-lines toward a one-stream leg is a
 * small 400, not a 1 MB answer).
 */
import type { RunningApi } from '../../src/api';
import { Client, EventCollector, startTestApi, TOKEN } from '../integration/api/helpers';
import { closedWithin, rawConnect } from './helpers';
import { relayPortRange } from '../helpers/port-ranges';

jest.setTimeout(30_000);

const phone = (id: string) => ({ id, kind: 'ip_phone' });

function refusals(metrics: string, limit: string): number {
  return Number(new RegExp(`srtp_relay_limit_refusals_total\\{limit="${limit}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
}

function sdp(media: string[]): string {
  return ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', ...media, ''].join('\r\n');
}
const AUDIO = (port: number): string => `m=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000`;

describe('limits', () => {
  let api: RunningApi;
  let client: Client;
  beforeAll(async () => {
    ({ api, client } = await startTestApi(relayPortRange(), {
      limits: { maxConnectionsPerSource: 4, unauthenticatedTimeoutMs: 300, maxWebSocketClients: 2, maxCalls: 3, maxLegsPerCall: 2, maxSdpMediaLines: 16, maxCryptoLinesPerMedia: 8 },
    }));
  });
  afterAll(async () => {
    await api.close();
    console.log(`in-process close: ${JSON.stringify(api.shutdownReport)}`);
  });

  it('refuses connections over the per-source cap with a 503 and closes token-less ones quickly', async () => {
    const sockets = await Promise.all(Array.from({ length: 6 }, () => rawConnect(api.url, '127.0.0.4')));
    for (const s of sockets) s.on('error', () => undefined);
    const texts = sockets.map((s) => {
      let t = '';
      s.on('data', (d: Buffer) => { t += d.toString(); });
      return () => t;
    });
    const closedFast = await Promise.all(sockets.map((s) => closedWithin(s, 150)));
    expect(closedFast.filter((c) => c)).toHaveLength(2);
    expect(texts.filter((t) => t().startsWith('HTTP/1.1 503') && t().includes('API_ERR_TOO_MANY_CONNECTIONS'))).toHaveLength(2);
    // The four held ones never authenticate: closed after unauthenticatedTimeoutMs.
    const t0 = Date.now();
    expect(await Promise.all(sockets.map((s) => closedWithin(s, 2000)))).toEqual(Array(6).fill(true));
    expect(Date.now() - t0).toBeLessThan(1500);
    const metrics = (await client.call('GET', '/metrics')).text;
    expect(refusals(metrics, 'connections_per_source')).toBe(2);
    expect(refusals(metrics, 'unauthenticated_timeout')).toBeGreaterThanOrEqual(4);
  });

  it('a 401 closes the connection', async () => {
    const s = await rawConnect(api.url);
    s.on('error', () => undefined);
    s.write('GET /v1/calls HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await closedWithin(s, 1000)).toBe(true);
  });

  it('refuses a third WebSocket subscriber with 503 API_ERR_TOO_MANY_CLIENTS', async () => {
    const a = await EventCollector.open(api.url);
    const b = await EventCollector.open(api.url);
    await expect(EventCollector.open(api.url)).rejects.toThrow('HTTP 503');
    a.close();
    b.close();
    expect(refusals((await client.call('GET', '/metrics')).text, 'websocket_clients')).toBe(1);
  });

  it('refuses calls over maxCalls (503) and legs over maxLegsPerCall (409)', async () => {
    for (const id of ['l1', 'l2', 'l3']) expect((await client.call('POST', '/v1/calls', { id })).status).toBe(201);
    const over = await client.call('POST', '/v1/calls', { id: 'l4' });
    expect([over.status, over.body.error.code]).toEqual([503, 'API_ERR_CALL_LIMIT']);
    for (const id of ['A', 'B']) expect((await client.call('POST', '/v1/calls/l1/legs', { id, device: phone(id), keying: 'none' })).status).toBe(201);
    const third = await client.call('POST', '/v1/calls/l1/legs', { id: 'C', device: phone('C'), keying: 'none' });
    expect([third.status, third.body.error.code]).toEqual([409, 'API_ERR_LEG_LIMIT']);
    const metrics = (await client.call('GET', '/metrics')).text;
    expect([refusals(metrics, 'calls'), refusals(metrics, 'legs_per_call')]).toEqual([1, 1]);
  });

  it('case 7: SDP size and fan-out are refused before any answer is built', async () => {
    const url = '/v1/calls/l1/legs/A/sdp';
    // 2,000 m-lines toward a one-stream leg: the 1 MB answer.
    const huge = sdp(Array.from({ length: 2000 }, (_, i) => AUDIO(4000 + 2 * (i % 1000))));
    const t0 = process.hrtime.bigint();
    const r1 = await client.call('POST', url, { type: 'offer', sdp: huge.slice(0, 65536).replace(/\r\n[^\r\n]*$/, '\r\n') });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    expect([r1.status, r1.body.error.code, r1.body.error.field]).toEqual([400, 'API_ERR_SDP_LIMIT', 'sdp']);
    expect(r1.text.length).toBeLessThan(500);
    const crypto = Array.from({ length: 9 }, (_, i) => `a=crypto:${i + 1} AES_CM_128_HMAC_SHA1_80 inline:${Buffer.alloc(30, i).toString('base64')}`).join('\r\n');
    const r2 = await client.call('POST', url, { type: 'offer', sdp: sdp([`${AUDIO(4000)}\r\n${crypto}`]) });
    expect([r2.status, r2.body.error.code]).toEqual([400, 'API_ERR_SDP_LIMIT']);
    const r3 = await client.call('POST', url, { type: 'offer', sdp: sdp([AUDIO(4000), AUDIO(4002)]) });
    expect([r3.status, r3.body.error.code, r3.body.error.field]).toEqual([400, 'API_ERR_SDP_FAN_OUT', 'sdp']);
    // A disabled second m-line is no fan-out; the answer has the offer's two m-lines, one active.
    const ok = await client.call('POST', url, { type: 'offer', sdp: sdp([AUDIO(4000), 'm=audio 0 RTP/AVP 0']) });
    expect(ok.status).toBe(200);
    expect((ok.body.sdp as string).match(/^m=/gm)).toHaveLength(2);
    const metrics = (await client.call('GET', '/metrics')).text;
    expect([refusals(metrics, 'sdp_size'), refusals(metrics, 'sdp_fan_out')]).toEqual([2, 1]);
    console.log(`SDP of 2,000 m-lines: refused in ${ms.toFixed(1)} ms with a ${r1.text.length}-byte answer`);
  });
});

describe('request rate per token', () => {
  it('answers 429 API_ERR_RATE_LIMITED past requestsPerWindow and counts it', async () => {
    const { api, client } = await startTestApi(relayPortRange(), { limits: { requestsPerWindow: 30, rateWindowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 35; i++) statuses.push((await client.call('GET', '/v1/calls')).status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(30);
      const limited = await client.call('GET', '/v1/calls');
      expect([limited.status, limited.body.error.code]).toEqual([429, 'API_ERR_RATE_LIMITED']);
      // Probes without the token have their own, per-address budget.
      expect((await new Client(api.url, null).call('GET', '/healthz')).status).toBe(200);
      expect(TOKEN.length).toBeGreaterThan(10);
    } finally {
      await api.close();
    }
  });
});
