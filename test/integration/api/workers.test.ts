/**
 * The API over a relay with media worker threads (src/relay/worker-entry.ts runs the workers
 * from a fresh dist/ build, or transpiles their sources when there is none: no build needed).
 * A secure call, hold with MOH and resume, with media decrypted at each step, and a clean close.
 */
import type { RunningApi } from '../../../src/api';
import { EventCollector, MohSource, Phone, securePhone, startTestApi, type Client } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

// Without a dist/ build the workers transpile their sources as they start: seconds on a busy machine.
jest.setTimeout(30_000);

describe('API with media worker threads', () => {
  let api: RunningApi;
  let client: Client;
  beforeAll(async () => {
    const portRange = relayPortRange(100);
    ({ api, client } = await startTestApi(portRange, { relay: { portRange, bindAddress: '127.0.0.1', workers: 2, logLevel: 'silent' } }));
  });
  afterAll(async () => {
    await api.close();
  });

  it('relays SRTP through a worker across hold and resume', async () => {
    expect(api.service.relay.workerCount).toBe(2);
    const events = await EventCollector.open(api.url);
    const [A, B] = [await Phone.open(), await Phone.open()];
    const moh = await MohSource.open();
    try {
      await client.ok('POST', '/v1/calls', { id: 'w1' });
      for (const [id, p] of [['A', A], ['B', B]] as const) {
        const leg = await client.ok('POST', '/v1/calls/w1/legs', { id, device: securePhone(id), keying: 'managed', streams: [{ kind: 'audio', remote: p.endpoint, rtcpMux: true }] });
        p.relayPort = leg.streams[0].local.rtpPort;
        p.useManagedKeys((await client.ok('GET', `/v1/calls/w1/legs/${id}/keys`)).streams[0]);
      }
      const sent = await A.talk('a1', 20);
      expect((await B.hear('a1', 20)).map((r) => [r.status, r.payload])).toEqual(sent.map((p) => [0, p]));
      const mark = events.mark();
      const held = await client.ok('POST', '/v1/calls/w1/hold', { leg: 'B', moh: { id: 'moh', remote: moh.endpoint } });
      expect((await events.waitFor((e) => e.type === 'securitychange', mark)).status).toBe('nonsecure');
      moh.relayPort = held.resource.local.moh.rtpPort;
      await moh.play('m', 10);
      expect((await A.hear('m', 10)).every((r) => r.status === 0 && r.ssrc === moh.ssrc)).toBe(true);
      await client.ok('POST', '/v1/calls/w1/resume');
      await B.talk('b1', 20);
      expect((await A.hear('b1', 20)).every((r) => r.status === 0)).toBe(true);
      const view = await client.ok('GET', '/v1/calls/w1/legs/A');
      expect(view.streams[0].counters).toMatchObject({ authFailures: 0, replays: 0, forwarded: 20 });
      // Call keying (the default): the worker forwards A↔B in verified passthrough again after resume.
      expect(view.streams[0].mode).toBe('passthrough');
      expect(B.inbox.slice(-20).map((x) => x.data)).toEqual(A.sent.slice(-20));
      expect((await client.ok('GET', '/healthz')).workers).toEqual({ total: 2, alive: 2 });
    } finally {
      events.close();
      A.close();
      B.close();
      moh.close();
    }
  });
});
