/**
 * Log volume per call at info (issue 13): fastify's per-request lines are off, request lines go
 * to debug, so a REST call's set-up and end write the call's lifecycle lines only.
 */
import { relayPortRange } from '../../helpers/port-ranges';
import { phoneOffer, securePhone, startTestApi, type Client, type LogCapture } from './helpers';
import type { RunningApi } from '../../../src/api';

async function oneCall(client: Client, id: string): Promise<void> {
  await client.ok('POST', '/v1/calls', { id });
  await client.ok('POST', `/v1/calls/${id}/legs`, { id: 'A', device: securePhone('A'), keying: 'sdes', streams: [{ kind: 'audio', remote: { address: '127.0.0.1', port: 40000 }, crypto: [phoneOffer().line] }] });
  await client.ok('POST', `/v1/calls/${id}/legs`, { id: 'B', device: securePhone('B'), keying: 'sdes', streams: [{ kind: 'audio', remote: { address: '127.0.0.1', port: 40002 }, crypto: [phoneOffer().line] }] });
  await client.ok('DELETE', `/v1/calls/${id}`);
}

describe('log lines per REST call', () => {
  const started: RunningApi[] = [];
  afterAll(async () => {
    for (const api of started) await api.close();
  });

  async function linesFor(level: string): Promise<{ logs: LogCapture; calls: string[] }> {
    const { api, client, logs } = await startTestApi(relayPortRange(40), { logLevel: level });
    started.push(api);
    const before = logs.lines.length;
    await oneCall(client, 'lv1');
    await oneCall(client, 'lv2');
    return { logs, calls: logs.lines.slice(before) };
  }

  it('at info: created and closed per call, no request lines', async () => {
    const { calls } = await linesFor('info');
    const msgs = calls.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(msgs.filter((m) => m === 'call created')).toHaveLength(2);
    expect(msgs.filter((m) => m === 'call closed')).toHaveLength(2);
    expect(msgs.length).toBeLessThanOrEqual(4);
    expect(msgs).not.toContain('incoming request');
    expect(msgs).not.toContain('request completed');
  });

  it('at debug: one line per request, with status and duration', async () => {
    const { calls } = await linesFor('debug');
    const done = calls.map((l) => JSON.parse(l) as { msg: string; status?: number; ms?: number; method?: string }).filter((l) => l.msg === 'request completed');
    // Two calls × (create, two legs, delete).
    expect(done).toHaveLength(8);
    expect(done.every((l) => typeof l.status === 'number' && l.status < 300 && typeof l.ms === 'number')).toBe(true);
    expect(done.filter((l) => l.method === 'DELETE')).toHaveLength(2);
  });
});
