/**
 * Video on and off mid-call through the API, with real media: a stream added to a managed leg
 * gets fresh keys of its own (key delivery lists it), media flows on it both ways, and the
 * status follows seed 003's audio+video rule (RTP video → authenticated; removed → encrypted).
 */
import type { RunningApi } from '../../../src/api';
import { Phone, securePhone, startTestApi, type Client } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

describe('video on / off', () => {
  let api: RunningApi;
  let client: Client;
  const closers: { close(): void }[] = [];
  beforeAll(async () => {
    ({ api, client } = await startTestApi(relayPortRange(100)));
  });
  afterAll(async () => {
    for (const c of closers) c.close();
    await api.close();
  });
  const open = async (): Promise<Phone> => {
    const p = await Phone.open();
    closers.push(p);
    return p;
  };

  it('adds SRTP video to both legs (encrypted, media both ways), RTP video (authenticated), and removes it (encrypted)', async () => {
    const base = '/v1/calls/vid1';
    await client.ok('POST', '/v1/calls', { id: 'vid1' });
    const audio: Record<string, Phone> = { A: await open(), B: await open() };
    const video: Record<string, Phone> = { A: await open(), B: await open() };
    for (const id of ['A', 'B']) {
      const leg = await client.ok('POST', `${base}/legs`, { id, keying: 'managed', device: securePhone(id), streams: [{ kind: 'audio', remote: (audio[id] as Phone).endpoint }] });
      (audio[id] as Phone).relayPort = leg.streams[0].local.rtpPort;
    }
    for (const id of ['A', 'B']) {
      const v = video[id] as Phone;
      const res = await client.ok('POST', `${base}/legs/${id}/streams`, { kind: 'video', remote: v.endpoint });
      const view = res.leg.streams.find((s: { kind: string }) => s.kind === 'video');
      expect(view).toMatchObject({ srtp: true, transport: 'srtp' });
      v.relayPort = view.local.rtpPort;
      const keys = await client.ok('GET', `${base}/legs/${id}/keys`);
      expect(keys.streams.map((s: { kind: string }) => s.kind)).toEqual(['audio', 'video']);
      v.useManagedKeys(keys.streams[1]);
      expect(res.security.status).toBe('encrypted');
    }
    const sent = await (video.A as Phone).talk('va');
    expect((await (video.B as Phone).hear('va')).map((r) => [r.payload, r.status])).toEqual(sent.map((p) => [p, 0]));
    await (video.B as Phone).talk('vb');
    expect((await (video.A as Phone).hear('vb')).every((r) => r.status === 0)).toBe(true);
    const dup = await client.call('POST', `${base}/legs/A/streams`, { kind: 'video' });
    expect(dup.body.error).toMatchObject({ code: 'API_ERR_DUPLICATE_STREAM', field: 'kind' });

    // B's video off: A's video has no peer; still encrypted, B's video port closed.
    const off = await client.ok('DELETE', `${base}/legs/B/streams/video`);
    expect(off.leg.streams.map((s: { kind: string }) => s.kind)).toEqual(['audio']);
    expect(off.security.status).toBe('encrypted');
    // Call keying: B's phone keeps the video keys it had, so A's video was rekeyed before B's went.
    const aKeys = (await client.ok('GET', `${base}/legs/A/keys`)).streams;
    expect(aKeys.map((k: { kind: string; generation?: number }) => [k.kind, k.generation])).toEqual([['audio', 1], ['video', 2]]);
    (video.A as Phone).useManagedKeys(aKeys[1]);
    await (video.A as Phone).talk('vx');
    await (video.B as Phone).silent('vx');
    // B's video back on as plain RTP: seed 003 Table 4 row 2, authenticated.
    const rtpOn = await client.ok('POST', `${base}/legs/B/streams`, { kind: 'video', remote: (video.B as Phone).endpoint, srtp: false });
    expect(rtpOn.security.status).toBe('authenticated');
    expect(rtpOn.security.reasons.map((r: { code: string }) => r.code)).toContain('srtp_not_negotiated');
    const vb = video.B as Phone;
    vb.relayPort = rtpOn.leg.streams.find((s: { kind: string }) => s.kind === 'video').local.rtpPort;
    vb.mode = 'rtp';
    await (video.A as Phone).talk('vy');
    expect((await vb.hear('vy')).every((r) => r.status === 'rtp')).toBe(true);
    const offAgain = await client.ok('DELETE', `${base}/legs/B/streams/video`);
    expect(offAgain.security.status).toBe('encrypted');
    const only = await client.call('DELETE', `${base}/legs/B/streams/audio`);
    expect(only.status).toBe(400);
    expect((await client.ok('GET', `${base}/legs/B`)).streams).toHaveLength(1);
  });
});
