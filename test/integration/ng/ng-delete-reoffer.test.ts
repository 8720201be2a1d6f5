/**
 * A delete is answered without waiting for the media worker (the call leaves the control plane
 * at once; its sockets close and its ports return when the worker confirms). So the proxy may
 * send a new offer for the same call-id right behind the delete: it must make a new call on the
 * worker, after the old one closed, with media flowing on the new call's ports. Thread worker
 * (not in-thread), so the worker round trip is real.
 */
jest.setTimeout(30_000);

import { parse } from 'sdp-transform';
import { phoneOffer } from '../api/helpers';
import { useNgRelay } from './ng-relay';

const BASE = { 'replace': ['origin', 'session-connection'], 'ICE': 'remove', 'transport-protocol': 'RTP/SAVP' };

function sdp(port: number, line: string): string {
  return ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} RTP/SAVP 0`, 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', line, ''].join('\r\n');
}

function firstAudio(text: string): { port: number; crypto: { id: number; suite: string; config: string }[] } {
  const m = parse(text).media[0];
  return { port: m.port, crypto: m.crypto ?? [] };
}

describe('ng delete then an immediate re-offer of the same call-id (thread worker)', () => {
  const ng = useNgRelay({ workers: 1, ports: 8 });

  /** Offer and answer over ng with SDES on both sides (passthrough), then media both ways. */
  async function bridged(callId: string, fromTag: string, toTag: string): Promise<void> {
    const alice = await ng.phone();
    const bob = await ng.phone();
    const aliceKey = phoneOffer('AES_CM_128_HMAC_SHA1_80');
    const offer = await ng.client.request('offer', { ...BASE, 'call-id': callId, 'from-tag': fromTag, 'sdp': sdp(alice.port, aliceKey.line) });
    const toBob = firstAudio(offer.sdp as string);
    const chosen = toBob.crypto[0];
    const bobKey = phoneOffer('AES_CM_128_HMAC_SHA1_80');
    const answer = await ng.client.request('answer', { ...BASE, 'call-id': callId, 'from-tag': fromTag, 'to-tag': toTag, 'sdp': sdp(bob.port, bobKey.line.replace(/^a=crypto:\d+/, `a=crypto:${chosen.id}`)) });
    const toAlice = firstAudio(answer.sdp as string);
    alice.useSdes(aliceKey.set, `a=crypto:${toAlice.crypto[0].id} ${toAlice.crypto[0].suite} ${toAlice.crypto[0].config}`);
    alice.relayPort = toAlice.port;
    bob.useSdes(bobKey.set, `a=crypto:${chosen.id} ${chosen.suite} ${chosen.config}`);
    bob.relayPort = toBob.port;
    await alice.talk(`${callId}-${fromTag}`, 3);
    expect((await bob.hear(`${callId}-${fromTag}`, 3)).every((r) => r.status === 0)).toBe(true);
    await bob.talk(`${callId}-${toTag}`, 3);
    expect((await alice.hear(`${callId}-${toTag}`, 3)).every((r) => r.status === 0)).toBe(true);
  }

  it('the delete is answered at once, the re-offer makes a new call whose media flows', async () => {
    await bridged('same@host', 'a1', 'b1');
    let closed = 0;
    ng.controller.on('callclosed', () => closed++);
    // Both in flight together: the re-offer is handled right behind the delete.
    const [del, again] = await Promise.all([
      ng.client.request('delete', { 'call-id': 'same@host', 'from-tag': 'a1' }),
      ng.client.request('offer', { ...BASE, 'call-id': 'same@host', 'from-tag': 'a2', 'sdp': sdp(5000, phoneOffer('AES_CM_128_HMAC_SHA1_80').line) }),
    ]);
    expect(del.result).toBe('ok');
    expect(again.result).toBe('ok');
    expect(closed).toBe(1);
    // The re-offer's call is live; close it and bridge the id once more, media both ways.
    expect(ng.controller.findSession('same@host')).toBeDefined();
    expect((await ng.client.request('delete', { 'call-id': 'same@host', 'from-tag': 'a2' })).result).toBe('ok');
    await bridged('same@host', 'a3', 'b3');
    expect(ng.controller.relay.getCall('same@host')?.stats().legs).toHaveLength(2);
  });
});
