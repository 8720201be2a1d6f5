/**
 * SDES keying and SDP rewriting through the API, with real SRTP media: an SDES phone's offer
 * becomes an offer for a managed phone (relay ports, RTP/SAVP, the key manager's a=crypto), the
 * answer comes back with the relay's SDES answer; SAVP ↔ AVP toward a plain RTP leg; and the
 * refusals (an answer toward a keyless SDES leg, bad SDP, bad crypto) create nothing. The relay
 * as SDES offerer is in sdes-relay-offer.test.ts.
 */
import { parse } from 'sdp-transform';
import { Phone, phoneOffer, securePhone, nonsecurePhone, useTestApi } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

function sdp(port: number, proto: string, crypto: string[] = [], extra: string[] = []): string {
  return [
    'v=0', 'o=- 4711 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio ${port} ${proto} 0 101`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv',
    ...crypto, ...extra, '',
  ].join('\r\n');
}

describe('SDES and SDP', () => {
  const t = useTestApi(relayPortRange(200));
  const phone = (): Promise<Phone> => t.phone();
  const relayLegCount = (callId: string): number => t.api.service.relay.getCall(callId)?.stats().legs.length ?? -1;

  it('rewrites an SDES offer for a managed leg and the answer back, and media flows with those keys', async () => {
    const A = await phone();
    const B = await phone();
    await t.client.ok('POST', '/v1/calls', { id: 'sdp1' });
    await t.client.ok('POST', '/v1/calls/sdp1/legs', { id: 'A', device: securePhone('A'), keying: 'sdes' });
    await t.client.ok('POST', '/v1/calls/sdp1/legs', { id: 'B', device: securePhone('B'), keying: 'managed' });

    const offer = phoneOffer('AES_CM_128_HMAC_SHA1_80');
    const ice = ['a=ice-ufrag:abcd', 'a=ice-pwd:abcdefghijklmnopqrstuvwx', 'a=candidate:1 1 UDP 2130706431 10.9.9.9 5000 typ host'];
    const toB = await t.client.ok('POST', '/v1/calls/sdp1/legs/A/sdp', { type: 'offer', sdp: sdp(A.port, 'RTP/SAVP', [offer.line], ice) });
    expect(toB).toMatchObject({ type: 'offer', for: 'B' });
    const bView = await t.client.ok('GET', '/v1/calls/sdp1/legs/B');
    const offerB = parse(toB.sdp);
    expect(offerB.connection?.ip).toBe('127.0.0.1');
    expect(offerB.media[0]).toMatchObject({ port: bView.streams[0].local.rtpPort, protocol: 'RTP/SAVP', payloads: '0 101' });
    expect(offerB.media[0].rtp.map((r) => r.codec)).toEqual(['PCMU', 'telephone-event']);
    expect(offerB.media[0].candidates).toBeUndefined();
    expect(offerB.media[0].iceUfrag).toBeUndefined();
    const bKeys = (await t.client.ok('GET', '/v1/calls/sdp1/legs/B/keys')).streams[0];
    const cryptoB = offerB.media[0].crypto ?? [];
    expect(cryptoB).toHaveLength(1);
    // The SDP carries what the relay sends B with: B's receive set from the key manager.
    expect(`a=crypto:${cryptoB[0].id} ${cryptoB[0].suite} ${cryptoB[0].config}`).toBe(bKeys.receive);

    const toA = await t.client.ok('POST', '/v1/calls/sdp1/legs/B/sdp', { type: 'answer', sdp: sdp(B.port, 'RTP/SAVP') });
    expect(toA).toMatchObject({ type: 'answer', for: 'A' });
    const answerA = parse(toA.sdp);
    const aView = await t.client.ok('GET', '/v1/calls/sdp1/legs/A');
    expect(aView.streams[0]).toMatchObject({ suite: 'AES_CM_128_HMAC_SHA1_80', remote: { address: '127.0.0.1', port: A.port } });
    expect(JSON.stringify(aView)).not.toMatch(/inline:/);
    expect(answerA.media[0]).toMatchObject({ port: aView.streams[0].local.rtpPort, protocol: 'RTP/SAVP' });
    const c = (answerA.media[0].crypto ?? [])[0];
    expect(c).toMatchObject({ id: 1, suite: 'AES_CM_128_HMAC_SHA1_80' });

    A.useSdes(offer.set, `a=crypto:${c.id} ${c.suite} ${c.config}`);
    A.relayPort = answerA.media[0].port;
    B.useManagedKeys({ send: bKeys.send, receive: `a=crypto:${cryptoB[0].id} ${cryptoB[0].suite} ${cryptoB[0].config}` });
    B.relayPort = offerB.media[0].port;
    const sentA = await A.talk('a1');
    expect((await B.hear('a1')).map((r) => [r.status, r.payload])).toEqual(sentA.map((p) => [0, p]));
    const sentB = await B.talk('b1');
    expect((await A.hear('b1')).map((r) => [r.status, r.payload])).toEqual(sentB.map((p) => [0, p]));
    expect((await t.client.ok('GET', '/v1/calls/sdp1/security')).status).toBe('encrypted');
  });

  it('answers an SDES offer on leg creation and bridges it to a plain RTP leg (SAVP ↔ AVP)', async () => {
    const S = await phone();
    const N = await phone();
    await t.client.ok('POST', '/v1/calls', { id: 'sdp2' });
    const offer = phoneOffer('AEAD_AES_128_GCM');
    const leg = await t.client.ok('POST', '/v1/calls/sdp2/legs', { id: 'S', device: securePhone('S'), keying: 'sdes', streams: [{ kind: 'audio', remote: S.endpoint, crypto: [offer.line] }] });
    expect(leg.streams[0].crypto).toMatch(/^a=crypto:1 AEAD_AES_128_GCM inline:/);
    expect(leg.streams[0].suite).toBe('AEAD_AES_128_GCM');
    const again = await t.client.ok('GET', '/v1/calls/sdp2/legs/S');
    expect(again.streams[0].crypto).toBeUndefined();
    await t.client.ok('POST', '/v1/calls/sdp2/legs', { id: 'N', device: nonsecurePhone('N'), keying: 'none' });

    // The plain phone offers RTP/AVP; S gets RTP/SAVP with the relay's key (the same one as in the answer).
    const toS = parse((await t.client.ok('POST', '/v1/calls/sdp2/legs/N/sdp', { type: 'offer', sdp: sdp(N.port, 'RTP/AVP') })).sdp);
    expect(toS.media[0].protocol).toBe('RTP/SAVP');
    const cs = (toS.media[0].crypto ?? [])[0];
    expect(`a=crypto:${cs.id} ${cs.suite} ${cs.config}`).toBe(leg.streams[0].crypto);
    const toN = parse((await t.client.ok('POST', '/v1/calls/sdp2/legs/S/sdp', { type: 'answer', sdp: sdp(S.port, 'RTP/SAVP', [offer.line]) })).sdp);
    expect(toN.media[0].protocol).toBe('RTP/AVP');
    expect(toN.media[0].crypto).toBeUndefined();

    S.useSdes(offer.set, leg.streams[0].crypto);
    S.relayPort = toS.media[0].port;
    N.relayPort = toN.media[0].port;
    const fromS = await S.talk('s1');
    expect((await N.hear('s1')).map((r) => [r.status, r.payload])).toEqual(fromS.map((p) => ['rtp', p]));
    const fromN = await N.talk('n1');
    expect((await S.hear('n1')).map((r) => [r.status, r.payload])).toEqual(fromN.map((p) => [0, p]));
    const sec = await t.client.ok('GET', '/v1/calls/sdp2/security');
    expect(sec.status).toBe('nonsecure');

    // Transfer the plain phone's side to an SDES phone: the answer comes back in the transfer result.
    const T = await phone();
    const tOffer = phoneOffer('AES_256_CM_HMAC_SHA1_80');
    const moved = await t.client.ok('POST', '/v1/calls/sdp2/transfer', { from: 'N', to: { id: 'T', device: securePhone('T'), keying: 'sdes', streams: [{ kind: 'audio', remote: T.endpoint, crypto: [tOffer.line] }] } });
    expect(moved.security.status).toBe('encrypted');
    expect(moved.leg.streams[0].crypto).toMatch(/^a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:/);
    T.useSdes(tOffer.set, moved.leg.streams[0].crypto);
    T.relayPort = moved.leg.streams[0].local.rtpPort;
    const fromS2 = await S.talk('s2');
    expect((await T.hear('s2')).map((r) => [r.status, r.payload])).toEqual(fromS2.map((p) => [0, p]));
    const fromT = await T.talk('t2');
    expect((await S.hear('t2')).map((r) => [r.status, r.payload])).toEqual(fromT.map((p) => [0, p]));
    expect(JSON.stringify((await t.client.ok('GET', '/v1/calls/sdp2')))).not.toMatch(/inline:/);
  });

  it('refuses what it cannot do and creates nothing half-way', async () => {
    const A = await phone();
    await t.client.ok('POST', '/v1/calls', { id: 'sdp3' });
    await t.client.ok('POST', '/v1/calls/sdp3/legs', { id: 'A', device: securePhone('A'), keying: 'sdes' });
    await t.client.ok('POST', '/v1/calls/sdp3/legs', { id: 'B', device: securePhone('B'), keying: 'sdes' });
    const offer = phoneOffer();
    // An answer cannot carry the relay's SDES offer: answering toward an SDES leg without keys is refused.
    await t.client.ok('POST', '/v1/calls', { id: 'sdp5' });
    await t.client.ok('POST', '/v1/calls/sdp5/legs', { id: 'P', device: nonsecurePhone('P'), keying: 'none' });
    await t.client.ok('POST', '/v1/calls/sdp5/legs', { id: 'S', device: securePhone('S'), keying: 'sdes' });
    const pending = await t.client.call('POST', '/v1/calls/sdp5/legs/P/sdp', { type: 'answer', sdp: sdp(A.port, 'RTP/AVP') });
    expect(pending.status).toBe(409);
    expect(pending.body.error).toMatchObject({ code: 'API_ERR_SDES_PENDING', field: 'to' });
    expect(relayLegCount('sdp5')).toBe(1);
    expect(relayLegCount('sdp3')).toBe(0);

    const garbage = await t.client.call('POST', '/v1/calls/sdp3/legs/A/sdp', { type: 'offer', sdp: 'v=0\r\ns=-\r\nm=audio' });
    expect(garbage.status).toBe(400);
    expect(garbage.body.error).toMatchObject({ code: 'API_ERR_BAD_SDP', field: 'sdp' });

    // Bad crypto on leg creation: a KEY_ERR_* naming the field, and no leg, no relay socket.
    await t.client.ok('POST', '/v1/calls', { id: 'sdp4' });
    const bad = await t.client.call('POST', '/v1/calls/sdp4/legs', { id: 'C', device: securePhone('C'), keying: 'sdes', streams: [{ kind: 'audio', crypto: ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ='] }] });
    expect(bad.status).toBe(488);
    expect(bad.body.error).toMatchObject({ code: 'KEY_ERR_NO_ACCEPTABLE_OFFER', field: 'streams[0].crypto' });
    expect((await t.client.ok('GET', '/v1/calls/sdp4')).legs).toEqual([]);
    expect(relayLegCount('sdp4')).toBe(0);
    const third = await t.client.call('POST', '/v1/calls/sdp3/legs', { id: 'C', device: securePhone('C'), keying: 'none' });
    expect(third.body.error).toMatchObject({ code: 'API_ERR_MULTIPARTY_UNSUPPORTED' });

    const answerFirst = await t.client.call('POST', '/v1/calls/sdp3/legs/B/sdp', { type: 'answer', sdp: sdp(A.port, 'RTP/SAVP', [offer.line]) });
    expect(answerFirst.body.error).toMatchObject({ code: 'API_ERR_NO_PENDING_OFFER', field: 'type' });
    offer.set.release();
  });
});
