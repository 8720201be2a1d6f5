/**
 * ng through the real call control: NgDispatcher over ControllerNgCallControl over a
 * CallController with a real MediaRelay, driven over UDP with the product's NgClient, and SRTP
 * media from loopback phones (engine SrtpContext) through the relay.
 */
import { parse } from 'sdp-transform';
import type { CallController } from '../../../src/control';
import { bencode, type NgClient, type NgDict, type NgDispatcher } from '../../../src/ng';
import { phoneOffer } from '../api/helpers';
import { useNgRelay } from './ng-relay';

const ng = useNgRelay();
const RANGE = ng.range;
const phone = ng.phone;
let controller: CallController;
let client: NgClient;
let dispatcher: NgDispatcher;
beforeEach(() => {
  ({ controller, client, dispatcher } = ng);
});

function sdp(port: number, crypto: readonly string[] = [], padding = 0): string {
  const proto = crypto.length > 0 ? 'RTP/SAVP' : 'RTP/AVP';
  const lines = [
    'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio ${port} ${proto} 0 8`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=sendrecv',
    ...crypto.map((l) => (l.startsWith('a=') ? l : `a=${l}`)),
    ...Array.from({ length: padding }, (_, i) => `a=x-filler-${i}:${'f'.repeat(60)}`),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

function audio(text: string): { port: number; protocol: string; crypto: { id: number; suite: string; config: string }[]; address: string } {
  const s = parse(text);
  const m = s.media[0];
  return { port: m.port, protocol: m.protocol, crypto: m.crypto ?? [], address: (m.connection?.ip ?? s.connection?.ip) as string };
}

const BASE = { 'replace': ['origin', 'session-connection'], 'ICE': 'remove', 'received-from': ['IP4', '127.0.0.1'], 'supports': ['load limit'] };

describe('ng over the call control', () => {
  it('offer, answer, delete over UDP with SRTP media through the relay (SRTP caller to SRTP callee, recrypt)', async () => {
    const alice = await phone();
    const bob = await phone();
    const aliceKey = phoneOffer('AES_CM_128_HMAC_SHA1_80');
    const offer = await client.request('offer', { ...BASE, 'call-id': 'c1@host', 'from-tag': 'ta', 'sdp': sdp(alice.port, [aliceKey.line]), 'transport-protocol': 'RTP/SAVP', 'flags': ['SDES-pad', 'recrypt'] });
    expect(offer.result).toBe('ok');
    const toBob = audio(offer.sdp as string);
    expect(toBob.address).toBe('127.0.0.1');
    expect(toBob.protocol).toBe('RTP/SAVP');
    // Our suites in policy order, AEAD_AES_256_GCM first, keys padded base64.
    expect(toBob.crypto.map((c) => c.suite)).toEqual(['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_256_CM_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']);
    for (const c of toBob.crypto) expect(c.config).toMatch(/^inline:[A-Za-z0-9+/]+={0,2}$/);
    for (const c of toBob.crypto) expect(c.config.slice(7).length % 4).toBe(0);
    // Bob picks the relay's AEAD_AES_128_GCM line and answers with his own key.
    const chosen = toBob.crypto[1];
    const bobKey = phoneOffer('AEAD_AES_128_GCM');
    const bobLine = bobKey.line.replace(/^a=crypto:\d+/, `a=crypto:${chosen.id}`);
    const answer = await client.request('answer', { ...BASE, 'call-id': 'c1@host', 'from-tag': 'ta', 'to-tag': 'tb', 'sdp': sdp(bob.port, [bobLine]) });
    expect(answer.result).toBe('ok');
    const toAlice = audio(answer.sdp as string);
    expect(toAlice.protocol).toBe('RTP/SAVP');
    expect(toAlice.crypto).toHaveLength(1);
    expect(toAlice.crypto[0].suite).toBe('AES_CM_128_HMAC_SHA1_80');

    alice.useSdes(aliceKey.set, `a=crypto:${toAlice.crypto[0].id} ${toAlice.crypto[0].suite} ${toAlice.crypto[0].config}`);
    alice.relayPort = toAlice.port;
    bob.useSdes(bobKey.set, `a=crypto:${chosen.id} ${chosen.suite} ${chosen.config}`);
    bob.relayPort = toBob.port;
    await alice.talk('hello-bob', 5);
    expect((await bob.hear('hello-bob', 5)).every((r) => r.status === 0)).toBe(true);
    await bob.talk('hello-alice', 5);
    expect((await alice.hear('hello-alice', 5)).every((r) => r.status === 0)).toBe(true);

    const query = await client.request('query', { 'call-id': 'c1@host' });
    expect(query.result).toBe('ok');
    const tags = query.tags as NgDict;
    expect(Object.keys(tags).sort()).toEqual(['ta', 'tb']);
    const ta = ((tags.ta as NgDict).medias as NgDict[])[0];
    expect((ta.streams as NgDict[])[0]['crypto suite']).toBe('AES_CM_128_HMAC_SHA1_80');
    expect((ta.streams as NgDict[])[0]['local port']).toBe(toAlice.port);
    expect((((ta.streams as NgDict[])[0].stats as NgDict).packets)).toBeGreaterThanOrEqual(5);
    const security = query.security as NgDict;
    expect(security.status).toBe('nonsecure');
    expect((security.reasons as string[]).some((r) => r.startsWith('controller_did_not_tell (ta)'))).toBe(true);

    // The same call is the REST API's call: one call model.
    expect(controller.getCall('c1@host').legs.map((l) => l.id)).toEqual(['caller', 'callee']);

    const del = await client.request('delete', { 'call-id': 'c1@host', 'from-tag': 'ta' });
    expect(del.result).toBe('ok');
    expect(controller.findSession('c1@host')).toBeUndefined();
    expect(controller.relay.pool.available).toBe(RANGE[1] - RANGE[0] + 1);
  });

  it('SRTP caller to plain callee: RTP/AVP toward the callee, SRTP answer toward the caller, media decrypted', async () => {
    const alice = await phone();
    const bob = await phone();
    const aliceKey = phoneOffer('AEAD_AES_256_GCM');
    const offer = await client.request('offer', { ...BASE, 'call-id': 'c2', 'from-tag': 'a', 'sdp': sdp(alice.port, [aliceKey.line]), 'transport-protocol': 'RTP/AVP' });
    const toBob = audio(offer.sdp as string);
    expect(toBob.protocol).toBe('RTP/AVP');
    expect(toBob.crypto).toEqual([]);
    const answer = await client.request('answer', { ...BASE, 'call-id': 'c2', 'from-tag': 'a', 'to-tag': 'b', 'sdp': sdp(bob.port) });
    const toAlice = audio(answer.sdp as string);
    expect(toAlice.protocol).toBe('RTP/SAVP');
    expect(toAlice.crypto[0].suite).toBe('AEAD_AES_256_GCM');
    alice.useSdes(aliceKey.set, `a=crypto:${toAlice.crypto[0].id} ${toAlice.crypto[0].suite} ${toAlice.crypto[0].config}`);
    alice.relayPort = toAlice.port;
    bob.relayPort = toBob.port;
    await alice.talk('to-plain', 3);
    expect((await bob.hear('to-plain', 3)).every((r) => r.status === 'rtp')).toBe(true);
    await bob.talk('to-srtp', 3);
    expect((await alice.hear('to-srtp', 3)).every((r) => r.status === 0)).toBe(true);
  });

  it('SDES-no- and SDES-only- shape the offer toward an SRTP recipient', async () => {
    const offer = await client.request('offer', { ...BASE, 'call-id': 'c3', 'from-tag': 'a', 'sdp': sdp(4000), 'transport-protocol': 'RTP/SAVP', 'SDES': ['no-AEAD_AES_256_GCM', 'no-AEAD_AES_128_GCM'] });
    expect(audio(offer.sdp as string).crypto.map((c) => c.suite)).toEqual(['AES_256_CM_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']);
    const only = await client.request('offer', { ...BASE, 'call-id': 'c4', 'from-tag': 'a', 'sdp': sdp(4002), 'transport-protocol': 'RTP/SAVP', 'flags': ['SDES-only-AES_CM_128_HMAC_SHA1_32'] });
    expect(audio(only.sdp as string).crypto.map((c) => c.suite)).toEqual(['AES_CM_128_HMAC_SHA1_32']);
  });

  it('a retransmitted cookie is answered from the cache: the call is created once', async () => {
    let created = 0;
    controller.on('callcreated', () => created++);
    const message = Buffer.concat([Buffer.from('retx1 '), bencode({ 'command': 'offer', 'call-id': 'r1', 'from-tag': 'a', 'sdp': sdp(4004) })]);
    const first = await client.sendRaw('retx1', message);
    const second = await client.sendRaw('retx1', message);
    expect(first.result).toBe('ok');
    expect(second).toEqual(first);
    expect(created).toBe(1);
    expect(dispatcher.counters.retransmissions).toBe(1);
  });

  it('unsorted bencode keys and JSON bodies are accepted', async () => {
    const body = `d7:command5:offer3:sdp${Buffer.byteLength(sdp(4006))}:${sdp(4006)}8:from-tag1:a7:call-id2:u1e`;
    const unsorted = await client.sendRaw('u1', Buffer.from(`u1 ${body}`));
    expect(unsorted.result).toBe('ok');
    const json = await client.sendRaw('j1', Buffer.from(`j1 ${JSON.stringify({ 'command': 'offer', 'call-id': 'j1', 'from-tag': 'a', 'sdp': sdp(4008) })}`));
    expect(json.result).toBe('ok');
    expect(controller.findSession('u1')).toBeDefined();
    expect(controller.findSession('j1')).toBeDefined();
  });

  it('malformed bencode, unknown command, missing call-id, bad SDP: error with a reason, nothing created', async () => {
    const replies = [
      await client.sendRaw('m1', Buffer.from('m1 d7:command5:offer3:sdp99:short')),
      await client.sendRaw('m2', Buffer.concat([Buffer.from('m2 '), bencode({ 'command': 'frobnicate', 'call-id': 'x' })])),
      await client.sendRaw('m3', Buffer.concat([Buffer.from('m3 '), bencode({ 'command': 'offer', 'from-tag': 'a', 'sdp': sdp(4010) })])),
      await client.sendRaw('m4', Buffer.concat([Buffer.from('m4 '), bencode({ 'command': 'offer', 'call-id': 'bad', 'from-tag': 'a', 'sdp': 'v=0\r\nnonsense' })])),
      await client.sendRaw('m5', Buffer.concat([Buffer.from('m5 '), bencode({ 'command': 'answer', 'call-id': 'none', 'from-tag': 'a', 'to-tag': 'b', 'sdp': sdp(4012) })])),
    ];
    for (const r of replies) {
      expect(r.result).toBe('error');
      expect(typeof r['error-reason']).toBe('string');
      expect((r['error-reason'] as string).length).toBeGreaterThan(0);
    }
    expect(controller.callCount()).toBe(0);
    expect(controller.relay.pool.available).toBe(RANGE[1] - RANGE[0] + 1);
  });

  it('a 64 KiB SDP is taken', async () => {
    const big = sdp(4014, [], 800);
    expect(big.length).toBeGreaterThan(60_000);
    expect(big.length).toBeLessThan(65_000);
    const r = await client.request('offer', { 'call-id': 'big', 'from-tag': 'a', 'sdp': big });
    expect(r.result).toBe('ok');
    expect((r.sdp as string)).toContain('a=x-filler-799');
  });

  it('delete of an unknown call: ok with a warning; error with the fatal flag', async () => {
    const r = await client.request('delete', { 'call-id': 'nobody', 'from-tag': 'a' });
    expect(r.result).toBe('ok');
    expect(String(r.warning)).toContain('nobody');
    const f = await client.request('delete', { 'call-id': 'nobody', 'from-tag': 'a', 'flags': ['fatal'] }, { acceptErrors: true });
    expect(f.result).toBe('error');
  });

  it('security flags describe the sides: both trusted encrypted phones over SRTP make an encrypted call', async () => {
    const alice = await phone();
    const bob = await phone();
    const aliceKey = phoneOffer('AES_CM_128_HMAC_SHA1_80');
    const flags = ['from-device=ip_phone', 'from-trusted=yes', 'from-security=encrypted', 'from-signalling-tls=yes', 'to-device=ip_phone', 'to-trusted=yes', 'to-security=encrypted', 'to-signalling-tls=yes'];
    const offer = await client.request('offer', { ...BASE, 'call-id': 's1', 'from-tag': 'a', 'sdp': sdp(alice.port, [aliceKey.line]), flags });
    const toBob = audio(offer.sdp as string);
    const bobKey = phoneOffer(toBob.crypto[0].suite);
    const answer = await client.request('answer', { ...BASE, 'call-id': 's1', 'from-tag': 'a', 'to-tag': 'b', 'flags': ['to-trusted=no'], 'sdp': sdp(bob.port, [bobKey.line.replace(/^a=crypto:\d+/, `a=crypto:${toBob.crypto[0].id}`)]) });
    // Flags after the creating offer change nothing, and say so.
    expect(String(answer.warning)).toContain('security flags');
    const q = await client.request('query', { 'call-id': 's1' });
    const security = q.security as NgDict;
    expect(security.status).toBe('encrypted');
    expect(((security.tags as NgDict).a as NgDict).icon).toBe('lock');
    expect(security.reasons).toEqual([]);
  });
});
