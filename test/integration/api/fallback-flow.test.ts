/**
 * Every fallback operation through the real API, with real SRTP over loopback UDP, under both
 * policies. At each step: the security status and its securitychange event (with reasons),
 * and media in both directions decrypted by the simulated endpoints. The same SRTP phones keep
 * their contexts from start to end, so any ROC or replay breakage across a change would show
 * as auth failures or replays (checked on the relay's counters at the end).
 *
 * The two managed phones use call keying (seed 003, the default `keyingScope`): both get the
 * call's two key sets, the relay forwards their packets byte-identical (verified passthrough)
 * and drops forged and replayed ones; MOH reaches the held-against phone under its unchanged
 * receive set (the relay-origin key), and passthrough returns on resume. A transfer rekeys the
 * call stream, so the departed phone's keys verify nowhere.
 */
import {
  EventCollector, InlineResource, MohSource, Phone, keyParamsOf, nonsecurePhone, rtp, securePhone, sleep, startTestApi, contextFromLine,
  type ApiEventLike, type Client,
} from './helpers';
import type { RunningApi } from '../../../src/api';
import { relayPortRange } from '../../helpers/port-ranges';


describe.each(['bridge', 'rtp'] as const)('fallback operations under policy %s', (policy) => {
  let api: RunningApi;
  let client: Client;
  let events: EventCollector;
  const closers: { close(): void }[] = [];
  const callId = `flow-${policy}`;
  const base = `/v1/calls/${callId}`;

  beforeAll(async () => {
    ({ api, client } = await startTestApi(relayPortRange(200)));
    events = await EventCollector.open(api.url);
  });
  afterAll(async () => {
    events.close();
    for (const c of closers) c.close();
    await api.close();
  });

  const open = async <T extends { close(): void }>(p: Promise<T>): Promise<T> => {
    const x = await p;
    closers.push(x);
    return x;
  };

  /** The next securitychange of this call after `mark`. */
  const securityChange = (mark: number): Promise<ApiEventLike> => events.waitFor((e) => e.type === 'securitychange' && e.callId === callId, mark);
  const reasonCodes = (e: ApiEventLike): string[] => (e.reasons as { code: string }[]).map((r) => r.code);

  /** Under policy rtp, an endpoint whose segment drops to RTP is moved to its RTP port (the re-INVITE). */
  const follow = async (mark: number, phones: Record<string, Phone>): Promise<void> => {
    if (policy !== 'rtp') return;
    for (const [legId, phone] of Object.entries(phones)) {
      const e = await events.waitFor((x) => x.type === 'legmedia' && x.callId === callId && x.legId === legId, mark);
      phone.relayPort = (e.local as { rtpPort: number }).rtpPort;
      phone.mode = e.transport === 'srtp' ? 'srtp' : 'rtp';
    }
  };

  const expectHeard = async (to: Phone, tag: string, sent: Buffer[], secure: boolean): Promise<void> => {
    const got = await to.hear(tag, sent.length);
    expect(got.map((r) => r.payload)).toEqual(sent);
    expect(got.every((r) => r.status === (secure ? 0 : 'rtp'))).toBe(true);
  };

  it('runs a secure call through hold/MOH, transcoder, MTP and transfers, with media at every step', async () => {
    const A = await open(Phone.open());
    const B = await open(Phone.open());
    const moh = await open(MohSource.open());
    const xc = await open(InlineResource.open((p) => Buffer.concat([Buffer.from('X'), p])));
    const mtp = await open(InlineResource.open());

    // ── set-up: two managed, secure legs → encrypted, lock on both ──
    let mark = events.mark();
    const delivered: Record<string, { kind: string; suite: string; keyingScope: string; generation?: number; send: string; receive: string }> = {};
    expect(await client.ok('POST', '/v1/calls', { id: callId, policy })).toMatchObject({ id: callId, policy, legs: [] });
    await events.waitFor((e) => e.type === 'callcreated' && e.callId === callId, mark);
    for (const [id, phone] of [['A', A], ['B', B]] as const) {
      const leg = await client.ok('POST', `${base}/legs`, { id, device: securePhone(id), keying: 'managed', streams: [{ kind: 'audio', remote: phone.endpoint }] });
      expect(leg.streams[0]).toMatchObject({ kind: 'audio', srtp: true, transport: 'srtp', suite: 'AEAD_AES_256_GCM' });
      expect(JSON.stringify(leg)).not.toMatch(/inline:/);
      phone.relayPort = leg.streams[0].local.rtpPort;
      delivered[id] = (await client.ok('GET', `${base}/legs/${id}/keys`)).streams[0];
      phone.useManagedKeys(delivered[id]);
    }
    const aSrtpPort = A.relayPort;
    let sec = await client.ok('GET', `${base}/security`);
    expect(sec).toMatchObject({ status: 'encrypted', reasons: [], devices: [{ leg: 'A', icon: 'lock' }, { leg: 'B', icon: 'lock' }] });
    await expectHeard(B, 'a1', await A.talk('a1'), true);
    await expectHeard(A, 'b1', await B.talk('b1'), true);

    // ── call keying: the same two sets per stream for both phones ──
    for (const id of ['A', 'B']) expect(delivered[id]).toMatchObject({ kind: 'audio', suite: 'AEAD_AES_256_GCM', keyingScope: 'call', generation: 1 });
    const [aSend, bSend] = [keyParamsOf(delivered.A.send), keyParamsOf(delivered.B.send)];
    const [aReceive, bReceive] = [keyParamsOf(delivered.A.receive), keyParamsOf(delivered.B.receive)];
    // A sends with A→B's endpoint key (MKI 1) only; B receives with it and A→B's relay-origin key (MKI 2).
    expect(aSend).toHaveLength(1);
    expect(aSend[0]).toMatch(/\|1:1$/);
    expect(bReceive).toEqual([aSend[0], expect.stringMatching(/\|2:1$/)]);
    expect(bSend).toHaveLength(1);
    expect(aReceive).toEqual([bSend[0], expect.stringMatching(/\|2:1$/)]);
    expect(new Set([aSend[0], bSend[0], aReceive[1], bReceive[1]]).size).toBe(4);
    // Verified passthrough: what A and B sent arrives byte-identical.
    const streamsNow = async (): Promise<{ mode: string; counters: Record<string, number> }[]> =>
      (await client.ok('GET', base)).legs.map((l: { streams: { mode: string; counters: Record<string, number> }[] }) => l.streams[0]);
    expect((await streamsNow()).map((m) => m.mode)).toEqual(['passthrough', 'passthrough']);
    const a1 = A.sent.slice(-5);
    expect(B.inbox.slice(-5).map((x) => x.data)).toEqual(a1);
    expect(A.inbox.slice(-5).map((x) => x.data)).toEqual(B.sent.slice(-5));
    // Forged and replayed packets from B's side are dropped and counted, never forwarded.
    const beforeForge = (await streamsNow())[1].counters;
    const heardByA = A.inbox.length;
    const genuine = B.sent[B.sent.length - 1];
    const forged = Buffer.from(genuine);
    // A new sequence number (not a replay) on a genuine body: the tag covers the header.
    forged.writeUInt16BE((genuine.readUInt16BE(2) + 1) & 0xffff, 2);
    await B.sendTo(genuine, B.relayPort);
    await B.sendTo(forged, B.relayPort);
    await sleep(150);
    expect(A.inbox.length).toBe(heardByA);
    const afterForge = (await streamsNow())[1].counters;
    expect(afterForge.replays - beforeForge.replays).toBe(1);
    expect(afterForge.authFailures - beforeForge.authFailures).toBe(1);
    expect(afterForge.forwarded).toBe(beforeForge.forwarded);

    // ── hold with MOH: the MOH segment is RTP; nonsecure (moh_rtp) while it lasts ──
    mark = events.mark();
    const held = await client.ok('POST', `${base}/hold`, { leg: 'A', moh: { id: 'moh1', remote: moh.endpoint } });
    expect(held.security.status).toBe('nonsecure');
    expect(held.security.reasons.map((r: { code: string }) => r.code)).toContain('moh_rtp');
    moh.relayPort = held.resource.local.moh.rtpPort;
    const holdEvent = await securityChange(mark);
    expect(holdEvent).toMatchObject({ previousStatus: 'encrypted', status: 'nonsecure' });
    expect(reasonCodes(holdEvent)).toContain('moh_rtp');
    if (policy === 'rtp') expect(reasonCodes(holdEvent)).toContain('fallback_rtp');
    await follow(mark, { B });
    expect(B.mode).toBe(policy === 'bridge' ? 'srtp' : 'rtp');
    await moh.play('m1');
    // B decrypts MOH with its unchanged receive set: the relay protects with the relay-origin key.
    const music = await B.hear('m1', 5);
    expect(music.every((r) => r.ssrc === moh.ssrc && r.status === (policy === 'bridge' ? 0 : 'rtp'))).toBe(true);
    // B's SRTP leg is paired with the MOH's RTP leg (decrypt from B, relay-origin encrypt toward B).
    if (policy === 'bridge') expect((await streamsNow())[1].mode).toBe('decrypt');
    await A.talk('a2');
    await B.silent('a2');

    // ── resume: back to encrypted; A's stream continues with the same contexts ──
    mark = events.mark();
    const resumed = await client.ok('POST', `${base}/resume`);
    expect(resumed.security).toMatchObject({ status: 'encrypted', reasons: [] });
    expect(await securityChange(mark)).toMatchObject({ previousStatus: 'nonsecure', status: 'encrypted', reasons: [] });
    await follow(mark, { B });
    expect(B.mode).toBe('srtp');
    await expectHeard(B, 'a3', await A.talk('a3'), true);
    await expectHeard(A, 'b3', await B.talk('b3'), true);
    // Passthrough again, with the same phone keys.
    expect((await streamsNow()).map((m) => m.mode)).toEqual(['passthrough', 'passthrough']);
    expect(B.inbox.slice(-5).map((x) => x.data)).toEqual(A.sent.slice(-5));

    // ── transcoder on A's side: media goes through it (and is changed by it) ──
    mark = events.mark();
    const withXc = await client.ok('POST', `${base}/transcoders`, { id: 'xc1', leg: 'A', remotes: xc.remotes });
    xc.nearRelayPort = withXc.resource.local.near.rtpPort;
    xc.farRelayPort = withXc.resource.local.far.rtpPort;
    const xcEvent = await securityChange(mark);
    expect(xcEvent.status).toBe('nonsecure');
    expect(reasonCodes(xcEvent)).toContain('transcoder_rtp');
    await follow(mark, { A, B });
    const secureEnds = policy === 'bridge';
    await expectHeard(B, 'Xa4', (await A.talk('a4')).map((p) => Buffer.concat([Buffer.from('X'), p])), secureEnds);
    await expectHeard(A, 'Xb4', (await B.talk('b4')).map((p) => Buffer.concat([Buffer.from('X'), p])), secureEnds);
    expect(xc.forwarded).toBe(10);
    // Both phones' SRTP legs face the transcoder's RTP legs: decrypt from them, relay-origin encrypt toward them.
    if (policy === 'bridge') expect((await streamsNow()).map((m) => m.mode)).toEqual(['decrypt', 'decrypt']);

    mark = events.mark();
    expect((await client.ok('DELETE', `${base}/transcoders/xc1`)).security.status).toBe('encrypted');
    expect((await securityChange(mark)).status).toBe('encrypted');
    await follow(mark, { A, B });
    await expectHeard(B, 'a5', await A.talk('a5'), true);
    await expectHeard(A, 'b5', await B.talk('b5'), true);
    expect((await streamsNow()).map((m) => m.mode)).toEqual(['passthrough', 'passthrough']);
    expect(B.inbox.slice(-5).map((x) => x.data)).toEqual(A.sent.slice(-5));

    // ── MTP on B's side ──
    mark = events.mark();
    const withMtp = await client.ok('POST', `${base}/mtps`, { id: 'mtp1', leg: 'B', remotes: mtp.remotes });
    mtp.nearRelayPort = withMtp.resource.local.near.rtpPort;
    mtp.farRelayPort = withMtp.resource.local.far.rtpPort;
    const mtpEvent = await securityChange(mark);
    expect(reasonCodes(mtpEvent)).toContain('mtp_rtp');
    await follow(mark, { A, B });
    await expectHeard(B, 'a6', await A.talk('a6'), secureEnds);
    await expectHeard(A, 'b6', await B.talk('b6'), secureEnds);
    expect(mtp.forwarded).toBe(10);
    mark = events.mark();
    expect((await client.ok('DELETE', `${base}/mtps/mtp1`)).security.status).toBe('encrypted');
    expect((await securityChange(mark)).status).toBe('encrypted');
    await follow(mark, { A, B });
    await expectHeard(B, 'a7', await A.talk('a7'), true);
    expect((await streamsNow()).map((m) => m.mode)).toEqual(['passthrough', 'passthrough']);
    expect(B.inbox.slice(-5).map((x) => x.data)).toEqual(A.sent.slice(-5));

    // ── transfer B → C, a non-secure phone on plain RTP ──
    const C = await open(Phone.open());
    mark = events.mark();
    const toC = await client.ok('POST', `${base}/transfer`, { from: 'B', to: { id: 'C', device: nonsecurePhone('C'), keying: 'none', streams: [{ kind: 'audio', remote: C.endpoint }] } });
    expect(toC.security.status).toBe('nonsecure');
    expect(toC.call.legs.map((l: { id: string }) => l.id)).toEqual(['A', 'C']);
    C.relayPort = toC.leg.streams[0].local.rtpPort;
    const cEvent = await securityChange(mark);
    expect(cEvent.status).toBe('nonsecure');
    expect(reasonCodes(cEvent)).toContain('device_nonsecure');
    await events.waitFor((e) => e.type === 'legremoved' && e.legId === 'B', mark);
    // B left: the call stream was rekeyed first, A fetches generation 2.
    const aGen2 = (await client.ok('GET', `${base}/legs/A/keys`)).streams[0];
    expect(aGen2).toMatchObject({ keyingScope: 'call', generation: 2 });
    expect(keyParamsOf(aGen2.send)).not.toEqual(aSend);
    A.useManagedKeys(aGen2);
    await follow(mark, { A });
    await expectHeard(C, 'a8', await A.talk('a8'), false);
    await expectHeard(A, 'c8', await C.talk('c8'), policy === 'bridge');
    await B.silent('a8');
    // The departed B still holds generation 1 (A→B's endpoint key is in its receive set): posing
    // as A with it on A's relay leg fails authentication and reaches no one.
    const poseAsA = contextFromLine(delivered.B.receive);
    const beforePose = (await streamsNow())[0].counters;
    const heardByC = C.inbox.length;
    expect(poseAsA.protectRtp(rtp(A.ssrc, A.seq + 100, Buffer.from('posing#0;')))).toBe(0);
    await B.sendTo(Buffer.from(poseAsA.output.subarray(0, poseAsA.outputLength)), aSrtpPort);
    await sleep(150);
    expect(C.inbox.length).toBe(heardByC);
    // (Under policy rtp A's view shows its RTP leg now; the count is checked on its SRTP leg at the end.)
    if (policy === 'bridge') expect((await streamsNow())[0].counters.authFailures - beforePose.authFailures).toBe(1);

    // ── and back to a secure phone D ──
    const D = await open(Phone.open());
    mark = events.mark();
    const toD = await client.ok('POST', `${base}/transfer`, { from: 'C', to: { id: 'D', device: securePhone('D'), keying: 'managed', streams: [{ kind: 'audio', remote: D.endpoint }] } });
    expect(toD.security).toMatchObject({ status: 'encrypted', reasons: [] });
    D.relayPort = toD.leg.streams[0].local.rtpPort;
    const dKeys = (await client.ok('GET', `${base}/legs/D/keys`)).streams[0];
    // D takes the side B left, of the current generation: A's send key is D's receive key.
    expect(dKeys).toMatchObject({ keyingScope: 'call', generation: 2 });
    expect(keyParamsOf(dKeys.receive)[0]).toBe(keyParamsOf(aGen2.send)[0]);
    D.useManagedKeys(dKeys);
    expect((await securityChange(mark)).status).toBe('encrypted');
    await follow(mark, { A });
    expect(A.mode).toBe('srtp');
    await expectHeard(D, 'a9', await A.talk('a9'), true);
    await expectHeard(A, 'd9', await D.talk('d9'), true);

    // ── no ROC or replay breakage anywhere: A's SRTP leg saw every packet authenticate ──
    const call = await client.ok('GET', base);
    const aStream = call.legs[0].streams[0];
    expect(aStream).toMatchObject({ transport: 'srtp', peer: 'D', mode: 'passthrough' });
    expect(D.inbox.slice(-5).map((x) => x.data)).toEqual(A.sent.slice(-5));
    // The one auth failure is the departed B posing as A; A's own packets all authenticated.
    expect(aStream.counters).toMatchObject({ authFailures: 1, replays: 0, tooOld: 0, protectErrors: 0 });
    expect(A.received.every((r) => r.status === 0 || r.status === 'rtp')).toBe(true);
    expect(B.received.every((r) => r.status === 0 || r.status === 'rtp')).toBe(true);
    sec = await client.ok('GET', `${base}/security`);
    expect(sec.devices).toEqual([{ leg: 'A', deviceId: 'A', icon: 'lock', tone: 'none' }, { leg: 'D', deviceId: 'D', icon: 'lock', tone: 'none' }]);

    // ── end: 204, callclosed, gone ──
    mark = events.mark();
    expect((await client.call('DELETE', base)).status).toBe(204);
    await events.waitFor((e) => e.type === 'callclosed' && e.callId === callId && e.reason === 'deleted', mark);
    expect((await client.call('GET', base)).body.error.code).toBe('API_ERR_UNKNOWN_CALL');
    expect(api.service.relay.getCall(callId)).toBeUndefined();
  });
});
