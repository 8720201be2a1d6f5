/**
 * Snapshot → restore round trip, per operation kind: a call is built on node A, A's relay goes
 * away (its sockets close; nothing is wiped, as when a node dies), node B restores the call from
 * the snapshot on the same ports, its own snapshot equals A's, no key bytes are in it, and real
 * SRTP/RTP keeps flowing between the same loopback endpoints through B — and B can run the next
 * operation on the restored call.
 */
import { relayPortRange } from '../../helpers/port-ranges';
import pino from 'pino';
import { parse } from 'sdp-transform';
import { defineCluster } from '../../../src/call';
import { CallController, type CallSession, type KeySource, type LegRequest, type SessionSnapshot } from '../../../src/control';
import { KeyManager, type MasterKeySet } from '../../../src/keys';
import { MediaRelay } from '../../../src/relay';
import { InlineResource, MohSource, Phone, UdpPeer, contextFromLine, nonsecurePhone, phoneOffer, securePhone, sleep } from '../api/helpers';
import { SrtpStatus } from '../../../src/srtp';

const RANGE: [number, number] = relayPortRange(200);
const SECURE_BRIDGE = { id: 'cfbS', kind: 'conference_bridge', trusted: true, securityMode: 'encrypted', signalingTls: true, srtpCapable: true, secureConferenceCapable: true };

let keys: KeyManager;
const nodes: CallController[] = [];
const peers: { close(): void }[] = [];

async function node(): Promise<CallController> {
  const relay = await MediaRelay.create({ portRange: RANGE, bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent' });
  const c = new CallController({ keys, relay, cluster: defineCluster({ securityMode: 'mixed' }), logger: pino({ level: 'silent' }) });
  nodes.push(c);
  return c;
}

function track<T extends { close(): void }>(p: T): T {
  peers.push(p);
  return p;
}

async function phone(): Promise<Phone> {
  return track(await Phone.open());
}

beforeEach(async () => {
  keys = await KeyManager.create();
});

afterEach(async () => {
  for (const p of peers.splice(0)) p.close();
  // The restored node first (it owns the calls now), then the dead one; the shared key manager last.
  for (const c of nodes.splice(0).reverse()) await c.close();
  keys.close();
});

/** Every byte string a snapshot must not contain: each key and salt in hex and base64, and the inline key||salt. */
function secretsOf(sets: readonly MasterKeySet[]): string[] {
  const out: string[] = [];
  for (const set of sets) {
    const d = set.deliver();
    for (const k of d.keys) {
      for (const b of [Buffer.from(k.key), Buffer.from(k.salt), Buffer.concat([k.key, k.salt])]) {
        out.push(b.toString('hex'), b.toString('hex').toUpperCase(), b.toString('base64').replace(/=+$/, ''), b.toString('base64url').replace(/=+$/, ''));
      }
    }
  }
  return out;
}

/** Every key set the session's relay legs use. */
function setsOf(session: CallSession, snap: SessionSnapshot): MasterKeySet[] {
  return snap.relayLegs.flatMap((l) => (l.keySetIds === null ? [] : [l.keySetIds.inbound, l.keySetIds.outbound]))
    .map((id) => session.keys.keySet(id))
    .filter((s): s is MasterKeySet => s !== undefined);
}

/**
 * Node A dies after `snapshot()`; node B takes the call over. Returns B and the restored session,
 * after checking the round trip is exact and the snapshot holds no key bytes.
 */
async function failover(a: CallController, callId: string): Promise<{ b: CallController; session: CallSession; snap: SessionSnapshot }> {
  const before = a.session(callId);
  const snap = await a.snapshot(callId);
  expect(before.snapshot()).toEqual(snap);
  expect(snap.version).toBe(1);
  const json = JSON.stringify(snap);
  expect(JSON.parse(json)).toEqual(snap);
  const sets = setsOf(before, snap);
  for (const secret of secretsOf(sets)) expect(json).not.toContain(secret);
  expect(json).not.toMatch(/inline:/);
  const owned: KeySource = before.keys.exportOwned();
  await a.relay.close();
  const b = await node();
  const session = await b.restore(JSON.parse(json) as SessionSnapshot, owned);
  expect(session.snapshot()).toEqual(snap);
  expect(JSON.stringify(session.snapshot())).toBe(json);
  expect(session.view()).toMatchObject({ id: callId, status: before.report.status });
  expect(session.report).toEqual(before.report);
  return { b, session, snap };
}

async function expectFlow(from: Phone, to: Phone, tag: string, secure: boolean): Promise<void> {
  const sent = await from.talk(tag);
  const got = await to.hear(tag, sent.length);
  expect(got.map((r) => [r.payload, r.status])).toEqual(sent.map((p) => [p, secure ? SrtpStatus.Ok : 'rtp']));
}

const managed = (id: string, p: Phone, extra: Partial<LegRequest> = {}): LegRequest => ({
  id, device: securePhone(id) as LegRequest['device'], keying: 'managed', streams: [{ kind: 'audio', remote: p.endpoint }], ...extra,
});

/** Two managed phones in call `id` on node A, keyed and talking (call keying unless `keyingScope` says leg). */
async function managedCall(a: CallController, id: string, keyingScope: 'call' | 'leg' = 'call'): Promise<{ A: Phone; B: Phone }> {
  await a.createCall({ id });
  const A = await phone();
  const B = await phone();
  for (const [legId, p] of [['A', A], ['B', B]] as const) {
    const leg = await a.addLeg(id, managed(legId, p, { keyingScope }));
    p.relayPort = leg.streams[0].local?.rtpPort ?? 0;
    p.useManagedKeys(a.legKeys(id, legId).streams[0]);
  }
  await expectFlow(A, B, 'a0', true);
  return { A, B };
}

describe('CallSession snapshot and restore', () => {
  it('add leg, managed: same ports, same keys, SRTP flows both ways after the takeover', async () => {
    const a = await node();
    const { A, B } = await managedCall(a, 'm1');
    const { b } = await failover(a, 'm1');
    await expectFlow(A, B, 'a1', true);
    await expectFlow(B, A, 'b1', true);
    // Key delivery still works on the new node, and the call is still encrypted.
    expect(b.legKeys('m1', 'A').streams[0].send).toBeDefined();
    expect(b.security('m1').status).toBe('encrypted');
  });

  it('add leg, sdes and none: the SDES sets travel beside the snapshot, RTP flows to the plain leg', async () => {
    const a = await node();
    await a.createCall({ id: 's1' });
    const S = await phone();
    const N = await phone();
    const offer = phoneOffer('AES_CM_128_HMAC_SHA1_80');
    const s = await a.addLeg('s1', { id: 'S', device: securePhone('S') as LegRequest['device'], keying: 'sdes', streams: [{ kind: 'audio', remote: S.endpoint, crypto: [offer.line] }] });
    S.useSdes(offer.set, s.streams[0].crypto as string);
    S.relayPort = s.streams[0].local?.rtpPort ?? 0;
    const n = await a.addLeg('s1', { id: 'N', device: nonsecurePhone('N') as LegRequest['device'], keying: 'none', streams: [{ kind: 'audio', remote: N.endpoint }] });
    N.relayPort = n.streams[0].local?.rtpPort ?? 0;
    await expectFlow(S, N, 's0', false);
    const { snap } = await failover(a, 's1');
    expect(snap.relayLegs.some((l) => l.keySetIds !== null && l.keySetIds.inbound.startsWith('sdes:'))).toBe(true);
    await expectFlow(S, N, 's1', false);
    await expectFlow(N, S, 'n1', true);
  });

  it('SDP offer/answer: negotiated suite, remotes and ports survive; media flows with the SDP keys', async () => {
    const a = await node();
    await a.createCall({ id: 'p1' });
    const A = await phone();
    const B = await phone();
    await a.addLeg('p1', { id: 'A', device: securePhone('A') as LegRequest['device'], keying: 'sdes' });
    await a.addLeg('p1', { id: 'B', device: securePhone('B') as LegRequest['device'], keying: 'managed' });
    const offer = phoneOffer('AES_CM_128_HMAC_SHA1_80');
    const sdp = (port: number, crypto: string[] = []): string => [
      'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} RTP/SAVP 0`, 'a=rtpmap:0 PCMU/8000', ...crypto, '',
    ].join('\r\n');
    const toB = parse((await a.processSdp('p1', 'A', { type: 'offer', sdp: sdp(A.port, [offer.line]) })).sdp);
    const toA = parse((await a.processSdp('p1', 'B', { type: 'answer', sdp: sdp(B.port) })).sdp);
    const cA = (toA.media[0].crypto ?? [])[0];
    const cB = (toB.media[0].crypto ?? [])[0];
    A.useSdes(offer.set, `a=crypto:${cA.id} ${cA.suite} ${cA.config}`);
    A.relayPort = toA.media[0].port;
    B.useManagedKeys({ send: a.legKeys('p1', 'B').streams[0].send, receive: `a=crypto:${cB.id} ${cB.suite} ${cB.config}` });
    B.relayPort = toB.media[0].port;
    await expectFlow(A, B, 'a0', true);
    const { session } = await failover(a, 'p1');
    expect(session.leg('A')?.stream('audio')?.suite).toBe('AES_CM_128_HMAC_SHA1_80');
    await expectFlow(A, B, 'a1', true);
    await expectFlow(B, A, 'b1', true);
  });

  it('hold with MOH, then resume on the new node', async () => {
    const a = await node();
    const { A, B } = await managedCall(a, 'h1');
    const moh = track(await MohSource.open());
    const held = await a.hold('h1', { leg: 'A', moh: { id: 'moh1', remote: moh.endpoint } });
    moh.relayPort = (held.resource as { local: Record<string, { rtpPort: number }> }).local.moh.rtpPort;
    const { b } = await failover(a, 'h1');
    await moh.play('m1');
    expect((await B.hear('m1', 5)).every((r) => r.ssrc === moh.ssrc && r.status === SrtpStatus.Ok)).toBe(true);
    const resumed = await b.resume('h1');
    expect(resumed.security.status).toBe('encrypted');
    await expectFlow(A, B, 'a2', true);
    await expectFlow(B, A, 'b2', true);
  });

  it('transcoder and MTP inserted: media keeps going through them after the takeover', async () => {
    const a = await node();
    const { A, B } = await managedCall(a, 't1');
    const xc = track(await InlineResource.open((p) => Buffer.concat([Buffer.from('X'), p])));
    const mtp = track(await InlineResource.open());
    const locals = (r: { resource?: unknown }): Record<string, { rtpPort: number }> => (r.resource as { local: Record<string, { rtpPort: number }> }).local;
    const withXc = locals(await a.insertTranscoder('t1', { id: 'xc1', leg: 'A', remotes: xc.remotes }));
    const withMtp = locals(await a.insertMtp('t1', { id: 'mtp1', leg: 'B', remotes: mtp.remotes }));
    [xc.nearRelayPort, xc.farRelayPort, mtp.nearRelayPort, mtp.farRelayPort] = [withXc.near.rtpPort, withXc.far.rtpPort, withMtp.near.rtpPort, withMtp.far.rtpPort];
    const marked = (sent: Buffer[]): Buffer[] => sent.map((p) => Buffer.concat([Buffer.from('X'), p]));
    const sent0 = await A.talk('a0');
    expect((await B.hear('Xa0', sent0.length)).map((r) => r.payload)).toEqual(marked(sent0));
    await failover(a, 't1');
    const sent = await A.talk('a1');
    const got = await B.hear('Xa1', sent.length);
    expect(got.map((r) => [r.payload, r.status])).toEqual(marked(sent).map((p) => [p, SrtpStatus.Ok]));
    const back = await B.talk('b1');
    expect((await A.hear('Xb1', back.length)).map((r) => [r.payload, r.status])).toEqual(marked(back).map((p) => [p, SrtpStatus.Ok]));
    expect(xc.forwarded).toBe(15);
    expect(mtp.forwarded).toBe(15);
  });

  it('add leg, managed with leg keying: recrypt before and after the takeover', async () => {
    const a = await node();
    const { A, B } = await managedCall(a, 'ml1', 'leg');
    const { session } = await failover(a, 'ml1');
    expect(session.view().legs.map((l) => l.streams[0].mode)).toEqual(['recrypt', 'recrypt']);
    await expectFlow(A, B, 'a1', true);
    await expectFlow(B, A, 'b1', true);
  });

  it('call keying (seed 003): the snapshot carries the key reference and sides, the restored relay runs passthrough', async () => {
    const a = await node();
    const { A, B } = await managedCall(a, 'ck1');
    expect(a.session('ck1').view().legs.map((l) => l.streams[0].mode)).toEqual(['passthrough', 'passthrough']);
    const reference = keys.callStreamKeys('ck1', 'audio').reference();
    const { session, snap } = await failover(a, 'ck1');
    // Sides and the keys' reference (suite, generation, MKIs), no key bytes (checked in failover).
    expect(snap.legs.map((l) => [l.keyingScope, l.streams[0].callKeys])).toEqual([['call', { side: 'A', reference }], ['call', { side: 'B', reference }]]);
    expect(snap.relayLegs.map((l) => l.keySetIds)).toEqual([
      { inbound: 'call:audio/A/inbound', outbound: 'call:audio/A/outbound' },
      { inbound: 'call:audio/B/inbound', outbound: 'call:audio/B/outbound' },
    ]);
    expect(session.view().legs.map((l) => l.streams[0].mode)).toEqual(['passthrough', 'passthrough']);
    await expectFlow(A, B, 'a1', true);
    await expectFlow(B, A, 'b1', true);
    // Byte-identical through the restored relay (verified passthrough).
    expect(B.inbox.slice(-5).map((x) => x.data)).toEqual(A.sent.slice(-5));
    expect(A.inbox.slice(-5).map((x) => x.data)).toEqual(B.sent.slice(-5));
  });

  it('call keying: a snapshot whose key generation the key manager no longer holds is refused', async () => {
    const a = await node();
    await managedCall(a, 'ck2');
    const snap = await a.snapshot('ck2');
    await a.rekeyLeg('ck2', 'A');
    await a.relay.close();
    const b = await node();
    await expect(b.restore(snap, { keySet: () => undefined })).rejects.toMatchObject({ code: 'API_ERR_NO_KEYS', field: 'keys' });
    expect(b.callCount()).toBe(0);
    expect(b.relay.pool.available).toBe(RANGE[1] - RANGE[0] + 1);
  });

  it('transfer to a plain RTP phone', async () => {
    const a = await node();
    const { A } = await managedCall(a, 'x1');
    const C = await phone();
    const res = await a.transfer('x1', { from: 'B', to: { id: 'C', device: nonsecurePhone('C') as LegRequest['device'], keying: 'none', streams: [{ kind: 'audio', remote: C.endpoint }] } });
    C.relayPort = res.leg?.streams[0].local?.rtpPort ?? 0;
    // B left with the call's keys: A's stream was rekeyed (generation 2).
    expect(a.legKeys('x1', 'A').streams[0].generation).toBe(2);
    A.useManagedKeys(a.legKeys('x1', 'A').streams[0]);
    await failover(a, 'x1');
    await expectFlow(A, C, 'a1', false);
    await expectFlow(C, A, 'c1', true);
  });

  it('ad hoc conference on a secure bridge: ports and bridge keys survive', async () => {
    const a = await node();
    const { A } = await managedCall(a, 'c1');
    const bridge = track(new UdpPeer(await UdpPeer.bind()));
    await a.startConference('c1', { initiator: 'A', bridges: [{ id: 'cfbS', device: SECURE_BRIDGE as never, remote: bridge.endpoint }] });
    const { b } = await failover(a, 'c1');
    const port = b.conferenceKeys('c1').ports.find((p) => p.leg === 'A');
    const recv = contextFromLine(port?.receive as string);
    await A.talk('a1', 3);
    await sleep(200);
    const heard = bridge.inbox.map((m) => (recv.unprotectRtp(m.data) === SrtpStatus.Ok ? Buffer.from(recv.output.subarray(12, recv.outputLength)).toString().slice(0, 3) : 'fail'));
    expect(heard.filter((h) => h === 'a1#')).toHaveLength(3);
  });

  it('encrypted barge through the built-in bridge', async () => {
    const a = await node();
    const { A, B } = await managedCall(a, 'g1');
    const C = await phone();
    const bib = track(new UdpPeer(await UdpPeer.bind()));
    const res = await a.barge('g1', { initiator: managed('C', C), target: 'B', bridge: { remote: bib.endpoint } });
    expect(res.security.status).toBe('encrypted');
    C.relayPort = res.leg?.streams[0].local?.rtpPort ?? 0;
    C.useManagedKeys(a.legKeys('g1', 'C').streams[0]);
    const { b } = await failover(a, 'g1');
    const recv = contextFromLine(b.conferenceKeys('g1').ports[0].receive as string);
    await C.talk('c1', 3);
    await sleep(200);
    const heard = bib.inbox.map((m) => (recv.unprotectRtp(m.data) === SrtpStatus.Ok ? Buffer.from(recv.output.subarray(12, recv.outputLength)).toString().slice(0, 3) : 'fail'));
    expect(heard).toEqual(['c1#', 'c1#', 'c1#']);
    await expectFlow(A, B, 'a1', true);
  });

  it('stream add and remove (video on, then off on one leg)', async () => {
    const a = await node();
    const { A, B } = await managedCall(a, 'v1');
    const VA = await phone();
    const VB = await phone();
    for (const [legId, v] of [['A', VA], ['B', VB]] as const) {
      const r = await a.addStream('v1', legId, { kind: 'video', remote: v.endpoint });
      v.relayPort = r.leg?.streams.find((s) => s.kind === 'video')?.local?.rtpPort ?? 0;
      v.useManagedKeys(a.legKeys('v1', legId).streams.find((s) => s.kind === 'video') as { send: string; receive: string });
    }
    const r1 = await failover(a, 'v1');
    await expectFlow(VA, VB, 'va1', true);
    await expectFlow(A, B, 'a1', true);
    await r1.b.removeStream('v1', 'B', 'video');
    const r2 = await failover(r1.b, 'v1');
    expect(r2.snap.legs.find((l) => l.id === 'B')?.streams.map((s) => s.kind)).toEqual(['audio']);
    await expectFlow(B, A, 'b2', true);
  });

  it('rekey: the new keys are the ones restored', async () => {
    const a = await node();
    const { A, B } = await managedCall(a, 'k1');
    await a.rekeyLeg('k1', 'A');
    // Call keying: one generation for both phones.
    A.useManagedKeys(a.legKeys('k1', 'A').streams[0]);
    B.useManagedKeys(a.legKeys('k1', 'B').streams[0]);
    await failover(a, 'k1');
    await expectFlow(A, B, 'a1', true);
    await expectFlow(B, A, 'b1', true);
  });

  it('refuses an unknown snapshot version and a missing key set, and leaves nothing open', async () => {
    const a = await node();
    await managedCall(a, 'r1');
    const s = a.session('r1');
    const snap = s.snapshot();
    await a.relay.close();
    const b = await node();
    await expect(b.restore({ ...snap, version: 2 } as unknown as SessionSnapshot, { keySet: () => undefined })).rejects.toMatchObject({ code: 'API_ERR_BAD_REQUEST', statusCode: 400 });
    keys.releaseCall('r1');
    await expect(b.restore(snap, { keySet: () => undefined })).rejects.toMatchObject({ code: 'API_ERR_NO_KEYS' });
    expect(b.callCount()).toBe(0);
    expect(b.relay.pool.available).toBe(RANGE[1] - RANGE[0] + 1);
  });
});
