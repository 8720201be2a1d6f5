/**
 * Test 3 of docs/webrtc.md: WebRTC ↔ WebRTC through the relay. node-datachannel (libdatachannel:
 * an independent ICE, DTLS and SRTP stack) ↔ relay ↔ headless Chromium. Each WebRTC leg has its
 * own DTLS association and exported keys; the relay unprotects with one leg's and re-protects
 * with the other's (recrypt both ways). Both directions carry a PCMU tone that must arrive loud.
 */
import nodeDataChannel from 'node-datachannel';
import { addWebrtcLeg, connectChromium, nextDtlsEvent } from './webrtc/bridge';
import { useChromiumRelay } from './webrtc/relay-fixture';
import { DataChannelPeer } from './webrtc/datachannel-peer';

jest.setTimeout(120_000);

const fixture = useChromiumRelay(() => nodeDataChannel.cleanup());

test('node-datachannel ↔ relay ↔ Chromium: recrypt between two DTLS-SRTP legs, tone both ways', async () => {
  const call = await fixture.relay.createCall('ndc-chromium');
  const ndc = new DataChannelPeer('relay-test');
  const peer = await fixture.chromium.newPeer();
  try {
    const offer = await ndc.offer();
    expect(offer).toContain('UDP/TLS/RTP/SAVPF');
    const { answer } = await addWebrtcLeg(fixture.relay, call, 'ndc', offer, { role: 'server', profiles: ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'] });
    const ndcDtls = nextDtlsEvent(fixture.relay, call.id, 'ndc');
    ndc.answer(answer);
    const ndcEvent = await ndcDtls;
    expect(ndcEvent).toMatchObject({ state: 'connected', role: 'server', reason: null });

    const connecting = connectChromium(fixture.relay, call, 'chrome', peer, { role: 'client', profiles: ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'] });
    const until = Date.now() + 15_000;
    while (call.leg('chrome') === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(await call.connect('ndc', 'chrome')).toEqual({ 'ndc->chrome': 'recrypt', 'chrome->ndc': 'recrypt' });
    const { event: chromeEvent, wallMs } = await connecting;
    expect(chromeEvent).toMatchObject({ state: 'connected', role: 'client', reason: null });
    ndc.startTone();

    const s = await peer.waitFor((x) => x.packetsReceived > 50 && x.audioLevel > 0, 15_000);
    expect(s.packetsReceived).toBeGreaterThan(50);
    expect(s.audioLevel).toBeGreaterThan(0);
    const ndcUntil = Date.now() + 10_000;
    while (ndc.loudFrames < 25 && Date.now() < ndcUntil) await new Promise((r) => setTimeout(r, 100));
    expect(ndc.loudFrames).toBeGreaterThanOrEqual(25);

    const legs = Object.fromEntries(call.stats().legs.map((l) => [l.id, l]));
    for (const id of ['ndc', 'chrome']) {
      expect(legs[id].counters.authFailures).toBe(0);
      expect(legs[id].counters.forwarded).toBeGreaterThan(25);
      expect(legs[id].remote?.address).toBe('127.0.0.1');
    }
    console.log(`webrtc↔webrtc: node-datachannel leg ${ndcEvent.profile} (relay server, ICE+DTLS ${ndcEvent.connectMs} ms), Chromium leg ${chromeEvent.profile} (relay client, ICE+DTLS ${chromeEvent.connectMs} ms, ${wallMs} ms from answer); Chromium received ${s.packetsReceived} (audioLevel ${s.audioLevel.toFixed(3)}), node-datachannel received ${ndc.received} (loud ${ndc.loudFrames}, peak RMS ${Math.round(ndc.peakRms)})`);
  } finally {
    ndc.close();
    await peer.close();
    await call.close();
  }
});
