/**
 * WebRTC legs on the relay without a peer: what `addLeg({ webrtc })` accepts and refuses, that a
 * refused leg leaves no ports behind, the pair modes with SDES and RTP legs, and that signalling
 * cannot move or rekey a leg whose remote comes from ICE and whose keys come from DTLS.
 */
import { createIceCredentials } from '../../../src/dtls/ice-lite';
import type { WebrtcLegParams } from '../../../src/dtls/webrtc-leg-params';
import { MediaRelay, RelayErrorCode } from '../../../src/relay';
import { randomBytes } from 'node:crypto';
import { relayPortRange } from '../../helpers/port-ranges';

jest.setTimeout(30_000);

let relay: MediaRelay;
let params: WebrtcLegParams;

beforeAll(async () => {
  relay = await MediaRelay.create({ portRange: relayPortRange(20), bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent' });
  params = {
    role: 'server', ice: createIceCredentials(), remoteUfrag: 'peer',
    remoteFingerprints: [{ algorithm: 'sha-256', value: 'AA:'.repeat(31) + 'AA' }],
    profiles: ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'], certificate: await relay.dtlsCertificate(),
  };
});

afterAll(async () => {
  await relay?.close();
});

const sdes = () => ({ profile: 'AES_CM_128_HMAC_SHA1_80', keys: { key: randomBytes(16), salt: randomBytes(14) } });

test('the relay certificate is made once and has a sha-256 fingerprint', async () => {
  const a = await relay.dtlsCertificate();
  expect(a).toBe(await relay.dtlsCertificate());
  expect(a.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
});

test('refused WebRTC legs: no rtcp-mux, SRTP keys, another latching, no fingerprint, a profile DTLS cannot do; no ports kept', async () => {
  const call = await relay.createCall('refusals');
  const free = relay.pool.available;
  await expect(call.addLeg({ id: 'w', webrtc: params })).rejects.toMatchObject({ code: RelayErrorCode.BadOption });
  await expect(call.addLeg({ id: 'w', rtcpMux: true, webrtc: params, srtp: { inbound: sdes(), outbound: sdes() } })).rejects.toMatchObject({ code: RelayErrorCode.BadOption });
  await expect(call.addLeg({ id: 'w', rtcpMux: true, webrtc: params, latching: 'off' })).rejects.toMatchObject({ code: RelayErrorCode.BadOption });
  await expect(call.addLeg({ id: 'w', rtcpMux: true, webrtc: { ...params, remoteFingerprints: [] } })).rejects.toMatchObject({ code: RelayErrorCode.BadOption });
  await expect(call.addLeg({ id: 'w', rtcpMux: true, webrtc: { ...params, profiles: ['AES_256_CM_HMAC_SHA1_80'] } })).rejects.toMatchObject({ code: RelayErrorCode.BadOption });
  await expect(call.addLeg({ id: 'w', rtcpMux: true, webrtc: { ...params, profiles: [] } })).rejects.toMatchObject({ code: RelayErrorCode.BadOption });
  expect(relay.pool.available).toBe(free);
  expect(call.stats().legs).toHaveLength(0);
  await call.close();
});

test('pair modes with SDES and RTP legs; signalling cannot move or rekey a WebRTC leg', async () => {
  const call = await relay.createCall('modes');
  await call.addLeg({ id: 'w', rtcpMux: true, webrtc: params });
  await call.addLeg({ id: 's', rtcpMux: true, remote: { address: '127.0.0.1', port: 9 }, srtp: { inbound: sdes(), outbound: sdes() } });
  await call.addLeg({ id: 'r', rtcpMux: true, remote: { address: '127.0.0.1', port: 11 } });
  await call.addLeg({ id: 'w2', rtcpMux: true, webrtc: { ...params, ice: createIceCredentials() } });
  expect(await call.connect('w', 's')).toEqual({ 'w->s': 'recrypt', 's->w': 'recrypt' });
  expect(await call.connect('w', 'r')).toEqual({ 'w->r': 'decrypt', 'r->w': 'encrypt' });
  expect(await call.connect('w', 'w2')).toEqual({ 'w->w2': 'recrypt', 'w2->w': 'recrypt' });
  await expect(call.setRemote('w', { address: '127.0.0.1', port: 5000 })).rejects.toMatchObject({ code: RelayErrorCode.BadOption });
  await expect(call.rekeyLeg('w', { inbound: sdes(), outbound: sdes() })).rejects.toMatchObject({ code: RelayErrorCode.BadOption });
  const w = call.stats().legs.find((l) => l.id === 'w')!;
  expect(w.remote).toBeNull();
  expect(w.latching).toBe('strict');
  await call.close();
});
