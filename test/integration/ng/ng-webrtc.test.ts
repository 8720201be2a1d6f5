/**
 * WebRTC over ng without a browser: werift's RTCPeerConnection (an independent ICE agent and
 * DTLS stack in Node) offers as a browser would behind Kamailio; the relay bridges it to an SDES
 * or plain SIP phone. Checks the SDP rewriting both ways (the phone gets RTP/SAVP with a=crypto
 * or RTP/AVP and no ICE/DTLS/BUNDLE; the browser gets ICE-lite, fingerprint, setup, rtcp-mux,
 * mid/BUNDLE, one host candidate, the codec the phone chose), the handshake, the status over ng
 * `query`, and the refusals. Media with a real browser: test/interop/webrtc-chromium-ng.test.ts.
 */
import { parse } from 'sdp-transform';
import type { NgDict } from '../../../src/ng';
import { werift } from '../../../src/dtls/werift-module';
import { useNgRelay } from './ng-relay';

const ng = useNgRelay();
const peers: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const p of peers.splice(0)) await p.close().catch(() => undefined);
});

async function weriftOffer(): Promise<{ pc: InstanceType<ReturnType<typeof werift>['RTCPeerConnection']>; offer: string }> {
  const { RTCPeerConnection } = werift();
  const pc = new RTCPeerConnection({ iceInterfaceAddresses: { udp4: '127.0.0.1' }, iceUseIpv6: false });
  peers.push(pc);
  pc.addTransceiver('audio', { direction: 'sendrecv' });
  await pc.setLocalDescription(await pc.createOffer());
  const end = Date.now() + 10_000;
  while (pc.iceGatheringState !== 'complete' && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return { pc, offer: pc.localDescription?.sdp ?? '' };
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function phoneAnswer(port: number, crypto: string | null): string {
  return ['v=0', 'o=- 2 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio ${port} ${crypto === null ? 'RTP/AVP' : 'RTP/SAVP'} 0`, 'a=sendrecv', ...(crypto === null ? [] : [crypto]), ''].join('\r\n');
}

const TRUST = ['from-device=ip_phone', 'from-trusted=yes', 'from-security=encrypted', 'from-signalling-tls=yes', 'to-device=ip_phone', 'to-trusted=yes', 'to-security=encrypted', 'to-signalling-tls=yes'];

test.each([
  ['RTP/SAVP', 'passive'],
  ['RTP/AVP', 'active'],
] as const)('browser offer → ng offer (transport-protocol %s, DTLS=%s) → phone answer → browser answer; handshake; status', async (protocol, dtls) => {
  const { pc, offer } = await weriftOffer();
  expect(offer).toMatch(/UDP\/TLS\/RTP\/SAVPF/);
  const callId = `wr-${protocol}`;
  const o = await ng.client.request('offer', { 'call-id': callId, 'from-tag': 'browser', sdp: offer, 'transport-protocol': protocol, ICE: 'remove', DTLS: dtls, flags: TRUST });
  expect(o.result).toBe('ok');
  const toPhone = o.sdp as string;
  const p = parse(toPhone);
  expect(p.media).toHaveLength(1);
  expect(p.media[0].protocol).toBe(protocol);
  expect(toPhone).not.toMatch(/a=(ice-|fingerprint|setup|candidate|group:BUNDLE|mid|rtcp-fb|extmap|ssrc|msid)/);
  expect(p.media[0].connection?.ip ?? p.connection?.ip).toBe('127.0.0.1');
  // The phone takes PCMU (passed through from the browser's offer, no transcoding).
  expect(p.media[0].rtp.map((r) => r.codec)).toContain('PCMU');
  let crypto: string | null = null;
  if (protocol === 'RTP/SAVP') {
    expect(p.media[0].crypto?.length).toBeGreaterThan(0);
    const c = (p.media[0].crypto ?? [])[0];
    crypto = `a=crypto:${c.id} ${c.suite} inline:${Buffer.alloc(c.suite.includes('256') ? 44 : c.suite.includes('GCM') ? 28 : 30, 7).toString('base64')}`;
  } else {
    expect(p.media[0].crypto).toBeUndefined();
  }
  const phone = await ng.phone();
  const a = await ng.client.request('answer', { 'call-id': callId, 'from-tag': 'browser', 'to-tag': 'phone', sdp: phoneAnswer(phone.port, crypto) });
  expect(a.result).toBe('ok');
  const toBrowser = a.sdp as string;
  expect(toBrowser).toMatch(/a=ice-lite\r\n/);
  expect(toBrowser).toMatch(/a=group:BUNDLE 0\r\n/);
  expect(toBrowser).toMatch(/a=mid:0\r\n/);
  expect(toBrowser).toMatch(/a=rtcp-mux\r\n/);
  expect(toBrowser).toMatch(/a=fingerprint:sha-256 [0-9A-F:]{95}\r\n/);
  expect(toBrowser).toContain(`a=setup:${dtls}`);
  expect(toBrowser).toMatch(/a=candidate:1 1 udp 2130706431 127\.0\.0\.1 \d+ typ host/);
  const b = parse(toBrowser);
  expect(b.media[0].protocol).toBe('UDP/TLS/RTP/SAVPF');
  expect(b.media[0].rtp.map((r) => r.codec)).toEqual(['PCMU']);

  const query = async (): Promise<NgDict> => (await ng.client.request('query', { 'call-id': callId })).security as NgDict;
  expect((await query()).status).toBe('nonsecure');
  expect((await query()).reasons).toContain('dtls_pending (browser)');
  const dtlsEvents: { state: string; role: string }[] = [];
  ng.controller.on('dtls', (e) => dtlsEvents.push(e));
  await pc.setRemoteDescription({ type: 'answer', sdp: toBrowser });
  await until(() => dtlsEvents.length > 0, 15_000);
  expect(dtlsEvents[0]).toMatchObject({ state: 'connected', role: dtls === 'passive' ? 'server' : 'client' });
  await until(() => ng.controller.security(callId).reasons.every((r) => r.code !== 'dtls_pending'), 5_000);
  const secure = await query();
  // SDES phone: encrypted end to end; plain phone: RTP on its leg, so the shield at most.
  if (protocol === 'RTP/SAVP') expect(secure).toMatchObject({ status: 'encrypted', reasons: [] });
  else expect(secure).toMatchObject({ status: 'authenticated', reasons: ['device_not_srtp_capable (phone)'] });
  expect(ng.controller.getCall(callId).legs.map((l) => l.keying)).toEqual(['dtls', protocol === 'RTP/SAVP' ? 'sdes' : 'none']);
  expect((await ng.client.request('delete', { 'call-id': callId, 'from-tag': 'browser' })).result).toBe('ok');
});

test('refused: DTLS=off with a WebRTC offer, WebRTC to WebRTC, no codec in common; nothing left behind', async () => {
  const { offer } = await weriftOffer();
  await expect(ng.client.request('offer', { 'call-id': 'x1', 'from-tag': 'b', sdp: offer, 'transport-protocol': 'RTP/AVP', DTLS: 'off' })).rejects.toThrow(/DTLS=off/);
  await expect(ng.client.request('offer', { 'call-id': 'x2', 'from-tag': 'p', sdp: offer, flags: ['WebRTC'] })).rejects.toThrow(/WebRTC to WebRTC/);
  expect(ng.controller.findSession('x1')).toBeUndefined();
  expect(ng.controller.findSession('x2')).toBeUndefined();

  const o = await ng.client.request('offer', { 'call-id': 'x3', 'from-tag': 'b', sdp: offer, 'transport-protocol': 'RTP/AVP' });
  expect(o.result).toBe('ok');
  // The phone answers G.729 only, which the browser never offered.
  const g729 = phoneAnswer(4002, null).replace('RTP/AVP 0', 'RTP/AVP 18');
  await expect(ng.client.request('answer', { 'call-id': 'x3', 'from-tag': 'b', 'to-tag': 'p', sdp: g729 })).rejects.toThrow(/offered .*answered G729/);
  // The refused answer changed nothing: the phone can still answer with PCMU.
  expect((await ng.client.request('answer', { 'call-id': 'x3', 'from-tag': 'b', 'to-tag': 'p', sdp: phoneAnswer(4002, null) })).result).toBe('ok');
});

test.each([
  ['SDES phone', true],
  ['plain phone', false],
] as const)('%s offer → ng offer with the WebRTC flag → relay WebRTC offer (actpass) → browser answer → phone answer; handshake; status', async (_name, sdes) => {
  const callId = `rw-${sdes ? 'sdes' : 'rtp'}`;
  const phone = await ng.phone();
  const phoneKey = `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${Buffer.alloc(30, 9).toString('base64')}`;
  const phoneOffer = ['v=0', 'o=- 3 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio ${phone.port} ${sdes ? 'RTP/SAVP' : 'RTP/AVP'} 0 8 101`, 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'a=sendrecv', ...(sdes ? [phoneKey] : []), ''].join('\r\n');
  const o = await ng.client.request('offer', { 'call-id': callId, 'from-tag': 'phone', sdp: phoneOffer, flags: ['WebRTC', ...TRUST] });
  const toBrowser = o.sdp as string;
  expect(toBrowser).toMatch(/a=ice-lite\r\n/);
  expect(toBrowser).toMatch(/a=setup:actpass\r\n/);
  expect(toBrowser).toMatch(/a=fingerprint:sha-256 [0-9A-F:]{95}\r\n/);
  expect(toBrowser).toMatch(/a=group:BUNDLE 0\r\n/);
  expect(toBrowser).toMatch(/a=rtcp-mux\r\n/);
  expect(toBrowser).toMatch(/m=audio \d+ UDP\/TLS\/RTP\/SAVPF 0 8 101\r\n/);
  expect(toBrowser).toMatch(/a=candidate:1 1 udp 2130706431 127\.0\.0\.1 \d+ typ host/);
  expect((await ng.client.request('query', { 'call-id': callId })).security).toMatchObject({ status: 'nonsecure' });

  const { RTCPeerConnection } = werift();
  const pc = new RTCPeerConnection({ iceInterfaceAddresses: { udp4: '127.0.0.1' }, iceUseIpv6: false });
  peers.push(pc);
  await pc.setRemoteDescription({ type: 'offer', sdp: toBrowser });
  await pc.setLocalDescription(await pc.createAnswer());
  await until(() => pc.iceGatheringState === 'complete', 10_000);
  const browserAnswer = pc.localDescription?.sdp ?? '';
  const setup = /a=setup:(\w+)/.exec(browserAnswer)?.[1];
  expect(['active', 'passive']).toContain(setup);
  const dtlsEvents: { state: string; role: string }[] = [];
  ng.controller.on('dtls', (e) => dtlsEvents.push(e));
  const a = await ng.client.request('answer', { 'call-id': callId, 'from-tag': 'phone', 'to-tag': 'browser', sdp: browserAnswer });
  const toPhone = parse(a.sdp as string);
  expect(toPhone.media).toHaveLength(1);
  expect(toPhone.media[0].protocol).toBe(sdes ? 'RTP/SAVP' : 'RTP/AVP');
  expect(a.sdp as string).not.toMatch(/a=(ice-|fingerprint|setup|candidate|group:BUNDLE|mid)/);
  if (sdes) expect(toPhone.media[0].crypto?.[0]).toMatchObject({ id: 1, suite: 'AES_CM_128_HMAC_SHA1_80' });
  await until(() => dtlsEvents.length > 0, 15_000);
  // The browser's answer decided the role: active → the relay is the DTLS server.
  expect(dtlsEvents[0]).toMatchObject({ state: 'connected', role: setup === 'active' ? 'server' : 'client' });
  await until(() => ng.controller.security(callId).reasons.every((r) => r.code !== 'dtls_pending'), 5_000);
  const secure = (await ng.client.request('query', { 'call-id': callId })).security as NgDict;
  if (sdes) expect(secure).toMatchObject({ status: 'encrypted', reasons: [] });
  else expect(secure).toMatchObject({ status: 'authenticated', reasons: ['device_not_srtp_capable (phone)'] });
  // A second offer toward the now connected WebRTC leg is refused (a new ICE/DTLS negotiation).
  await expect(ng.client.request('offer', { 'call-id': callId, 'from-tag': 'phone', sdp: phoneOffer })).rejects.toThrow(/connected WebRTC leg/);
  expect((await ng.client.request('delete', { 'call-id': callId, 'from-tag': 'phone' })).result).toBe('ok');
});
