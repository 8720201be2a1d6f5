/**
 * WebRTC over rtpengine's ng protocol with a real Chromium (issue 14, docs/ng.md "WebRTC"): the
 * browser's offer goes to the relay as Kamailio would send it (`offer` with
 * `transport-protocol: RTP/SAVP` or `RTP/AVP`, `ICE: remove`, `DTLS`), the relay's rewritten SDP
 * goes to a SIP phone (our engine's SRTP, or plain RTP), the phone's answer comes back through
 * ng `answer`, and the browser gets the relay's WebRTC answer. Media both ways: Chromium's
 * `inbound-rtp` grows with audio level > 0 for the phone's tone, and the phone hears Chromium's
 * tone (decrypted with the relay's SDES key). Status over ng `query` and REST: nonsecure
 * (`dtls_pending`) before the handshake, then encrypted (SDES phone) or authenticated (plain).
 */
import { parse } from 'sdp-transform';
import { randomBytes } from 'node:crypto';
import type { RunningApi } from '../../src/api';
import { NgClient, type NgDict } from '../../src/ng';
import { relayPortRange } from '../helpers/port-ranges';
import { startTestApi, type Client } from '../integration/api/helpers';
import { ChromiumHarness } from './webrtc/chromium';
import { SipEndpoint } from './webrtc/sdes-endpoint';

jest.setTimeout(120_000);

let chromium: ChromiumHarness;
let api: RunningApi;
let client: Client;
let ng: NgClient;
const range = relayPortRange(40);

beforeAll(async () => {
  chromium = await ChromiumHarness.launch();
  ({ api, client } = await startTestApi(range, {
    addressPolicy: { allow: ['127.0.0.0/8'] },
    // One media worker: the handshake and the keys live there (docs/webrtc.md).
    relay: { portRange: range, bindAddress: '127.0.0.1', workers: 1, logLevel: 'silent' },
    ng: { udp: { host: '127.0.0.1', port: 0 } },
  }));
  const udp = api.ng.udp;
  if (udp === null) throw new Error('ng UDP listener missing');
  ng = await NgClient.connect('127.0.0.1', udp.port);
});

afterAll(async () => {
  ng?.close();
  await api?.close();
  await chromium?.close();
});

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
}

const TRUST = ['from-device=ip_phone', 'from-trusted=yes', 'from-security=encrypted', 'from-signalling-tls=yes', 'to-device=ip_phone', 'to-trusted=yes', 'to-security=encrypted', 'to-signalling-tls=yes'];

test.each([
  ['RTP/SAVP', 'passive'],
  ['RTP/AVP', 'active'],
] as const)('Chromium offer → ng offer (%s, DTLS=%s) → phone answer → ng answer → Chromium; tone both ways', async (protocol, dtls) => {
  const callId = `chromium-ng-${protocol.replace('/', '-')}.test`;
  const peer = await chromium.newPeer();
  const phone = await SipEndpoint.open(null, null);
  try {
    const offer = await peer.offer('PCMU');
    expect(offer).toMatch(/UDP\/TLS\/RTP\/SAVPF/);
    const t0 = Date.now();
    const o = await ng.request('offer', {
      'call-id': callId, 'from-tag': 'browser', sdp: offer, 'transport-protocol': protocol, ICE: 'remove', DTLS: dtls,
      'rtcp-mux': ['demux'], flags: ['SDES-only-AES_CM_128_HMAC_SHA1_80', 'SDES-pad', ...TRUST], replace: ['origin', 'session-connection'],
    });
    const toPhone = parse(o.sdp as string);
    const m = toPhone.media[0];
    expect(m.protocol).toBe(protocol);
    expect(o.sdp as string).not.toMatch(/a=(ice-|fingerprint|setup|candidate|group|mid)/);
    const relayPhonePort = m.port;
    let answerSdp = `v=0\r\no=- 2 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${phone.port} ${protocol} 0\r\na=rtpmap:0 PCMU/8000\r\na=rtcp-mux\r\na=sendrecv\r\n`;
    if (protocol === 'RTP/SAVP') {
      const offered = (m.crypto ?? [])[0];
      expect(offered.suite).toBe('AES_CM_128_HMAC_SHA1_80');
      const relayKey = Buffer.from(offered.config.replace(/^inline:/, '').split('|')[0], 'base64');
      const own = { key: randomBytes(16), salt: randomBytes(14) };
      answerSdp += `a=crypto:${offered.id} AES_CM_128_HMAC_SHA1_80 inline:${Buffer.concat([own.key, own.salt]).toString('base64')}\r\n`;
      phone.useSrtp('AES_CM_128_HMAC_SHA1_80', { send: own, receive: { key: relayKey.subarray(0, 16), salt: relayKey.subarray(16, 30) } });
    }
    const a = await ng.request('answer', { 'call-id': callId, 'from-tag': 'browser', 'to-tag': 'phone', sdp: answerSdp });
    const toBrowser = a.sdp as string;
    expect(toBrowser).toMatch(/a=ice-lite\r\n/);
    expect(toBrowser).toMatch(/a=fingerprint:sha-256 /);
    expect(toBrowser).toContain(`a=setup:${dtls}`);
    expect(toBrowser).toMatch(/a=group:BUNDLE \S+\r\n/);
    expect(toBrowser).toMatch(/a=rtcp-mux\r\n/);
    expect(toBrowser).toMatch(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);

    const query = async (): Promise<NgDict> => (await ng.request('query', { 'call-id': callId })).security as NgDict;
    const pending = await query();
    expect(pending.status).toBe('nonsecure');
    expect(pending.reasons).toContain('dtls_pending (browser)');

    await peer.answer(toBrowser);
    phone.startTone(relayPhonePort);
    const got = await peer.waitFor((s) => s.packetsReceived > 25 && s.audioLevel > 0, 20_000);
    const connectMs = Date.now() - t0;
    expect(got.packetsReceived).toBeGreaterThan(25);
    expect(got.audioLevel).toBeGreaterThan(0);
    expect(got.dtlsRole).toBe(dtls === 'passive' ? 'client' : 'server');
    await until(() => phone.loudFrames >= 25, 10_000);
    expect(phone.loudFrames).toBeGreaterThanOrEqual(25);
    expect(phone.failed).toBe(0);

    const expected = protocol === 'RTP/SAVP' ? { status: 'encrypted', reasons: [] } : { status: 'authenticated', reasons: ['device_not_srtp_capable (phone)'] };
    expect(await query()).toMatchObject(expected);
    const rest = await client.ok('GET', `/v1/calls/${encodeURIComponent(callId)}/security`);
    expect(rest.status).toBe(expected.status);
    console.log(`ng WebRTC ${protocol} DTLS=${dtls}: Chromium ${got.srtpCipher} (${got.dtlsRole}), received ${got.packetsReceived} packets, phone heard ${phone.loudFrames} loud frames; offer→audio ${connectMs} ms; status ${rest.status}`);
  } finally {
    phone.close();
    await peer.close();
    await ng.request('delete', { 'call-id': callId, 'from-tag': 'browser' }).catch(() => undefined);
  }
});

test('SDES phone offer → ng offer with the WebRTC flag → relay WebRTC offer → Chromium answers → ng answer → phone; tone both ways', async () => {
  const callId = 'chromium-ng-reverse.test';
  const peer = await chromium.newPeer();
  const own = { key: randomBytes(16), salt: randomBytes(14) };
  const phone = await SipEndpoint.open(null, null);
  try {
    const phoneOffer = ['v=0', 'o=- 3 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
      `m=audio ${phone.port} RTP/SAVP 0`, 'a=rtpmap:0 PCMU/8000', 'a=rtcp-mux', 'a=sendrecv',
      `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${Buffer.concat([own.key, own.salt]).toString('base64')}`, ''].join('\r\n');
    const t0 = Date.now();
    const o = await ng.request('offer', { 'call-id': callId, 'from-tag': 'phone', sdp: phoneOffer, flags: ['WebRTC', ...TRUST], 'rtcp-mux': ['accept'] });
    const toBrowser = o.sdp as string;
    expect(toBrowser).toMatch(/a=setup:actpass\r\n/);
    expect(toBrowser).toMatch(/a=ice-lite\r\n/);
    expect(toBrowser).toMatch(/m=audio \d+ UDP\/TLS\/RTP\/SAVPF 0\r\n/);
    const browserAnswer = await peer.answerOffer(toBrowser);
    const setup = /a=setup:(\w+)/.exec(browserAnswer)?.[1];
    const a = await ng.request('answer', { 'call-id': callId, 'from-tag': 'phone', 'to-tag': 'browser', sdp: browserAnswer });
    const toPhone = parse(a.sdp as string).media[0];
    expect(toPhone.protocol).toBe('RTP/SAVP');
    expect(a.sdp as string).not.toMatch(/a=(ice-|fingerprint|setup|candidate|group|mid)/);
    const relayLine = (toPhone.crypto ?? [])[0];
    expect(relayLine).toMatchObject({ id: 1, suite: 'AES_CM_128_HMAC_SHA1_80' });
    const relayKey = Buffer.from(relayLine.config.replace(/^inline:/, '').split('|')[0], 'base64');
    phone.useSrtp('AES_CM_128_HMAC_SHA1_80', { send: own, receive: { key: relayKey.subarray(0, 16), salt: relayKey.subarray(16, 30) } });
    phone.startTone(toPhone.port);
    const got = await peer.waitFor((s) => s.packetsReceived > 25 && s.audioLevel > 0, 20_000);
    const connectMs = Date.now() - t0;
    expect(got.packetsReceived).toBeGreaterThan(25);
    expect(got.audioLevel).toBeGreaterThan(0);
    // Chromium's answer chose the role: active → Chromium is the DTLS client, the relay the server.
    expect(got.dtlsRole).toBe(setup === 'active' ? 'client' : 'server');
    await until(() => phone.loudFrames >= 25, 10_000);
    expect(phone.loudFrames).toBeGreaterThanOrEqual(25);
    expect(phone.failed).toBe(0);
    const security = (await ng.request('query', { 'call-id': callId })).security as NgDict;
    expect(security).toMatchObject({ status: 'encrypted', reasons: [] });
    expect((await client.ok('GET', `/v1/calls/${callId}/security`)).status).toBe('encrypted');
    console.log(`ng WebRTC reverse (relay offers): Chromium answered setup:${setup}, ${got.srtpCipher} (${got.dtlsRole}), received ${got.packetsReceived}, phone heard ${phone.loudFrames} loud frames; offer→audio ${connectMs} ms; status ${security.status}`);
  } finally {
    phone.close();
    await peer.close();
    await ng.request('delete', { 'call-id': callId, 'from-tag': 'phone' }).catch(() => undefined);
  }
});
