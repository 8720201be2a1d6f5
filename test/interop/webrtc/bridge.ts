/**
 * Setting up one call for the Chromium tests: a WebRTC relay leg from Chromium's offer (ICE-lite
 * + DTLS-SRTP, our answer back to the page) paired with a SIP-side leg (SDES-SRTP or plain RTP)
 * whose endpoint is `SipEndpoint`. The SDES keys are the ones an SDES exchange would carry
 * (random here); the SIP endpoint uses them with werift-rtp's SRTP.
 */
import { randomBytes } from 'node:crypto';
import type { DtlsWorkerEvent } from '../../../src/dtls/webrtc-events';
import { createIceCredentials } from '../../../src/dtls/ice-lite';
import { answerDirection, readWebrtcMedia, relayDtlsRole, writeWebrtcSdp } from '../../../src/dtls/webrtc-sdp';
import type { DtlsRole } from '../../../src/dtls/werift-dtls';
import type { MediaRelay, RelayCall } from '../../../src/relay';
import type { ChromiumPeer } from './chromium';
import { SipEndpoint, type SdesKeys } from './sdes-endpoint';

export interface WebLegSetup {
  readonly role: DtlsRole;
  readonly profiles: readonly string[];
}

/** Build our answer to `offerSdp` after adding the WebRTC leg `legId` to `call`. */
export async function addWebrtcLeg(relay: MediaRelay, call: RelayCall, legId: string, offerSdp: string, setup: WebLegSetup): Promise<{ answer: string; role: DtlsRole }> {
  const cert = await relay.dtlsCertificate();
  const media = readWebrtcMedia(offerSdp);
  const role = relayDtlsRole(media.setup, setup.role);
  const ice = createIceCredentials();
  const local = await call.addLeg({
    id: legId,
    rtcpMux: true,
    webrtc: { role, ice, remoteUfrag: media.ufrag, remoteFingerprints: media.fingerprints, profiles: setup.profiles, certificate: cert },
  });
  const answer = writeWebrtcSdp({
    address: local.address, port: local.rtpPort, ice, fingerprint: cert.fingerprint,
    setup: role === 'server' ? 'passive' : 'active', mid: media.mid ?? '0',
    codecs: media.codecs.filter((c) => c.name.toUpperCase() === 'PCMU'), direction: answerDirection(media.direction),
    sessionId: String(Date.now()),
  });
  return { answer, role };
}

export function randomSdesKeys(profile: string): SdesKeys {
  const gcm = profile.startsWith('AEAD');
  const k = (): { key: Buffer; salt: Buffer } => ({ key: randomBytes(16), salt: randomBytes(gcm ? 12 : 14) });
  return { send: k(), receive: k() };
}

/** A SIP-side leg: SDES-SRTP with `profile`, or plain RTP when `profile` is null. */
export async function addSipLeg(call: RelayCall, legId: string, profile: string | null): Promise<{ endpoint: SipEndpoint; relayPort: number; keys: SdesKeys | null }> {
  const keys = profile === null ? null : randomSdesKeys(profile);
  const endpoint = await SipEndpoint.open(profile, keys);
  const local = await call.addLeg({
    id: legId,
    rtcpMux: true,
    remote: { address: '127.0.0.1', port: endpoint.port },
    srtp: keys === null || profile === null ? null : { inbound: { profile, keys: keys.send }, outbound: { profile, keys: keys.receive } },
  });
  return { endpoint, relayPort: local.rtpPort, keys };
}

/** Resolve with the next `dtls` event of a leg (or reject after `ms`). */
export function nextDtlsEvent(relay: MediaRelay, callId: string, legId: string, ms = 15_000): Promise<DtlsWorkerEvent> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      relay.off('dtls', on);
      reject(new Error(`no dtls event for ${callId}/${legId} within ${ms} ms`));
    }, ms);
    const on = (e: DtlsWorkerEvent): void => {
      if (e.callId !== callId || e.legId !== legId) return;
      clearTimeout(t);
      relay.off('dtls', on);
      resolve(e);
    };
    relay.on('dtls', on);
  });
}

/** Offer from Chromium, relay leg + answer, wait for DTLS; returns the event and the wall time from answer to keys. */
export async function connectChromium(relay: MediaRelay, call: RelayCall, legId: string, peer: ChromiumPeer, setup: WebLegSetup): Promise<{ event: DtlsWorkerEvent; wallMs: number }> {
  const offer = await peer.offer('PCMU');
  const { answer } = await addWebrtcLeg(relay, call, legId, offer, setup);
  const dtls = nextDtlsEvent(relay, call.id, legId);
  const t0 = performance.now();
  await peer.answer(answer);
  const event = await dtls;
  return { event, wallMs: Math.round(performance.now() - t0) };
}
