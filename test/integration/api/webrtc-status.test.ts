/**
 * Security status of a WebRTC (keying `dtls`) leg follows its DTLS handshake, without a browser:
 * werift's RTCPeerConnection (Node, an independent full ICE agent and DTLS client/server) is the
 * WebRTC peer on loopback. Before the handshake the call is `nonsecure` with `dtls_pending`; the
 * worker's `dtls connected` (fingerprint verified) makes it `encrypted` with one
 * `securitychange`; a peer whose certificate does not match its signalled fingerprint leaves the
 * call `nonsecure` with `dtls_failed`.
 */
import type { RunningApi } from '../../../src/api';
import { werift } from '../../../src/dtls/werift-module';
import { relayPortRange } from '../../helpers/port-ranges';
import { securePhone, startTestApi, type Client } from './helpers';

let api: RunningApi;
let client: Client;
const peers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  ({ api, client } = await startTestApi(relayPortRange(20)));
});

afterAll(async () => {
  for (const p of peers) await p.close().catch(() => undefined);
  await api?.close();
});

/** A werift peer with one sendrecv audio transceiver, host candidates on 127.0.0.1 only. */
async function weriftOffer(): Promise<{ pc: InstanceType<ReturnType<typeof werift>['RTCPeerConnection']>; offer: string }> {
  const { RTCPeerConnection } = werift();
  const pc = new RTCPeerConnection({ iceInterfaceAddresses: { udp4: '127.0.0.1' }, iceUseIpv6: false, iceAdditionalHostAddresses: [] });
  peers.push(pc);
  pc.addTransceiver('audio', { direction: 'sendrecv' });
  await pc.setLocalDescription(await pc.createOffer());
  await until(() => pc.iceGatheringState === 'complete', 10_000);
  return { pc, offer: pc.localDescription?.sdp ?? '' };
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const codes = (s: { reasons: { code: string }[] }): string[] => s.reasons.map((r) => r.code);

test('dtls_pending until the handshake, then encrypted with a securitychange', async () => {
  const { pc, offer } = await weriftOffer();
  await client.ok('POST', '/v1/calls', { id: 'ws1' });
  const events: { type: string; e: Record<string, unknown> }[] = [];
  api.service.on('securitychange', (e) => events.push({ type: 'securitychange', e: e as unknown as Record<string, unknown> }));
  api.service.on('dtls', (e) => events.push({ type: 'dtls', e: e as unknown as Record<string, unknown> }));
  const web = await client.ok('POST', '/v1/calls/ws1/legs', { id: 'web', device: securePhone('web'), keying: 'dtls', webrtc: { offer, codecs: ['opus', 'PCMU'] } });
  await client.ok('POST', '/v1/calls/ws1/legs', { id: 'phone', device: securePhone('phone'), keying: 'managed', streams: [{ kind: 'audio', remote: { address: '127.0.0.1', port: 9 } }] });
  const pending = await client.ok('GET', '/v1/calls/ws1/security');
  expect(pending).toMatchObject({ status: 'nonsecure', reasons: [{ code: 'dtls_pending', legId: 'web', stream: 'audio' }] });
  expect(pending.media[0].segments.find((s: { id: string }) => s.id === 'web')).toMatchObject({ transport: 'srtp', reason: 'dtls_pending' });

  events.length = 0;
  await pc.setRemoteDescription({ type: 'answer', sdp: web.webrtc.answer });
  await until(() => events.some((x) => x.type === 'dtls'), 15_000);
  expect(events.find((x) => x.type === 'dtls')?.e).toMatchObject({ callId: 'ws1', legId: 'web', state: 'connected', role: 'server' });
  await until(() => events.some((x) => x.type === 'securitychange' && x.e.callId === 'ws1'), 5_000);
  expect(events.filter((x) => x.type === 'securitychange').map((x) => x.e)).toMatchObject([{ callId: 'ws1', previousStatus: 'nonsecure', status: 'encrypted', reasons: [] }]);
  const secure = await client.ok('GET', '/v1/calls/ws1/security');
  expect(secure).toMatchObject({ status: 'encrypted', reasons: [] });
  expect(secure.media[0].srtpEndToEnd).toBe(true);
  await client.ok('DELETE', '/v1/calls/ws1');
});

test('a certificate that does not match the signalled fingerprint: dtls_failed, never encrypted', async () => {
  const { pc, offer } = await weriftOffer();
  // Another certificate's digest in the offer: the handshake runs, the check after it fails.
  const forged = offer.replace(/a=fingerprint:sha-256 [0-9A-Fa-f:]+/, `a=fingerprint:sha-256 ${'0A:'.repeat(31)}0A`);
  expect(forged).not.toBe(offer);
  await client.ok('POST', '/v1/calls', { id: 'ws2' });
  const states: string[] = [];
  api.service.on('securitychange', (e) => { if (e.callId === 'ws2') states.push(e.status); });
  const failed: Record<string, unknown>[] = [];
  api.service.on('dtls', (e) => { if (e.callId === 'ws2') failed.push(e as unknown as Record<string, unknown>); });
  const web = await client.ok('POST', '/v1/calls/ws2/legs', { id: 'web', device: securePhone('web'), keying: 'dtls', webrtc: { offer: forged, codecs: ['opus'] } });
  await client.ok('POST', '/v1/calls/ws2/legs', { id: 'phone', device: securePhone('phone'), keying: 'managed', streams: [{ kind: 'audio', remote: { address: '127.0.0.1', port: 9 } }] });
  await pc.setRemoteDescription({ type: 'answer', sdp: web.webrtc.answer });
  await until(() => failed.length > 0, 15_000);
  expect(failed[0]).toMatchObject({ state: 'failed' });
  await until(() => codes(api.service.session('ws2').report as never).includes('dtls_failed'), 5_000);
  const status = await client.ok('GET', '/v1/calls/ws2/security');
  expect(status.status).toBe('nonsecure');
  expect(status.reasons).toContainEqual({ code: 'dtls_failed', legId: 'web', stream: 'audio' });
  expect(states).not.toContain('encrypted');
  await client.ok('DELETE', '/v1/calls/ws2');
});
