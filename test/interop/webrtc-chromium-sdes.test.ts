/**
 * Test 1 of docs/webrtc.md: a real headless Chromium ↔ relay WebRTC leg (ICE-lite, DTLS-SRTP
 * terminated in the media worker) ↔ an SDES-SRTP endpoint whose SRTP is werift-rtp's (independent
 * of our engine), PCMU. Both DTLS roles of the relay, AES-CM-80 and AEAD-GCM profiles.
 *
 * Chromium must play the SIP side's tone (inbound-rtp packetsReceived grows, audioLevel > 0),
 * and the SIP side must decrypt Chromium's tone with the SDES key the relay uses toward it.
 * Loopback only: the page offers only 127.0.0.1 candidates and the relay's address policy
 * allows only 127.0.0.0/8, so ICE pairs on any other interface get no answer.
 */
import { resolveProfile } from '../../src/srtp/protection-profile';
import { addSipLeg, connectChromium } from './webrtc/bridge';
import { useChromiumRelay } from './webrtc/relay-fixture';

jest.setTimeout(120_000);

const fixture = useChromiumRelay();

interface Case {
  readonly name: string;
  readonly role: 'server' | 'client';
  readonly profiles: readonly string[];
  /** Profile the handshake must end with (null: whichever Chromium picks among the offered). */
  readonly expect: string | null;
  readonly sip: string;
}

const CASES: readonly Case[] = [
  { name: 'relay passive (DTLS server), our preference: AEAD_AES_128_GCM', role: 'server', profiles: ['AEAD_AES_128_GCM', 'AEAD_AES_256_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'], expect: 'AEAD_AES_128_GCM', sip: 'AES_CM_128_HMAC_SHA1_80' },
  { name: 'relay passive, AES_CM_128_HMAC_SHA1_80 only', role: 'server', profiles: ['AES_CM_128_HMAC_SHA1_80'], expect: 'AES_CM_128_HMAC_SHA1_80', sip: 'AEAD_AES_128_GCM' },
  { name: 'relay active (DTLS client), all profiles: Chromium picks', role: 'client', profiles: ['AEAD_AES_128_GCM', 'AEAD_AES_256_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'], expect: null, sip: 'AES_CM_128_HMAC_SHA1_80' },
  { name: 'relay active, AEAD_AES_128_GCM only', role: 'client', profiles: ['AEAD_AES_128_GCM'], expect: 'AEAD_AES_128_GCM', sip: 'AEAD_AES_128_GCM' },
];

describe('Chromium ↔ relay (WebRTC) ↔ SDES-SRTP endpoint, PCMU', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const call = await fixture.relay.createCall(`chromium-sdes-${c.role}-${c.profiles.length}`);
    const peer = await fixture.chromium.newPeer();
    const sip = await addSipLeg(call, 'sip', c.sip);
    try {
      // The SIP phone talks from the start, as one does once its call is answered.
      sip.endpoint.startTone(sip.relayPort);
      const pending = connectChromium(fixture.relay, call, 'web', peer, { role: c.role, profiles: c.profiles });
      await new Promise((r) => setTimeout(r, 0));
      // Pair the legs before the handshake ends (the usual order in a call flow).
      await waitForLeg(call, 'web');
      expect(await call.connect('web', 'sip')).toEqual({ 'web->sip': 'recrypt', 'sip->web': 'recrypt' });
      const { event, wallMs } = await pending;
      expect(event).toMatchObject({ state: 'connected', role: c.role, reason: null });
      if (c.expect !== null) expect(event.profile).toBe(c.expect);
      else expect(c.profiles).toContain(event.profile);

      const first = await peer.waitFor((s) => s.packetsReceived > 25 && s.audioLevel > 0, 15_000);
      expect(first.dtlsState).toBe('connected');
      // Chromium names the profile as RFC 5764 §4.1.2 does (SRTP_AES128_CM_HMAC_SHA1_80...).
      expect(resolveProfile(first.srtpCipher ?? '').name).toBe(event.profile);
      expect(first.dtlsRole).toBe(c.role === 'server' ? 'client' : 'server');
      expect(first.localAddress?.startsWith('127.0.0.1:')).toBe(true);
      expect(first.packetsReceived).toBeGreaterThan(25);
      expect(first.audioLevel).toBeGreaterThan(0);
      const later = await peer.waitFor((s) => s.packetsReceived >= first.packetsReceived + 25, 10_000);
      expect(later.packetsReceived).toBeGreaterThanOrEqual(first.packetsReceived + 25);

      // Chromium's tone, re-protected by the relay with the SDES key, decrypted by werift-rtp.
      const until = Date.now() + 10_000;
      while (sip.endpoint.loudFrames < 25 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(sip.endpoint.loudFrames).toBeGreaterThanOrEqual(25);
      expect(sip.endpoint.failed).toBe(0);

      const legs = Object.fromEntries(call.stats().legs.map((l) => [l.id, l]));
      expect(legs.web.remote?.address).toBe('127.0.0.1');
      expect(legs.web.counters.iceChecks).toBeGreaterThan(0);
      expect(legs.web.counters.dtlsPackets).toBeGreaterThan(0);
      expect(legs.web.counters.forwarded).toBeGreaterThan(25);
      expect(legs.web.counters.authFailures).toBe(0);
      expect(legs.sip.counters.forwarded).toBeGreaterThan(25);
      expect(legs.sip.counters.authFailures).toBe(0);
      console.log(`webrtc ${c.name}: profile ${event.profile}, relay ${event.role}; ICE+DTLS ${event.connectMs} ms from first authenticated check, ${wallMs} ms from answer to keys; Chromium received ${later.packetsReceived}, audioLevel ${first.audioLevel.toFixed(3)}; SIP side decrypted ${sip.endpoint.decrypted} (loud ${sip.endpoint.loudFrames}, peak RMS ${Math.round(sip.endpoint.peakRms)})`);
    } finally {
      sip.endpoint.close();
      await peer.close();
      await call.close();
    }
  });
});

async function waitForLeg(call: { leg(id: string): unknown }, id: string): Promise<void> {
  const until = Date.now() + 15_000;
  while (call.leg(id) === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  if (call.leg(id) === undefined) throw new Error(`leg ${id} was not added`);
}
