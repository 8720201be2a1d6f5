/**
 * The REST flow of docs/webrtc.md with a real headless Chromium: POST .../legs with
 * `keying: "dtls"` and the browser's offer returns the relay's answer; the SIP phone is an SDES
 * leg (werift-rtp SRTP). Then Test 2's status half: hold with RTP music on hold makes the call
 * nonsecure with the reason `moh_rtp` while the browser hears the music through its DTLS leg;
 * resume restores the SRTP status and the phone's audio. And the refusals: no codec in common.
 */
import { randomBytes } from 'node:crypto';
import { MediaRelay } from '../../src/relay';
import { relayPortRange } from '../helpers/port-ranges';
import { securePhone, startTestApi, type Client } from '../integration/api/helpers';
import type { RunningApi } from '../../src/api';
import { ChromiumHarness } from './webrtc/chromium';
import { SipEndpoint } from './webrtc/sdes-endpoint';

jest.setTimeout(120_000);

let chromium: ChromiumHarness;
let api: RunningApi;
let client: Client;

beforeAll(async () => {
  chromium = await ChromiumHarness.launch();
  ({ api, client } = await startTestApi(relayPortRange(40), { addressPolicy: { allow: ['127.0.0.0/8'] } }));
});

afterAll(async () => {
  await api?.close();
  await chromium?.close();
});

void MediaRelay;

function cryptoLine(tag: number, key: Buffer, salt: Buffer): string {
  return `a=crypto:${tag} AES_CM_128_HMAC_SHA1_80 inline:${Buffer.concat([key, salt]).toString('base64')}`;
}

function keyOf(line: string): { key: Buffer; salt: Buffer } {
  const b = Buffer.from(/inline:([A-Za-z0-9+/=]+)/.exec(line)?.[1] ?? '', 'base64');
  return { key: b.subarray(0, 16), salt: b.subarray(16, 30) };
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
}

test('REST: dtls leg from Chromium\'s offer, SDES phone, hold with RTP MOH (nonsecure, moh_rtp) and resume', async () => {
  const base = '/v1/calls/webrtc-rest';
  await client.ok('POST', '/v1/calls', { id: 'webrtc-rest' });
  const peer = await chromium.newPeer();
  const phone = await SipEndpoint.open(null, null);
  const moh = await SipEndpoint.open(null, null);
  try {
    const offer = await peer.offer('PCMU');
    // No codec in common with what the other side takes: refused, nothing opened.
    const refused = await client.call('POST', `${base}/legs`, { id: 'web', device: securePhone('web'), keying: 'dtls', webrtc: { offer, codecs: ['G722'] } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'API_ERR_NO_COMMON_CODEC', field: 'webrtc.codecs' });

    const web = await client.ok('POST', `${base}/legs`, { id: 'web', device: securePhone('web'), keying: 'dtls', webrtc: { offer, codecs: ['PCMU'] } });
    expect(web).toMatchObject({ id: 'web', keying: 'dtls', streams: [{ kind: 'audio', srtp: true, suite: 'DTLS-SRTP' }] });
    const answer: string = web.webrtc.answer;
    expect(answer).toMatch(/a=ice-lite/);
    expect(answer).toMatch(/m=audio \d+ UDP\/TLS\/RTP\/SAVPF 0\r\n/);
    expect(answer).toMatch(/a=setup:passive/);

    const phoneSend = { key: randomBytes(16), salt: randomBytes(14) };
    const leg = await client.ok('POST', `${base}/legs`, {
      id: 'phone', device: securePhone('phone'), keying: 'sdes',
      streams: [{ kind: 'audio', rtcpMux: true, remote: { address: '127.0.0.1', port: phone.port }, crypto: [cryptoLine(1, phoneSend.key, phoneSend.salt)] }],
    });
    phone.useSrtp('AES_CM_128_HMAC_SHA1_80', { send: phoneSend, receive: keyOf(leg.streams[0].crypto) });
    const phonePort: number = leg.streams[0].local.rtpPort;

    // Before the handshake the WebRTC leg has no keys: the call may not claim encryption.
    const before = await client.ok('GET', `${base}/security`);
    expect(before.status).toBe('nonsecure');
    expect(before.reasons).toContainEqual({ code: 'dtls_pending', legId: 'web', stream: 'audio' });

    const events: { type: string; e: object }[] = [];
    api.service.on('dtls', (e) => events.push({ type: 'dtls', e }));
    api.service.on('ice', (e) => events.push({ type: 'ice', e }));
    api.service.on('securitychange', (e) => events.push({ type: 'securitychange', e }));
    await peer.answer(answer);
    phone.startTone(phonePort);
    const a = await peer.waitFor((s) => s.packetsReceived > 25 && s.audioLevel > 0, 15_000);
    expect(a.audioLevel).toBeGreaterThan(0);
    await until(() => phone.loudFrames >= 25, 10_000);
    expect(phone.loudFrames).toBeGreaterThanOrEqual(25);
    // The control plane's events (also on /v1/events): the selected ICE peer, then the handshake.
    expect(events.find((x) => x.type === 'ice')?.e).toMatchObject({ callId: 'webrtc-rest', legId: 'web', stream: 'audio', address: '127.0.0.1' });
    expect(events.find((x) => x.type === 'dtls')?.e).toMatchObject({ callId: 'webrtc-rest', legId: 'web', stream: 'audio', state: 'connected', role: 'server', profile: 'AEAD_AES_128_GCM', reason: null });
    const secure = await client.ok('GET', `${base}/security`);
    expect(secure.reasons.map((r: { code: string }) => r.code)).not.toContain('moh_rtp');
    // The handshake completed with the verified fingerprint: SRTP end to end, encrypted.
    expect(secure).toMatchObject({ status: 'encrypted', reasons: [] });
    expect(events.find((x) => x.type === 'securitychange')?.e).toMatchObject({ callId: 'webrtc-rest', status: 'encrypted', previousStatus: 'nonsecure' });

    // Hold the phone side with RTP music on hold toward the browser: nonsecure while it lasts.
    phone.stopTone();
    const held = await client.ok('POST', `${base}/hold`, { leg: 'phone', moh: { id: 'moh1', remote: { address: '127.0.0.1', port: moh.port } } });
    expect(held.security.status).toBe('nonsecure');
    expect(held.security.reasons.map((r: { code: string }) => r.code)).toContain('moh_rtp');
    moh.startTone(held.resource.local.moh.rtpPort);
    const b = await peer.waitFor((s) => s.packetsReceived > a.packetsReceived + 50, 15_000);
    expect(b.packetsReceived).toBeGreaterThan(a.packetsReceived + 50);
    expect(b.audioLevel).toBeGreaterThan(0);
    moh.stopTone();

    const resumed = await client.ok('POST', `${base}/resume`);
    expect(resumed.security.status).toBe(secure.status);
    expect(resumed.security.reasons.map((r: { code: string }) => r.code)).not.toContain('moh_rtp');
    const loudBefore = phone.loudFrames;
    // Chromium 156 does not take back an unsignalled SSRC it has replaced (the phone's, replaced
    // by the music's): the relay forwards it (counters) but the page never counts it. A phone
    // behind a B2BUA commonly comes back from hold with a new SSRC; this one does.
    phone.newSsrc();
    phone.startTone(phonePort);
    const c = await peer.waitFor((s) => s.packetsReceived > b.packetsReceived + 50, 15_000);
    expect(c.packetsReceived).toBeGreaterThan(b.packetsReceived + 50);
    await until(() => phone.loudFrames >= loudBefore + 25, 10_000);
    expect(phone.loudFrames).toBeGreaterThanOrEqual(loudBefore + 25);
    expect(phone.failed).toBe(0);
    console.log(`REST webrtc: status before hold ${secure.status} (${secure.reasons.map((r: { code: string }) => r.code).join(', ') || 'no reasons'}), on hold ${held.security.status} (${held.security.reasons.map((r: { code: string }) => r.code).join(', ')}), resumed ${resumed.security.status}; Chromium received ${c.packetsReceived}`);
  } finally {
    phone.close();
    moh.close();
    await peer.close();
    await client.call('DELETE', base);
  }
});
