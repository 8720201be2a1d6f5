/**
 * Rekey through the API with real media: media flows before, the leg gets new keys (key
 * delivery changes, no key bytes in the answer), the phone switches, media flows after in both
 * directions with no authentication failure on the relay. With call keying (seed 003) a rekey
 * of either phone moves the call stream to its next generation: both phones fetch new keys and
 * the relay, after moving both relay legs, is back in verified passthrough.
 */
import { Phone, keyParamsOf, securePhone, useTestApi } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

describe('rekey API', () => {
  const t = useTestApi(relayPortRange(50));

  it.each(['leg', 'call'] as const)('rekeys a managed leg (keyingScope %s): new keys delivered, media before and after, no auth failures', async (keyingScope) => {
    const callId = `rk1-${keyingScope}`;
    const base = `/v1/calls/${callId}`;
    await t.client.ok('POST', '/v1/calls', { id: callId });
    const phones: Record<string, Phone> = {};
    for (const id of ['A', 'B']) {
      const p = await Phone.open();
      t.track(p);
      phones[id] = p;
      const leg = await t.client.ok('POST', `${base}/legs`, { id, keying: 'managed', keyingScope, device: securePhone(id), streams: [{ kind: 'audio', remote: p.endpoint }] });
      p.relayPort = leg.streams[0].local.rtpPort;
      p.useManagedKeys((await t.client.ok('GET', `${base}/legs/${id}/keys`)).streams[0]);
    }
    const A = phones.A as Phone;
    const B = phones.B as Phone;
    await A.talk('a1');
    await B.hear('a1');
    const before = (await t.client.ok('GET', `${base}/legs/A/keys`)).streams[0];
    const res = await t.client.ok('POST', `${base}/legs/A/rekey`, {});
    expect(JSON.stringify(res)).not.toMatch(/inline:/);
    expect(res.security.status).toBe('encrypted');
    const after = (await t.client.ok('GET', `${base}/legs/A/keys`)).streams[0];
    expect(after.send).not.toBe(before.send);
    expect(after.receive).not.toBe(before.receive);
    A.useManagedKeys(after);
    expect(after.keyingScope).toBe(keyingScope);
    if (keyingScope === 'call') {
      // One call stream, one generation for both phones: B gets A's new send key to receive with.
      expect([before.generation, after.generation]).toEqual([1, 2]);
      const bKeys = (await t.client.ok('GET', `${base}/legs/B/keys`)).streams[0];
      expect(bKeys.generation).toBe(2);
      expect(keyParamsOf(bKeys.receive)[0]).toBe(keyParamsOf(after.send)[0]);
      expect(keyParamsOf(after.receive)[0]).toBe(keyParamsOf(bKeys.send)[0]);
      B.useManagedKeys(bKeys);
    }
    const sent = await A.talk('a2');
    expect((await B.hear('a2')).map((r) => [r.payload, r.status])).toEqual(sent.map((p) => [p, 0]));
    await B.talk('b2');
    expect((await A.hear('b2')).every((r) => r.status === 0)).toBe(true);
    const legs = (await t.client.ok('GET', base)).legs;
    for (const l of legs) expect(l.streams[0].counters.authFailures).toBe(0);
    for (const l of legs) expect(l.streams[0].mode).toBe(keyingScope === 'call' ? 'passthrough' : 'recrypt');
    const bad = await t.client.call('POST', `${base}/legs/A/rekey`, { stream: 'video' });
    expect(bad.body.error).toMatchObject({ code: 'API_ERR_UNKNOWN_STREAM', field: 'stream' });
  });

  it('refuses a leg without managed keys', async () => {
    await t.client.ok('POST', '/v1/calls', { id: 'rk2' });
    await t.client.ok('POST', '/v1/calls/rk2/legs', { id: 'A', keying: 'none', device: securePhone('A') });
    const r = await t.client.call('POST', '/v1/calls/rk2/legs/A/rekey', {});
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('API_ERR_NO_KEYS');
  });
});
