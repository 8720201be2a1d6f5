/**
 * A passthrough answer opens both SDES relay legs at once (one message to the media worker).
 * When the answered leg cannot open (its reserved port taken by another process), the offerer's
 * leg that opened with it is removed again: the answer is an error and nothing stays open, as
 * when the legs opened one after the other. Thread worker, so the opens are really concurrent.
 */
jest.setTimeout(30_000);

import dgram from 'node:dgram';
import { parse } from 'sdp-transform';
import { phoneOffer } from '../api/helpers';
import { useNgRelay } from './ng-relay';

const BASE = { 'replace': ['origin', 'session-connection'], 'ICE': 'remove', 'transport-protocol': 'RTP/SAVP' };

function sdp(port: number, line: string): string {
  return ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} RTP/SAVP 0`, 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', line, ''].join('\r\n');
}

describe('ng passthrough answer: both relay legs open together', () => {
  const ng = useNgRelay({ workers: 1, ports: 8 });
  let squatter: dgram.Socket | null = null;
  afterEach(() => {
    squatter?.close();
    squatter = null;
  });

  it('the answered leg failing to bind removes the offerer leg that opened with it', async () => {
    const offer = await ng.client.request('offer', { ...BASE, 'call-id': 'sq', 'from-tag': 'a', 'sdp': sdp(5000, phoneOffer('AES_CM_128_HMAC_SHA1_80').line) });
    const m = parse(offer.sdp as string).media[0];
    const chosen = (m.crypto ?? [])[0];
    // Another process takes the port our offer named to the callee.
    const s = dgram.createSocket('udp4');
    squatter = s;
    await new Promise<void>((r) => s.bind({ port: m.port, address: '127.0.0.1', exclusive: true }, r));
    const bobLine = phoneOffer('AES_CM_128_HMAC_SHA1_80').line.replace(/^a=crypto:\d+/, `a=crypto:${chosen.id}`);
    const answer = await ng.client.request('answer', { ...BASE, 'call-id': 'sq', 'from-tag': 'a', 'to-tag': 'b', 'sdp': sdp(5002, bobLine) }, { acceptErrors: true });
    expect(answer.result).toBe('error');
    const session = ng.controller.session('sq');
    const streams = session.legs().map((l) => l.stream('audio'));
    expect(streams.map((st) => st?.srtpRelayLeg ?? null)).toEqual([null, null]);
    expect(streams.map((st) => st?.sdesInbound ?? null)).toEqual([null, null]);
    expect(ng.controller.relay.getCall('sq')?.stats().legs).toEqual([]);
    // Every port is back: the callee's reservation and the caller leg's ports.
    expect(ng.controller.relay.pool.available).toBe(ng.range[1] - ng.range[0] + 1);
  });
});
