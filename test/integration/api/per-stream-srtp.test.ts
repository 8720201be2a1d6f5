/**
 * Per-stream SRTP (seed 003 Table 4 row 2, "secure audio with unsecure video"): a managed leg
 * whose video is `srtp: false` gets keys for audio only, a plain RTP relay leg for video, and
 * the call is authenticated (`srtp_not_negotiated`). Real media over loopback: audio SRTP and
 * video RTP, both ways.
 */
import { Phone, securePhone, useTestApi } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

describe('per-stream srtp', () => {
  const t = useTestApi(relayPortRange(50));

  it('carries SRTP audio and RTP video on one leg; the call is authenticated', async () => {
    await t.client.ok('POST', '/v1/calls', { id: 'ps1' });
    const phones: Record<string, { audio: Phone; video: Phone }> = {};
    for (const id of ['A', 'B']) {
      const audio = await Phone.open();
      const video = await Phone.open();
      t.track(audio, video);
      phones[id] = { audio, video };
      const leg = await t.client.ok('POST', '/v1/calls/ps1/legs', {
        id, keying: 'managed', device: { ...securePhone(id), iconCapability: id === 'A' ? 'shield_and_lock' : 'lock_only' },
        streams: [{ kind: 'audio', remote: audio.endpoint }, { kind: 'video', remote: video.endpoint, srtp: false }],
      });
      expect(leg.streams).toMatchObject([
        { kind: 'audio', srtp: true, negotiated: true, transport: 'srtp' },
        { kind: 'video', srtp: false, negotiated: true, transport: 'rtp', suite: null },
      ]);
      audio.relayPort = leg.streams[0].local.rtpPort;
      video.relayPort = leg.streams[1].local.rtpPort;
      const keys = await t.client.ok('GET', `/v1/calls/ps1/legs/${id}/keys`);
      expect(keys.streams.map((s: { kind: string }) => s.kind)).toEqual(['audio']);
      audio.useManagedKeys(keys.streams[0]);
    }
    const sec = await t.client.ok('GET', '/v1/calls/ps1/security');
    expect(sec.status).toBe('authenticated');
    expect(sec.reasons).toEqual(expect.arrayContaining([{ code: 'srtp_not_negotiated', legId: 'A', stream: 'video' }]));
    expect(sec.devices.map((d: { icon: string }) => d.icon)).toEqual(['shield', 'none']);
    const A = phones.A as { audio: Phone; video: Phone };
    const B = phones.B as { audio: Phone; video: Phone };
    const sentA = await A.audio.talk('aa');
    expect((await B.audio.hear('aa')).map((r) => [r.payload, r.status])).toEqual(sentA.map((p) => [p, 0]));
    const sentV = await B.video.talk('bv');
    expect((await A.video.hear('bv')).map((r) => [r.payload, r.status])).toEqual(sentV.map((p) => [p, 'rtp']));
    await A.video.talk('av');
    await B.video.hear('av');
    await B.audio.talk('ba');
    expect((await A.audio.hear('ba')).every((r) => r.status === 0)).toBe(true);
  });

  it('refuses srtp: true on a plain leg and crypto on an RTP stream', async () => {
    await t.client.ok('POST', '/v1/calls', { id: 'ps2' });
    let r = await t.client.call('POST', '/v1/calls/ps2/legs', { id: 'A', keying: 'none', device: securePhone('A'), streams: [{ kind: 'audio', srtp: true }] });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'API_ERR_BAD_REQUEST', field: 'streams[0].srtp' });
    r = await t.client.call('POST', '/v1/calls/ps2/legs', { id: 'A', keying: 'sdes', device: securePhone('A'), streams: [{ kind: 'audio', srtp: false, crypto: ['x'] }] });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'API_ERR_CRYPTO_NOT_ALLOWED', field: 'streams[0].crypto' });
    expect((await t.client.ok('GET', '/v1/calls/ps2')).legs).toEqual([]);
  });
});
