/**
 * Barge through the API (seed 003 "Barge and encryption", seed 004 "Provide Encryption for
 * Barge"), with real media: the barger is paired with its own relay port toward the target
 * phone's built-in bridge (SRTP with delivered keys for an encrypted barge). Refusals are 403
 * CALL_ERR_BARGE_REJECTED with the tone, and change nothing.
 */
import { SrtpStatus } from '../../../src/srtp';
import { contextFromLine, nonsecurePhone, Phone, rtp, securePhone, sleep, useTestApi, UdpPeer } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

describe('barge API', () => {
  const t = useTestApi(relayPortRange(150));

  const call = async (id: string, target: object): Promise<{ A: Phone; B: Phone }> => {
    await t.client.ok('POST', '/v1/calls', { id });
    const A = await Phone.open();
    const B = await Phone.open();
    t.track(A, B);
    for (const [legId, p, device] of [['A', A, securePhone('A')], ['B', B, target]] as const) {
      const leg = await t.client.ok('POST', `/v1/calls/${id}/legs`, { id: legId, keying: 'managed', device, streams: [{ kind: 'audio', remote: p.endpoint }] });
      p.relayPort = leg.streams[0].local.rtpPort;
      p.useManagedKeys((await t.client.ok('GET', `/v1/calls/${id}/legs/${legId}/keys`)).streams[0]);
    }
    return { A, B };
  };

  it('an encrypted phone barges an encrypted SCCP call: stays encrypted; SRTP between barger and the built-in bridge (seed 003, 004)', async () => {
    const { A, B } = await call('bg1', { ...securePhone('B'), protocol: 'sccp' });
    const C = await Phone.open();
    const bib = new UdpPeer(await UdpPeer.bind());
    t.track(C, bib);
    const res = await t.client.ok('POST', '/v1/calls/bg1/barge', {
      initiator: { id: 'C', keying: 'managed', device: securePhone('C'), streams: [{ kind: 'audio', remote: C.endpoint }] },
      target: 'B', bridge: { remote: bib.endpoint },
    });
    expect(res.security.status).toBe('encrypted');
    expect(res.call.conference).toMatchObject({ kind: 'barge', initiator: 'C', target: 'B', bargeTone: false });
    expect(res.resource.ports).toMatchObject([{ leg: 'C', stream: 'audio', transport: 'srtp' }]);
    C.relayPort = res.leg.streams[0].local.rtpPort;
    C.useManagedKeys((await t.client.ok('GET', '/v1/calls/bg1/legs/C/keys')).streams[0]);
    const port = (await t.client.ok('GET', '/v1/calls/bg1/conference/keys')).ports[0];
    // The barger talks: the built-in bridge decrypts with its delivered keys.
    const recv = contextFromLine(port.receive);
    await C.talk('c1', 3);
    await sleep(150);
    const heard = bib.inbox.map((m) => (recv.unprotectRtp(m.data) === SrtpStatus.Ok ? Buffer.from(recv.output.subarray(12, recv.outputLength)).toString().slice(0, 3) : 'fail'));
    expect(heard).toEqual(['c1#', 'c1#', 'c1#']);
    // The bridge sends the mix back: the barger decrypts it.
    const send = contextFromLine(port.send);
    for (let i = 0; i < 3; i++) {
      expect(send.protectRtp(rtp(0x5eed, 100 + i, Buffer.from(`mx#${i};padding`)))).toBe(SrtpStatus.Ok);
      await bib.sendTo(Buffer.from(send.output.subarray(0, send.outputLength)), port.local.rtpPort);
    }
    expect((await C.hear('mx', 3)).every((r) => r.status === 0)).toBe(true);
    // The two parties still talk to each other.
    await A.talk('a1');
    await B.hear('a1');
    // The barger leaves: the barge ends, its bridge port is closed.
    const left = await t.client.ok('DELETE', '/v1/calls/bg1/legs/C');
    expect(left.call.conference).toBeNull();
    expect(left.call.bridge).toBeNull();
  });

  it('a phone not configured for encryption cannot barge an encrypted call: reorder tone, nothing created (seed 004)', async () => {
    await call('bg2', securePhone('B'));
    const r = await t.client.call('POST', '/v1/calls/bg2/barge', { initiator: { id: 'C', keying: 'none', device: nonsecurePhone('C') }, target: 'B', bridge: { remote: { address: '127.0.0.1', port: 9 } } });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'CALL_ERR_BARGE_REJECTED', tone: 'reorder' });
    const view = await t.client.ok('GET', '/v1/calls/bg2');
    expect(view.legs).toHaveLength(2);
    expect(view.conference).toBeNull();
  });

  it('a 7940G/7960G target refuses an encrypted barge: barge_failed tone (seed 003)', async () => {
    await call('bg3', { ...securePhone('B'), acceptsEncryptedBarge: false });
    const r = await t.client.call('POST', '/v1/calls/bg3/barge', { initiator: { id: 'C', keying: 'managed', device: securePhone('C') }, target: 'B' });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'CALL_ERR_BARGE_REJECTED', tone: 'barge_failed' });
  });

  it('barging a SIP call: nonsecure during the tone-on-hold, encrypted after tone-end (seed 003)', async () => {
    await call('bg4', { ...securePhone('B'), protocol: 'sip' });
    const res = await t.client.ok('POST', '/v1/calls/bg4/barge', { initiator: { id: 'C', keying: 'managed', device: securePhone('C') }, target: 'B' });
    expect(res.security.status).toBe('nonsecure');
    expect(res.security.reasons.map((x: { code: string }) => x.code)).toContain('barge_tone_sip');
    const ended = await t.client.ok('POST', '/v1/calls/bg4/barge/tone-end');
    expect(ended.security.status).toBe('encrypted');
    const again = await t.client.call('POST', '/v1/calls/bg4/barge/tone-end');
    expect(again.body.error.code).toBe('CALL_ERR_NO_CONFERENCE');
  });
});
