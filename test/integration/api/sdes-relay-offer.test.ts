/**
 * The relay as SDES offerer: SDES phone A offers, the relay offers its own keys to SDES phone B
 * on reserved ports, B answers, and real SRTP flows and decrypts both ways. Bad answers are
 * refused with a 4xx and leave the offer pending; a call deleted (or a leg removed) before the
 * answer gives its reserved ports back and wipes the offered keys.
 */
import dgram from 'node:dgram';
import { parse } from 'sdp-transform';
import { formatCryptoAttribute, generateKeySet } from '../../../src/keys';
import { resolveProfile } from '../../../src/srtp';
import { Phone, phoneOffer, securePhone, useTestApi } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

function sdp(port: number, proto: string, crypto: string[] = []): string {
  return [
    'v=0', 'o=- 4711 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio ${port} ${proto} 0`, 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', ...crypto, '',
  ].join('\r\n');
}

type Crypto = { id: number; suite: string; config: string };
const line = (c: Crypto): string => `a=crypto:${c.id} ${c.suite} ${c.config}`;

async function canBind(port: number): Promise<boolean> {
  const s = dgram.createSocket('udp4');
  const ok = await new Promise<boolean>((resolve) => {
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => resolve(true));
  });
  try {
    s.close();
  } catch {
    // never bound
  }
  return ok;
}

describe('SDES: the relay offers to a leg that has no keys yet', () => {
  const t = useTestApi(relayPortRange(200));
  const phone = (): Promise<Phone> => t.phone();
  const available = (): number => t.api.service.relay.pool.available;

  async function sdesCall(callId: string): Promise<void> {
    await t.client.ok('POST', '/v1/calls', { id: callId });
    await t.client.ok('POST', `/v1/calls/${callId}/legs`, { id: 'A', device: securePhone('A'), keying: 'sdes' });
    await t.client.ok('POST', `/v1/calls/${callId}/legs`, { id: 'B', device: securePhone('B'), keying: 'sdes' });
  }

  it('A offers, the relay offers to B, B answers: SRTP both ways with per-leg keys', async () => {
    const A = await phone();
    const B = await phone();
    await sdesCall('so1');
    const before = available();
    const aOffer = phoneOffer('AES_256_CM_HMAC_SHA1_80');
    const toB = await t.client.ok('POST', '/v1/calls/so1/legs/A/sdp', { type: 'offer', sdp: sdp(A.port, 'RTP/SAVP', [aOffer.line]) });
    expect(toB).toMatchObject({ type: 'offer', for: 'B' });
    const offerB = parse(toB.sdp);
    const m = offerB.media[0];
    expect(m.protocol).toBe('RTP/SAVP');
    const offered = (m.crypto ?? []) as Crypto[];
    // A's suite first, then the rest of the policy; tags 1..n; fresh keys (none is A's).
    expect(offered[0]).toMatchObject({ id: 1, suite: 'AES_256_CM_HMAC_SHA1_80' });
    expect(offered.map((c) => c.id)).toEqual(offered.map((_, i) => i + 1));
    expect(new Set(offered.map((c) => c.suite)).size).toBe(offered.length);
    expect(offered.some((c) => aOffer.line.includes(c.config))).toBe(false);
    // The offer names reserved ports: held in the pool, not yet a relay leg.
    expect(available()).toBe(before - 4);
    expect(t.api.service.relay.getCall('so1')?.stats().legs).toHaveLength(1);
    const bView = await t.client.ok('GET', '/v1/calls/so1/legs/B');
    expect(bView.streams[0]).toMatchObject({ negotiated: false, local: null });
    expect(JSON.stringify(bView)).not.toMatch(/inline:/);

    // Posting A's offer again (re-INVITE before the answer) repeats the same offer and ports.
    const again = parse((await t.client.ok('POST', '/v1/calls/so1/legs/A/sdp', { type: 'offer', sdp: sdp(A.port, 'RTP/SAVP', [aOffer.line]) })).sdp);
    expect(again.media[0].port).toBe(m.port);
    expect(((again.media[0].crypto ?? []) as Crypto[]).map(line)).toEqual(offered.map(line));
    expect(available()).toBe(before - 4);

    // B picks our second line (AEAD_AES_256_GCM is the policy's first choice) and answers with its own key.
    const chosen = offered.find((c) => c.suite === 'AEAD_AES_256_GCM') as Crypto;
    const bSet = generateKeySet(resolveProfile(chosen.suite));
    const bAnswer = formatCryptoAttribute(chosen.id, bSet);
    const toA = await t.client.ok('POST', '/v1/calls/so1/legs/B/sdp', { type: 'answer', sdp: sdp(B.port, 'RTP/SAVP', [bAnswer]) });
    expect(toA).toMatchObject({ type: 'answer', for: 'A' });
    const answerA = parse(toA.sdp).media[0];
    const aCrypto = ((answerA.crypto ?? []) as Crypto[]);
    expect(aCrypto).toHaveLength(1);
    expect(aCrypto[0]).toMatchObject({ id: 1, suite: 'AES_256_CM_HMAC_SHA1_80' });

    const bNow = await t.client.ok('GET', '/v1/calls/so1/legs/B');
    expect(bNow.streams[0]).toMatchObject({ negotiated: true, suite: 'AEAD_AES_256_GCM', local: { rtpPort: m.port }, remote: { port: B.port } });
    expect(available()).toBe(before - 4);

    A.useSdes(aOffer.set, line(aCrypto[0]));
    A.relayPort = answerA.port;
    B.useSdes(bSet, line(chosen));
    B.relayPort = m.port;
    const fromA = await A.talk('a1');
    expect((await B.hear('a1')).map((r) => [r.status, r.payload])).toEqual(fromA.map((p) => [0, p]));
    const fromB = await B.talk('b1');
    expect((await A.hear('b1')).map((r) => [r.status, r.payload])).toEqual(fromB.map((p) => [0, p]));
    const relayB = bNow.streams[0];
    expect((await t.client.ok('GET', '/v1/calls/so1/legs/B')).streams[0].counters).toMatchObject({ authFailures: 0 });
    expect(relayB.mode).toBe('recrypt');
    expect((await t.client.ok('GET', '/v1/calls/so1/security')).status).toBe('encrypted');
    await t.client.ok('DELETE', '/v1/calls/so1');
    expect(available()).toBe(before);
  });

  it('refuses bad answers with a 4xx and keeps the offer; a corrected answer completes it', async () => {
    const A = await phone();
    const B = await phone();
    await sdesCall('so2');
    const aOffer = phoneOffer();
    const offerB = parse((await t.client.ok('POST', '/v1/calls/so2/legs/A/sdp', { type: 'offer', sdp: sdp(A.port, 'RTP/SAVP', [aOffer.line]) })).sdp).media[0];
    const offered = (offerB.crypto ?? []) as Crypto[];
    const first = offered[0];
    const held = available();
    const answer = (tag: number, suite: string): string => formatCryptoAttribute(tag, generateKeySet(resolveProfile(suite)));
    const post = (crypto: string[]): Promise<{ status: number; body: { error: { code: string; field?: string } } }> =>
      t.client.call('POST', '/v1/calls/so2/legs/B/sdp', { type: 'answer', sdp: sdp(B.port, 'RTP/SAVP', crypto) });

    const cases: [string[], number, string][] = [
      [[], 400, 'API_ERR_MISSING_CRYPTO'],
      [[answer(first.id, first.suite), answer(2, offered[1].suite)], 400, 'API_ERR_BAD_SDES_ANSWER'],
      [[answer(99, first.suite)], 488, 'KEY_ERR_ANSWER_MISMATCH'],
      [[answer(first.id, offered[1].suite)], 488, 'KEY_ERR_ANSWER_MISMATCH'],
      [[`${answer(first.id, first.suite)} UNENCRYPTED_SRTP`], 488, 'KEY_ERR_WEAK_PARAMS_REFUSED'],
      [[`a=crypto:${first.id} ${first.suite} inline:c2hvcnQ=`], 0, ''],
    ];
    for (const [crypto, status, code] of cases) {
      const r = await post(crypto);
      if (status !== 0) expect(r.status).toBe(status);
      expect(r.status >= 400 && r.status < 500).toBe(true);
      if (code !== '') expect(r.body.error).toMatchObject({ code, field: 'sdp' });
      else expect(r.body.error.code).toMatch(/^KEY_ERR_/);
      expect(available()).toBe(held);
      expect(t.api.service.relay.getCall('so2')?.stats().legs).toHaveLength(1);
    }

    const bSet = generateKeySet(resolveProfile(first.suite));
    const toA = parse((await t.client.ok('POST', '/v1/calls/so2/legs/B/sdp', { type: 'answer', sdp: sdp(B.port, 'RTP/SAVP', [formatCryptoAttribute(first.id, bSet)]) })).sdp).media[0];
    A.useSdes(aOffer.set, line(((toA.crypto ?? []) as Crypto[])[0]));
    A.relayPort = toA.port;
    B.useSdes(bSet, line(first));
    B.relayPort = offerB.port;
    const fromB = await B.talk('b2');
    expect((await A.hear('b2')).map((r) => r.payload)).toEqual(fromB);
    const fromA = await A.talk('a2');
    expect((await B.hear('a2')).map((r) => r.payload)).toEqual(fromA);
    // A later answer (re-INVITE) only updates the address: the keys stay.
    expect((await post([answer(first.id, first.suite)])).status).toBeLessThan(300);
  });

  it('a call deleted, or the leg removed, before the answer returns the reserved ports', async () => {
    const A = await phone();
    await sdesCall('so3');
    const before = available();
    const offerB = parse((await t.client.ok('POST', '/v1/calls/so3/legs/A/sdp', { type: 'offer', sdp: sdp(A.port, 'RTP/SAVP', [phoneOffer().line]) })).sdp).media[0];
    expect(available()).toBe(before - 4);
    await t.client.ok('DELETE', '/v1/calls/so3');
    expect(available()).toBe(before);
    expect(await canBind(offerB.port)).toBe(true);

    await sdesCall('so4');
    const before4 = available();
    await t.client.ok('POST', '/v1/calls/so4/legs/A/sdp', { type: 'offer', sdp: sdp(A.port, 'RTP/SAVP', [phoneOffer().line]) });
    expect(available()).toBe(before4 - 4);
    await t.client.ok('DELETE', '/v1/calls/so4/legs/B');
    expect(available()).toBe(before4 - 2);
    await t.client.ok('DELETE', '/v1/calls/so4');
    expect(available()).toBe(before4);
  });

  it('an answer with port 0 declines the stream: offered keys wiped, reserved ports returned', async () => {
    const A = await phone();
    await sdesCall('so6');
    const before = available();
    await t.client.ok('POST', '/v1/calls/so6/legs/A/sdp', { type: 'offer', sdp: sdp(A.port, 'RTP/SAVP', [phoneOffer().line]) });
    const pending = t.api.service.findSession('so6')?.leg('B')?.stream('audio')?.pending;
    const sets = [...(pending?.offer.sets.values() ?? [])];
    expect(sets.length).toBeGreaterThan(0);
    expect(available()).toBe(before - 4);
    const r = await t.client.ok('POST', '/v1/calls/so6/legs/B/sdp', { type: 'answer', sdp: sdp(0, 'RTP/SAVP') });
    expect(parse(r.sdp).media[0].port).toBe(0);
    expect(available()).toBe(before - 2);
    expect(sets.every((x) => x.released)).toBe(true);
    await t.client.ok('DELETE', '/v1/calls/so6');
    expect(available()).toBe(before);
  });

  it('glare: B offers while our offer is pending; B’s offer is answered on the reserved ports', async () => {
    const A = await phone();
    const B = await phone();
    await sdesCall('so5');
    const aOffer = phoneOffer();
    const offerB = parse((await t.client.ok('POST', '/v1/calls/so5/legs/A/sdp', { type: 'offer', sdp: sdp(A.port, 'RTP/SAVP', [aOffer.line]) })).sdp).media[0];
    const held = available();
    const bOffer = phoneOffer('AEAD_AES_128_GCM');
    const toA = await t.client.ok('POST', '/v1/calls/so5/legs/B/sdp', { type: 'offer', sdp: sdp(B.port, 'RTP/SAVP', [bOffer.line]) });
    expect(toA.for).toBe('A');
    const bView = await t.client.ok('GET', '/v1/calls/so5/legs/B');
    expect(bView.streams[0]).toMatchObject({ negotiated: true, suite: 'AEAD_AES_128_GCM', local: { rtpPort: offerB.port } });
    expect(available()).toBe(held);
    bOffer.set.release();
    aOffer.set.release();
  });
});
