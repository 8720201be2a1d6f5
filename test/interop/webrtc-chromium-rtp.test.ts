/**
 * Test 2 of docs/webrtc.md, on the relay: Chromium ↔ relay WebRTC leg ↔ a plain RTP endpoint
 * (the fallback: the relay decrypts Chromium's SRTP and protects the RTP side's packets with the
 * WebRTC leg's own exported key), then back to SRTP: the same WebRTC leg, its DTLS association and
 * SRTP state untouched, is paired with an SDES-SRTP endpoint instead (recrypt). Chromium's
 * inbound stream keeps growing across the switch and both SIP-side endpoints get its tone.
 */
import { addSipLeg, connectChromium } from './webrtc/bridge';
import { useChromiumRelay } from './webrtc/relay-fixture';

jest.setTimeout(120_000);

const fixture = useChromiumRelay();

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
}

test('Chromium ↔ plain RTP (decrypt/encrypt), then the same WebRTC leg back to SDES-SRTP (recrypt)', async () => {
  const call = await fixture.relay.createCall('chromium-rtp');
  const peer = await fixture.chromium.newPeer();
  const rtp = await addSipLeg(call, 'rtp', null);
  const sdes = await addSipLeg(call, 'sdes', 'AES_CM_128_HMAC_SHA1_80');
  try {
    rtp.endpoint.startTone(rtp.relayPort);
    const connecting = connectChromium(fixture.relay, call, 'web', peer, { role: 'server', profiles: ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'] });
    const end = Date.now() + 15_000;
    while (call.leg('web') === undefined && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    // Fallback segment: SRTP ↔ RTP.
    expect(await call.connect('web', 'rtp')).toEqual({ 'web->rtp': 'decrypt', 'rtp->web': 'encrypt' });
    const { event } = await connecting;
    expect(event.state).toBe('connected');

    const a = await peer.waitFor((s) => s.packetsReceived > 25 && s.audioLevel > 0, 15_000);
    expect(a.packetsReceived).toBeGreaterThan(25);
    expect(a.audioLevel).toBeGreaterThan(0);
    await until(() => rtp.endpoint.loudFrames >= 25, 10_000);
    // The RTP side hears Chromium in the clear: the relay decrypted it.
    expect(rtp.endpoint.loudFrames).toBeGreaterThanOrEqual(25);
    rtp.endpoint.stopTone();

    // Back to SRTP: the WebRTC leg is re-paired with the SDES endpoint; DTLS is not redone.
    const dtlsPacketsBefore = call.stats().legs.find((l) => l.id === 'web')?.counters.dtlsPackets ?? 0;
    expect(await call.connect('web', 'sdes')).toEqual({ 'web->sdes': 'recrypt', 'sdes->web': 'recrypt' });
    sdes.endpoint.startTone(sdes.relayPort);
    const b = await peer.waitFor((s) => s.packetsReceived > a.packetsReceived + 50, 15_000);
    expect(b.packetsReceived).toBeGreaterThan(a.packetsReceived + 50);
    expect(b.audioLevel).toBeGreaterThan(0);
    await until(() => sdes.endpoint.loudFrames >= 25, 10_000);
    expect(sdes.endpoint.loudFrames).toBeGreaterThanOrEqual(25);
    expect(sdes.endpoint.failed).toBe(0);

    const legs = Object.fromEntries(call.stats().legs.map((l) => [l.id, l]));
    expect(legs.web.counters.dtlsPackets).toBe(dtlsPacketsBefore);
    expect(legs.web.counters.authFailures).toBe(0);
    expect(legs.rtp.mode).toBeNull();
    expect(legs.web.mode).toBe('recrypt');
    console.log(`webrtc ↔ rtp ↔ srtp: profile ${event.profile}; Chromium received ${a.packetsReceived} in the RTP segment, ${b.packetsReceived} after the switch back to SDES; RTP side loud frames ${rtp.endpoint.loudFrames}, SDES side ${sdes.endpoint.loudFrames}`);
  } finally {
    rtp.endpoint.close();
    sdes.endpoint.close();
    await peer.close();
    await call.close();
  }
});
