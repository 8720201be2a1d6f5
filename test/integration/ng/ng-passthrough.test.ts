/**
 * Verified passthrough over ng (rtpengine's default for SDES on both sides): the callee is
 * offered the caller's own keys, the caller gets the callee's line unchanged, and the relay
 * forwards SRTP bytes unchanged both ways while still checking every tag and replay window.
 * `recrypt` makes the relay offer fresh keys of its own (media still flows, recrypted).
 */
import { parse } from 'sdp-transform';
import type { CallController } from '../../../src/control';
import type { NgClient } from '../../../src/ng';
import { SrtpContext, SrtpStatus } from '../../../src/srtp';
import { phoneOffer, rtp, sleep, type Phone } from '../api/helpers';
import { useNgRelay } from './ng-relay';

const ng = useNgRelay();
const RANGE = ng.range;
const phone = ng.phone;
let controller: CallController;
let client: NgClient;
beforeEach(() => {
  ({ controller, client } = ng);
});

function sdp(port: number, crypto: readonly string[]): string {
  return `${['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} RTP/SAVP 0`, 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', ...crypto].join('\r\n')}\r\n`;
}

function audio(text: string): { port: number; protocol: string; lines: string[] } {
  const m = parse(text).media[0];
  return { port: m.port, protocol: m.protocol, lines: (m.crypto ?? []).map((c) => `a=crypto:${c.id} ${c.suite} ${c.config}${c.sessionConfig !== undefined ? ` ${c.sessionConfig}` : ''}`) };
}

const BASE = { 'replace': ['origin', 'session-connection'], 'ICE': 'remove', 'received-from': ['IP4', '127.0.0.1'], 'transport-protocol': 'RTP/SAVP' };

/** Caller offers two lines (tags 1 and 2), callee picks tag 2; returns the phones wired up. */
async function setUp(callId: string, flags: string[]): Promise<{ alice: Phone; bob: Phone; aliceLines: string[]; toBob: ReturnType<typeof audio>; toAlice: ReturnType<typeof audio>; bobLine: string }> {
  const alice = await phone();
  const bob = await phone();
  const a80 = phoneOffer('AES_CM_128_HMAC_SHA1_80');
  const a32 = phoneOffer('AES_CM_128_HMAC_SHA1_32');
  const aliceLines = [a32.line.replace('crypto:1', 'crypto:1'), a80.line.replace('crypto:1', 'crypto:2')];
  const offer = await client.request('offer', { ...BASE, 'call-id': callId, 'from-tag': 'fa', 'sdp': sdp(alice.port, aliceLines), flags });
  expect(offer.result).toBe('ok');
  const toBob = audio(offer.sdp as string);
  expect(toBob.protocol).toBe('RTP/SAVP');
  const chosen = toBob.lines.find((l) => l.includes('AES_CM_128_HMAC_SHA1_80')) as string;
  const tag = /crypto:(\d+)/.exec(chosen)?.[1] as string;
  const b = phoneOffer('AES_CM_128_HMAC_SHA1_80');
  const bobLine = b.line.replace('crypto:1', `crypto:${tag}`);
  const answer = await client.request('answer', { ...BASE, 'call-id': callId, 'from-tag': 'fa', 'to-tag': 'tb', 'sdp': sdp(bob.port, [bobLine]) });
  expect(answer.result).toBe('ok');
  const toAlice = audio(answer.sdp as string);
  expect(toAlice.protocol).toBe('RTP/SAVP');
  expect(toAlice.lines).toHaveLength(1);
  alice.useSdes(a80.set, toAlice.lines[0]);
  alice.relayPort = toAlice.port;
  bob.useSdes(b.set, chosen);
  bob.relayPort = toBob.port;
  return { alice, bob, aliceLines, toBob, toAlice, bobLine };
}

function counters(legId: string): Record<string, number> {
  const stream = controller.getCall('pt1').legs.find((l) => l.id === legId)?.streams[0];
  return (stream?.counters ?? {}) as unknown as Record<string, number>;
}

describe('ng verified passthrough', () => {
  it('passes the caller\'s own keys to the callee and the callee\'s line back; bytes unchanged both ways; forged and replayed packets dropped', async () => {
    const { alice, bob, aliceLines, toBob, toAlice, bobLine } = await setUp('pt1', ['SDES-pad']);
    // The offer toward the callee is the caller's own lines (same tags, suites, key bytes).
    expect(toBob.lines).toEqual(aliceLines);
    // The answer toward the caller is the callee's line.
    expect(toAlice.lines).toEqual([bobLine]);

    await alice.talk('a2b', 10);
    const heardByBob = await bob.hear('a2b', 10);
    expect(heardByBob.every((r) => r.status === 0)).toBe(true);
    await bob.talk('b2a', 10);
    expect((await alice.hear('b2a', 10)).every((r) => r.status === 0)).toBe(true);
    // Passthrough: the datagrams arrive byte for byte as sent.
    const bobInbox = bob.inbox.map((p) => p.data.toString('hex'));
    for (const sent of alice.sent) expect(bobInbox).toContain(sent.toString('hex'));
    const aliceInbox = alice.inbox.map((p) => p.data.toString('hex'));
    for (const sent of bob.sent) expect(aliceInbox).toContain(sent.toString('hex'));

    const view = controller.getCall('pt1');
    expect(view.legs.map((l) => l.streams[0].mode)).toEqual(['passthrough', 'passthrough']);

    // A forged packet (a new index, one ciphertext byte flipped after protection) and a replay
    // of a genuine one are dropped and counted.
    const before = { ...counters('caller') };
    const bobHeard = bob.inbox.length;
    const ctx = alice.send as SrtpContext;
    expect(ctx.protectRtp(rtp(alice.ssrc, alice.seq++, Buffer.alloc(40, 7)))).toBe(SrtpStatus.Ok);
    const forged = Buffer.from(ctx.output.subarray(0, ctx.outputLength));
    forged[20] ^= 0xff;
    await alice.sendTo(forged, alice.relayPort);
    await alice.sendTo(alice.sent[4], alice.relayPort);
    await sleep(200);
    expect(bob.inbox.length).toBe(bobHeard);
    const after = counters('caller');
    expect(after.authFailures - before.authFailures).toBe(1);
    expect(after.replays - before.replays).toBe(1);

    // Music on hold would make the relay protect into the callee's leg with the caller's key:
    // the key-reuse guard refuses it (RFC 3711 §9.1) and the call stays as it was.
    const moh = await phone();
    await expect(controller.hold('pt1', { leg: 'caller', moh: { id: 'moh', remote: moh.endpoint } })).rejects.toMatchObject({ code: 'RELAY_ERR_KEY_REUSE' });
    expect(controller.getCall('pt1').legs.map((l) => l.streams[0].mode)).toEqual(['passthrough', 'passthrough']);

    // Genuine traffic still flows afterwards.
    await alice.talk('after', 3);
    expect((await bob.hear('after', 3)).every((r) => r.status === 0)).toBe(true);

    const del = await client.request('delete', { 'call-id': 'pt1', 'from-tag': 'fa' });
    expect(del.result).toBe('ok');
    expect(controller.relay.pool.available).toBe(RANGE[1] - RANGE[0] + 1);
  });

  it('recrypt: fresh relay keys toward both phones, media recrypted', async () => {
    const { alice, bob, aliceLines, toBob, toAlice, bobLine } = await setUp('pt2', ['SDES-pad', 'recrypt']);
    const keyOf = (line: string): string => line.split(' ')[2];
    for (const l of toBob.lines) expect(aliceLines.map(keyOf)).not.toContain(keyOf(l));
    expect(keyOf(toAlice.lines[0])).not.toBe(keyOf(bobLine));
    await alice.talk('a2b', 5);
    expect((await bob.hear('a2b', 5)).every((r) => r.status === 0)).toBe(true);
    await bob.talk('b2a', 5);
    expect((await alice.hear('b2a', 5)).every((r) => r.status === 0)).toBe(true);
    expect(controller.getCall('pt2').legs.map((l) => l.streams[0].mode)).toEqual(['recrypt', 'recrypt']);
    const bobInbox = bob.inbox.map((p) => p.data.toString('hex'));
    for (const sent of alice.sent) expect(bobInbox).not.toContain(sent.toString('hex'));
  });

  it('an SDES-no- flag that removes an offered suite makes the relay offer its own keys', async () => {
    const alice = await phone();
    const a80 = phoneOffer('AES_CM_128_HMAC_SHA1_80');
    const a32 = phoneOffer('AES_CM_128_HMAC_SHA1_32');
    const lines = [a80.line, a32.line.replace('crypto:1', 'crypto:2')];
    const offer = await client.request('offer', { ...BASE, 'call-id': 'pt3', 'from-tag': 'fa', 'sdp': sdp(alice.port, lines), 'flags': ['SDES-no-AES_CM_128_HMAC_SHA1_32'] });
    const toBob = audio(offer.sdp as string);
    expect(toBob.lines.some((l) => l.includes('AES_CM_128_HMAC_SHA1_32'))).toBe(false);
    expect(toBob.lines.map((l) => l.split(' ')[2])).not.toContain(a80.line.split(' ')[2]);
  });
});
