/**
 * ng's WebRTC options (src/ng/webrtc-options.ts): which side is a WebRTC leg, the relay's DTLS
 * role toward a WebRTC offerer, and the refusals of `DTLS=off` with WebRTC.
 */
import { parseRequest } from '../../../src/ng/request-parser';
import type { NgMediaRequest } from '../../../src/ng/requests';
import { hasWebrtcFlag, ngWebrtcPlan } from '../../../src/ng/webrtc-options';

function offer(extra: Record<string, unknown>): NgMediaRequest {
  return parseRequest({ command: 'offer', 'call-id': 'c', 'from-tag': 'f', sdp: 'v=0', ...extra } as never).request as NgMediaRequest;
}

test.each([
  ['a WebRTC offer toward RTP/SAVP', { 'transport-protocol': 'RTP/SAVP' }, 'UDP/TLS/RTP/SAVPF', { offererWebrtc: true, recipientWebrtc: false, setup: 'passive' }],
  ['DTLS=active toward a WebRTC offerer', { 'transport-protocol': 'RTP/AVP', DTLS: 'active' }, 'UDP/TLS/RTP/SAVPF', { offererWebrtc: true, recipientWebrtc: false, setup: 'active' }],
  ['the WebRTC flag (any case) on an SDES offer', { flags: ['WebRTC'] }, 'RTP/SAVP', { offererWebrtc: false, recipientWebrtc: true }],
  ['transport-protocol UDP/TLS/RTP/SAVPF', { 'transport-protocol': 'UDP/TLS/RTP/SAVPF' }, 'RTP/AVP', { offererWebrtc: false, recipientWebrtc: true }],
  ['ICE=force', { ICE: 'force' }, 'RTP/AVP', { offererWebrtc: false, recipientWebrtc: true }],
  ['a plain SIP call', { 'transport-protocol': 'RTP/AVP', ICE: 'remove' }, 'RTP/SAVP', { offererWebrtc: false, recipientWebrtc: false }],
] as const)('%s', (_n, extra, protocol, plan) => {
  expect(ngWebrtcPlan(offer(extra), protocol)).toMatchObject(plan);
});

test('DTLS=off with WebRTC on either side is refused', () => {
  expect(() => ngWebrtcPlan(offer({ DTLS: 'off' }), 'UDP/TLS/RTP/SAVPF')).toThrow(/DTLS=off/);
  expect(() => ngWebrtcPlan(offer({ DTLS: 'off', flags: ['WebRTC'] }), 'RTP/AVP')).toThrow(/DTLS=off/);
  expect(hasWebrtcFlag(offer({ flags: ['webrtc'] }))).toBe(true);
  expect(hasWebrtcFlag(offer({ flags: ['SDES-pad'] }))).toBe(false);
});
