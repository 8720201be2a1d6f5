/**
 * REST `keying: "dtls"` without a browser (the Chromium flow is test/interop/webrtc-rest.test.ts):
 * what a WebRTC leg request must carry, the answer the relay writes (ICE-lite, its certificate's
 * fingerprint, the DTLS role, the codecs passed through), and the operations a WebRTC leg refuses.
 * The "browser offer" here is written with our own SDP writer as an actpass offer.
 */
import { createIceCredentials } from '../../../src/dtls/ice-lite';
import { readWebrtcMedia, writeWebrtcSdp } from '../../../src/dtls/webrtc-sdp';
import type { RunningApi } from '../../../src/api';
import { relayPortRange } from '../../helpers/port-ranges';
import { securePhone, startTestApi, type Client } from './helpers';

let api: RunningApi;
let client: Client;

beforeAll(async () => {
  ({ api, client } = await startTestApi(relayPortRange(20)));
});

afterAll(async () => {
  await api?.close();
});

function browserOffer(codecs = [{ payload: 111, name: 'opus', rate: 48000, channels: 2 }, { payload: 0, name: 'PCMU', rate: 8000 }]): string {
  return writeWebrtcSdp({
    address: '127.0.0.1', port: 9, ice: createIceCredentials(), fingerprint: 'AB:'.repeat(31) + 'AB', setup: 'actpass', mid: '0', codecs, sessionId: '7',
  });
}

test('a dtls leg answers the offer: ICE-lite, the relay fingerprint, passive by default or active, codecs passed through', async () => {
  await client.ok('POST', '/v1/calls', { id: 'wr1' });
  const offer = browserOffer();
  const leg = await client.ok('POST', '/v1/calls/wr1/legs', { id: 'web', device: securePhone('web'), keying: 'dtls', webrtc: { offer, codecs: ['PCMU', 'PCMA'] } });
  expect(leg).toMatchObject({ keying: 'dtls', streams: [{ kind: 'audio', srtp: true, transport: 'srtp', suite: 'DTLS-SRTP', rtcpMux: true }] });
  const answer = readWebrtcMedia(leg.webrtc.answer);
  expect(answer.setup).toBe('passive');
  expect(answer.rtcpMux).toBe(true);
  expect(answer.codecs.map((c) => c.name)).toEqual(['PCMU']);
  expect(answer.fingerprints[0].value).toBe((await api.service.relay.dtlsCertificate()).fingerprint);
  expect(leg.webrtc.answer).toMatch(/a=ice-lite\r\n/);
  expect(leg.webrtc.answer).toContain(`m=audio ${leg.streams[0].local.rtpPort} UDP/TLS/RTP/SAVPF 0`);
  // The answer is returned once; the call view does not repeat it.
  expect(JSON.stringify(await client.ok('GET', '/v1/calls/wr1'))).not.toContain('a=ice-ufrag');
  // A WebRTC leg's keys come from DTLS and its SDP from this exchange only.
  expect((await client.call('POST', '/v1/calls/wr1/legs/web/rekey', {})).body.error.code).toBe('API_ERR_NO_KEYS');
  expect((await client.call('POST', '/v1/calls/wr1/legs/web/streams', { kind: 'video' })).body.error.code).toBe('API_ERR_BAD_REQUEST');
  await client.ok('POST', '/v1/calls/wr1/legs', { id: 'b', device: securePhone('b'), keying: 'none', streams: [{ kind: 'audio', remote: { address: '127.0.0.1', port: 9000 } }] });
  // SDP rewriting (docs/webrtc.md "SDP exchange"): the leg's own offer toward the SIP leg is
  // rewritten as plain RTP without ICE/DTLS/BUNDLE; the SIP answer becomes the WebRTC answer.
  const toSip = await client.ok('POST', '/v1/calls/wr1/legs/web/sdp', { type: 'offer', sdp: offer });
  // Only the codecs the leg accepts (webrtc.codecs: PCMU, PCMA): the browser's opus is left out.
  expect(toSip.sdp).toMatch(/m=audio \d+ RTP\/AVP 0\r\n/);
  expect(toSip.sdp).not.toMatch(/opus/);
  expect(toSip.sdp).not.toMatch(/a=(ice-|fingerprint|setup|candidate|group|mid)/);
  const toWeb = await client.ok('POST', '/v1/calls/wr1/legs/b/sdp', { type: 'answer', sdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9000 RTP/AVP 0\r\n' });
  expect(readWebrtcMedia(toWeb.sdp)).toMatchObject({ setup: 'passive', ufrag: answer.ufrag, codecs: [{ name: 'PCMU', payload: 0 }] });
  // Another ICE session (a new offer) needs a new leg; the relay does not offer to a WebRTC peer yet.
  expect((await client.call('POST', '/v1/calls/wr1/legs/web/sdp', { type: 'offer', sdp: browserOffer() })).body.error).toMatchObject({ code: 'API_ERR_BAD_SDP', field: 'sdp' });
  expect((await client.call('POST', '/v1/calls/wr1/legs/b/sdp', { type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9000 RTP/AVP 0\r\n' })).body.error).toMatchObject({ code: 'API_ERR_BAD_SDP', field: 'to' });

  // Its DTLS keys exist only in the worker that ran the handshake: a snapshot cannot bring it back.
  const snapshot = await api.service.snapshot('wr1');
  expect(snapshot.legs.find((l) => l.id === 'web')?.keying).toBe('dtls');
  await client.ok('DELETE', '/v1/calls/wr1');
  await expect(api.service.restore(snapshot, { keySet: () => undefined })).rejects.toMatchObject({ code: 'API_ERR_BAD_REQUEST', field: 'legs' });

  await client.ok('POST', '/v1/calls', { id: 'wr2' });
  const active = await client.ok('POST', '/v1/calls/wr2/legs', { id: 'web', device: securePhone('web'), keying: 'dtls', webrtc: { offer: browserOffer(), setup: 'active', profiles: ['AEAD_AES_128_GCM'] } });
  expect(readWebrtcMedia(active.webrtc.answer).setup).toBe('active');
  expect(readWebrtcMedia(active.webrtc.answer).codecs.map((c) => c.name)).toEqual(['opus', 'PCMU']);
});

test.each([
  ['no offer', { keying: 'dtls' }, 400, 'API_ERR_BAD_REQUEST', 'webrtc'],
  ['webrtc on an sdes leg', { keying: 'sdes', webrtc: { offer: 'x' } }, 400, 'API_ERR_BAD_REQUEST', 'webrtc'],
  ['two streams', { keying: 'dtls', webrtc: { offer: 'x' }, streams: [{ kind: 'audio' }, { kind: 'video' }] }, 400, 'API_ERR_BAD_REQUEST', 'streams'],
  ['a remote (ICE gives it)', { keying: 'dtls', webrtc: { offer: 'x' }, streams: [{ kind: 'audio', remote: { address: '127.0.0.1', port: 5 } }] }, 400, 'API_ERR_BAD_REQUEST', 'streams'],
  ['not a WebRTC offer', { keying: 'dtls', webrtc: { offer: 'v=0\r\nm=audio 5 RTP/AVP 0\r\nc=IN IP4 127.0.0.1\r\n' } }, 400, 'API_ERR_BAD_SDP', 'webrtc.offer'],
  ['a profile DTLS cannot do', { keying: 'dtls', webrtc: { offer: 'x', profiles: ['AES_256_CM_HMAC_SHA1_80'] } }, 400, 'API_ERR_BAD_REQUEST', 'webrtc.profiles'],
  ['no codec in common', { keying: 'dtls', webrtc: { offer: '', codecs: ['G729'] } }, 409, 'API_ERR_NO_COMMON_CODEC', 'webrtc.codecs'],
])('refused: %s', async (_n, body, status, code, field) => {
  const id = `wr-${Math.random().toString(36).slice(2, 8)}`;
  await client.ok('POST', '/v1/calls', { id });
  const b = body as { webrtc?: { offer: string } };
  if (b.webrtc?.offer === '') b.webrtc.offer = browserOffer();
  const r = await client.call('POST', `/v1/calls/${id}/legs`, { id: 'web', device: securePhone('web'), ...body });
  expect(r.status).toBe(status);
  expect(r.body.error).toMatchObject({ code, field });
  expect((await client.ok('GET', `/v1/calls/${id}`)).legs).toEqual([]);
});

test('a dtls leg without offer: the relay offers (actpass) from the other leg\'s offer; the answer decides the role', async () => {
  await client.ok('POST', '/v1/calls', { id: 'wr3' });
  const web = await client.ok('POST', '/v1/calls/wr3/legs', { id: 'web', device: securePhone('web'), keying: 'dtls', webrtc: {} });
  expect(web.webrtc).toBeUndefined();
  expect((await client.call('POST', '/v1/calls/wr3/legs', { id: 'w2', device: securePhone('w2'), keying: 'dtls', webrtc: { setup: 'active' } })).body.error).toMatchObject({ code: 'API_ERR_BAD_REQUEST', field: 'webrtc' });
  await client.ok('POST', '/v1/calls/wr3/legs', { id: 'b', device: securePhone('b'), keying: 'none', streams: [{ kind: 'audio' }] });
  // No offer yet: an answer from the WebRTC leg has nothing to answer.
  expect((await client.call('POST', '/v1/calls/wr3/legs/web/sdp', { type: 'answer', sdp: browserOffer() })).body.error).toMatchObject({ code: 'API_ERR_NO_PENDING_OFFER' });
  const sip = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9000 RTP/AVP 8 0\r\n';
  const toWeb = await client.ok('POST', '/v1/calls/wr3/legs/b/sdp', { type: 'offer', sdp: sip, to: 'web' });
  const offer = readWebrtcMedia(toWeb.sdp);
  expect(offer).toMatchObject({ setup: 'actpass', rtcpMux: true, codecs: [{ name: 'PCMA', payload: 8 }, { name: 'PCMU', payload: 0 }] });
  expect(offer.fingerprints[0].value).toBe((await api.service.relay.dtlsCertificate()).fingerprint);
  expect(toWeb.sdp).toMatch(/a=ice-lite\r\n/);
  // Repeated before the answer: the same ports and ICE credentials.
  const again = readWebrtcMedia((await client.ok('POST', '/v1/calls/wr3/legs/b/sdp', { type: 'offer', sdp: sip, to: 'web' })).sdp);
  expect(again.ufrag).toBe(offer.ufrag);
  expect((await client.ok('GET', '/v1/calls/wr3/security')).reasons).toContainEqual({ code: 'dtls_pending', legId: 'web', stream: 'audio' });
  // actpass in an answer is not a role (RFC 8842 §5.3); the answer's codecs must be offered ones.
  const answer = (setup: string, codecs = [{ payload: 0, name: 'PCMU', rate: 8000 }]): string => writeWebrtcSdp({
    address: '127.0.0.1', port: 9, ice: createIceCredentials(), fingerprint: 'CD:'.repeat(31) + 'CD', setup: setup as 'active', mid: '0', codecs, sessionId: '8',
  });
  expect((await client.call('POST', '/v1/calls/wr3/legs/web/sdp', { type: 'answer', sdp: answer('actpass') })).body.error).toMatchObject({ code: 'API_ERR_BAD_SDP' });
  expect((await client.call('POST', '/v1/calls/wr3/legs/web/sdp', { type: 'answer', sdp: answer('active', [{ payload: 9, name: 'G722', rate: 8000 }]) })).body.error).toMatchObject({ code: 'API_ERR_NO_COMMON_CODEC' });
  const toSip = await client.ok('POST', '/v1/calls/wr3/legs/web/sdp', { type: 'answer', sdp: answer('active') });
  expect(toSip.sdp).toMatch(/m=audio \d+ RTP\/AVP 0\r\n/);
  expect(toSip.sdp).not.toMatch(/a=(ice-|fingerprint|setup|candidate|group|mid)/);
  // The leg opened on the ports offered to the browser; a second offer toward it is refused.
  const view = await client.ok('GET', '/v1/calls/wr3');
  expect(view.legs.find((l: { id: string }) => l.id === 'web').streams[0].local.rtpPort).toBe(Number(/m=audio (\d+)/.exec(toWeb.sdp)?.[1]));
  expect((await client.call('POST', '/v1/calls/wr3/legs/b/sdp', { type: 'offer', sdp: sip, to: 'web' })).body.error).toMatchObject({ code: 'API_ERR_BAD_SDP', field: 'to' });
  await client.ok('DELETE', '/v1/calls/wr3');
});
