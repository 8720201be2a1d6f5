/**
 * `keyexpiring` / `keyexpired` come from the relay's `keylimit` events: with a 64-packet key
 * lifetime, A's packets take A's inbound key and B's outbound key (relay → B) through their soft
 * limit (64 - 64/8 = 56) and their lifetime, and each limit is announced exactly once per key
 * and direction, with the leg, stream and direction, and no key material.
 */
import type { RunningApi } from '../../../src/api';
import { contextFromLine, EventCollector, Phone, securePhone, sleep, startTestApi, type ApiEventLike, type Client } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

/** The same key without its lifetime: lets the test phone send past the limit the relay enforces. */
const withoutLifetime = (line: string): string => line.replace(/\|(?:2\^\d+|\d+)(?=\||\s|$)/, '');

describe('key lifetime events', () => {
  let api: RunningApi;
  let client: Client;
  let events: EventCollector;
  const closers: { close(): void }[] = [];
  beforeAll(async () => {
    ({ api, client } = await startTestApi(relayPortRange(100), { keys: { keys: { lifetime: 64 } } }));
    events = await EventCollector.open(api.url);
  });
  afterAll(async () => {
    events.close();
    for (const c of closers) c.close();
    await api.close();
  });

  const limits = (from: number): ApiEventLike[] => events.since(from).filter((e) => e.type === 'keyexpiring' || e.type === 'keyexpired');
  const names = (list: ApiEventLike[]): string[] => list.map((e) => `${e.type} ${String(e.legId)}/${String(e.direction)} ${String(e.used)}`).sort();

  it('announces each soft limit and each expiry once, per leg and direction', async () => {
    const A = await Phone.open();
    const B = await Phone.open();
    closers.push(A, B);
    const mark = events.mark();
    await client.ok('POST', '/v1/calls', { id: 'kl1' });
    for (const [id, p] of [['A', A], ['B', B]] as const) {
      const leg = await client.ok('POST', '/v1/calls/kl1/legs', { id, device: securePhone(id), keying: 'managed', keyingScope: 'leg', suites: ['AES_CM_128_HMAC_SHA1_80'], streams: [{ kind: 'audio', remote: p.endpoint }] });
      p.relayPort = leg.streams[0].local.rtpPort;
      const keys = (await client.ok('GET', `/v1/calls/kl1/legs/${id}/keys`)).streams[0];
      expect(keys.send).not.toBe(withoutLifetime(keys.send));
      p.useManagedKeys(keys);
    }
    A.send = contextFromLine(withoutLifetime(((await client.ok('GET', '/v1/calls/kl1/legs/A/keys')).streams[0] as { send: string }).send));
    // Below the soft limit: nothing.
    await A.talk('early', 50);
    await B.hear('early', 50);
    await sleep(50);
    expect(limits(mark)).toEqual([]);

    await A.talk('late', 30);
    await B.hear('late', 14);
    await events.waitFor((e) => e.type === 'keyexpired' && e.legId === 'B', mark);
    await events.waitFor((e) => e.type === 'keyexpired' && e.legId === 'A', mark);
    // More packets past the lifetime change nothing: one event per limit.
    await A.talk('after', 20);
    await sleep(150);
    const seen = limits(mark);
    expect(names(seen)).toEqual([
      'keyexpired A/inbound 64', 'keyexpired B/outbound 64',
      'keyexpiring A/inbound 56', 'keyexpiring B/outbound 56',
    ]);
    for (const e of seen) {
      expect(e).toMatchObject({ callId: 'kl1', stream: 'audio', protocol: 'srtp', keyIndex: 0, mki: null, lifetime: 64 });
      expect(JSON.stringify(e)).not.toMatch(/inline:|key":/);
    }
    // The relay refused to use the expired keys: B heard exactly the 64 packets the keys allowed.
    expect(B.received.filter((r) => r.status === 0)).toHaveLength(64);
    await client.ok('DELETE', '/v1/calls/kl1');
  });
});
