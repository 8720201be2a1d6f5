/**
 * `POST /v1/calls` with `legs`: the call and its two legs in one request. Each leg comes back as
 * `POST .../legs` answers it (the SDES answer in `streams[].crypto`), SRTP media flows through
 * the bridge with those answers, and a request with a bad leg — refused by the schema, by the
 * checks before the call exists, or when the second leg's keys turn out unusable — leaves no
 * call, no relay port and no key behind.
 */
import { Phone, phoneOffer, securePhone, nonsecurePhone, useTestApi } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

describe('POST /v1/calls with legs', () => {
  const t = useTestApi(relayPortRange(100));
  const available = (): number => t.api.service.relay.pool.available;
  const sdesLeg = (id: string, p: Phone, line: string): object => ({ id, device: securePhone(id), keying: 'sdes', streams: [{ kind: 'audio', remote: p.endpoint, crypto: [line] }] });

  it('creates the call with two SDES legs, answers each as the per-leg route does, and bridges them', async () => {
    const A = await t.phone();
    const B = await t.phone();
    const offerA = phoneOffer('AES_CM_128_HMAC_SHA1_80');
    const offerB = phoneOffer('AEAD_AES_128_GCM');
    const r = await t.client.call('POST', '/v1/calls', { id: 'cl1', legs: [sdesLeg('A', A, offerA.line), sdesLeg('B', B, offerB.line)] });
    expect(r.status).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const call = r.body;
    expect(call.id).toBe('cl1');
    expect(call.legs.map((l: { id: string }) => l.id)).toEqual(['A', 'B']);
    const [legA, legB] = call.legs;
    expect(legA.streams[0].crypto).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/);
    expect(legB.streams[0].crypto).toMatch(/^a=crypto:1 AEAD_AES_128_GCM inline:/);
    // The same shape as the per-leg route's answer, now paired with each other.
    expect(legA.streams[0]).toMatchObject({ kind: 'audio', srtp: true, negotiated: true, peer: 'B', mode: 'recrypt' });
    expect(legB.streams[0]).toMatchObject({ peer: 'A', mode: 'recrypt' });
    expect(call.status).toBe('encrypted');
    // Answers only in the response that made them.
    expect(JSON.stringify(await t.client.ok('GET', '/v1/calls/cl1'))).not.toMatch(/inline:/);

    A.useSdes(offerA.set, legA.streams[0].crypto);
    A.relayPort = legA.streams[0].local.rtpPort;
    B.useSdes(offerB.set, legB.streams[0].crypto);
    B.relayPort = legB.streams[0].local.rtpPort;
    const fromA = await A.talk('a1');
    expect((await B.hear('a1')).map((x) => [x.status, x.payload])).toEqual(fromA.map((p) => [0, p]));
    const fromB = await B.talk('b1');
    expect((await A.hear('b1')).map((x) => [x.status, x.payload])).toEqual(fromB.map((p) => [0, p]));
    await t.client.ok('DELETE', '/v1/calls/cl1');
  });

  it('takes one leg, and legs of any keying', async () => {
    const one = await t.client.ok('POST', '/v1/calls', { id: 'cl2', legs: [{ id: 'M', device: securePhone('M'), keying: 'managed' }] });
    expect(one.legs).toHaveLength(1);
    await t.client.ok('POST', '/v1/calls/cl2/legs', { id: 'N', device: nonsecurePhone('N'), keying: 'none' });
    expect((await t.client.ok('GET', '/v1/calls/cl2')).legs.map((l: { id: string }) => l.id)).toEqual(['M', 'N']);
    await t.client.ok('DELETE', '/v1/calls/cl2');
  });

  it('refuses a bad leg and creates nothing: no call, no port, no key', async () => {
    const A = await t.phone();
    const B = await t.phone();
    const offerA = phoneOffer();
    const before = available();
    const expectNothing = async (callId: string): Promise<void> => {
      expect((await t.client.call('GET', `/v1/calls/${callId}`)).status).toBe(404);
      expect(t.api.service.relay.getCall(callId)).toBeUndefined();
      expect(available()).toBe(before);
      expect(t.api.service.keys.hasCall(callId)).toBe(false);
    };

    // The schema: a leg without keying.
    const schema = await t.client.call('POST', '/v1/calls', { id: 'bad1', legs: [sdesLeg('A', A, offerA.line), { id: 'B', device: securePhone('B') }] });
    expect(schema.status).toBe(400);
    expect(schema.body.error).toMatchObject({ code: 'API_ERR_BAD_REQUEST', field: 'legs[1].keying' });
    await expectNothing('bad1');

    // Checked before the call exists: the same id twice, crypto on a managed leg, three legs.
    const twice = await t.client.call('POST', '/v1/calls', { id: 'bad2', legs: [sdesLeg('A', A, offerA.line), sdesLeg('A', B, phoneOffer().line)] });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ code: 'API_ERR_DUPLICATE_LEG', field: 'legs[1].id' });
    await expectNothing('bad2');
    const cryptoOnManaged = await t.client.call('POST', '/v1/calls', { id: 'bad3', legs: [sdesLeg('A', A, offerA.line), { id: 'B', device: securePhone('B'), keying: 'managed', streams: [{ kind: 'audio', crypto: [offerA.line] }] }] });
    expect(cryptoOnManaged.status).toBe(400);
    expect(cryptoOnManaged.body.error).toMatchObject({ code: 'API_ERR_CRYPTO_NOT_ALLOWED', field: 'legs[1].streams[0].crypto' });
    await expectNothing('bad3');
    const three = await t.client.call('POST', '/v1/calls', { id: 'bad4', legs: ['A', 'B', 'C'].map((id) => ({ id, device: securePhone(id), keying: 'managed' })) });
    expect(three.status).toBe(400);
    await expectNothing('bad4');

    // Refused only when the second leg is set up (its a=crypto key is too short): the first leg,
    // already open with its keys, is closed again and the call goes.
    const late = await t.client.call('POST', '/v1/calls', { id: 'bad5', legs: [sdesLeg('A', A, offerA.line), sdesLeg('B', B, 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=')] });
    expect(late.status).toBe(488);
    expect(late.body.error).toMatchObject({ code: 'KEY_ERR_NO_ACCEPTABLE_OFFER', field: 'legs[1].streams[0].crypto' });
    await expectNothing('bad5');

    // A refused remote address names the leg's field.
    const remote = await t.client.call('POST', '/v1/calls', { id: 'bad6', legs: [{ id: 'A', device: securePhone('A'), keying: 'managed', streams: [{ kind: 'audio', remote: { address: '224.0.0.1', port: 4000 } }] }] });
    expect(remote.status).toBe(400);
    expect(remote.body.error.field).toBe('legs[0].streams[0].remote.address');
    await expectNothing('bad6');

    // No error answer carries key material.
    expect(t.client.errorBodies.join('\n')).not.toMatch(/inline:/);
  });
});
