/**
 * Conferences through the API (seed 004 Table 2) with real media over loopback: each participant
 * is paired 1:1 with its own relay port toward a simulated bridge that forwards what one
 * participant sends to every other (re-protecting per port toward a secure bridge). Meet-me:
 * a caller below the minimum level is refused with 403 and nothing is created.
 */
import { SrtpContext, SrtpStatus } from '../../../src/srtp';
import { contextFromLine, nonsecurePhone, Phone, securePhone, useTestApi, UdpPeer } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

interface Port { leg: string; local: { rtpPort: number }; send?: string; receive?: string }

/** A conference bridge: what arrives from one participant port goes to every other one. */
class Bridge extends UdpPeer {
  private ports = new Map<number, { send: SrtpContext | null; recv: SrtpContext | null }>();
  static async open(): Promise<Bridge> {
    return new Bridge(await UdpPeer.bind());
  }
  use(ports: Port[]): void {
    for (const p of this.ports.values()) {
      p.send?.close();
      p.recv?.close();
    }
    this.ports = new Map(ports.map((p) => [p.local.rtpPort, {
      send: p.send === undefined ? null : contextFromLine(p.send),
      recv: p.receive === undefined ? null : contextFromLine(p.receive),
    }]));
  }
  protected override onMessage(data: Buffer, port: number): void {
    const from = this.ports.get(port);
    if (from === undefined) return;
    let clear = data;
    if (from.recv !== null) {
      if (from.recv.unprotectRtp(data) !== SrtpStatus.Ok) return;
      clear = Buffer.from(from.recv.output.subarray(0, from.recv.outputLength));
    }
    for (const [p, to] of this.ports) {
      if (p === port) continue;
      let out = clear;
      if (to.send !== null) {
        if (to.send.protectRtp(clear) !== SrtpStatus.Ok) continue;
        out = Buffer.from(to.send.output.subarray(0, to.send.outputLength));
      }
      void this.sendTo(out, p);
    }
  }
}

const SECURE_BRIDGE = { id: 'cfbS', kind: 'conference_bridge', trusted: true, securityMode: 'encrypted', signalingTls: true, srtpCapable: true };

describe('conference API', () => {
  const t = useTestApi(relayPortRange(150));
  const phone = (): Promise<Phone> => t.phone();
  const join = async (base: string, p: Phone, body: { leg?: object }, leg: { streams: { local: { rtpPort: number } }[] }): Promise<void> => {
    p.relayPort = leg.streams[0]?.local.rtpPort ?? 0;
    const id = (body.leg as { id: string }).id;
    const keys = await t.client.call('GET', `${base}/legs/${id}/keys`);
    if (keys.status === 200) p.useManagedKeys(keys.body.streams[0]);
  };

  it('secure initiator, secure participants: secure bridge, encrypted, media through the bridge (row 3), then a nonsecure participant (row 2)', async () => {
    const base = '/v1/calls/conf1';
    const bridge = await Bridge.open();
    t.track(bridge);
    await t.client.ok('POST', '/v1/calls', { id: 'conf1' });
    const A = await phone();
    const B = await phone();
    const C = await phone();
    const D = await phone();
    for (const [id, p] of [['A', A], ['B', B]] as const) {
      const body = { leg: { id, keying: 'managed', device: securePhone(id), streams: [{ kind: 'audio', remote: p.endpoint }] } };
      await join(base, p, body, await t.client.ok('POST', `${base}/legs`, body.leg));
    }
    const third = await t.client.call('POST', `${base}/legs`, { id: 'C', keying: 'managed', device: securePhone('C') });
    expect(third.body.error.code).toBe('API_ERR_MULTIPARTY_UNSUPPORTED');
    const started = await t.client.ok('POST', `${base}/conference`, {
      initiator: 'A',
      bridges: [{ id: 'cfbN', device: { id: 'cfbN', kind: 'conference_bridge' }, remote: bridge.endpoint }, { id: 'cfbS', device: SECURE_BRIDGE, remote: bridge.endpoint }],
    });
    expect(started.resource).toMatchObject({ id: 'cfbS', secure: true });
    expect(started.resource.ports.map((p: { leg: string; transport: string }) => [p.leg, p.transport])).toEqual([['A', 'srtp'], ['B', 'srtp']]);
    expect(JSON.stringify(started)).not.toMatch(/inline:/);
    const cBody = { leg: { id: 'C', keying: 'managed', device: securePhone('C'), streams: [{ kind: 'audio', remote: C.endpoint }] } };
    const added = await t.client.ok('POST', `${base}/participants`, cBody);
    await join(base, C, cBody, added.leg);
    expect(added.security.status).toBe('encrypted');
    const keys = await t.client.ok('GET', `${base}/conference/keys`);
    expect(keys.ports).toHaveLength(3);
    bridge.use(keys.ports);
    const sent = await A.talk('a1');
    for (const to of [B, C]) expect((await to.hear('a1')).map((r) => [r.payload, r.status])).toEqual(sent.map((p) => [p, 0]));
    await C.talk('c1');
    await A.hear('c1');
    await B.hear('c1');
    // Row 2: a nonsecure participant joins → secure bridge, nonsecure conference.
    const dBody = { leg: { id: 'D', keying: 'none', device: nonsecurePhone('D'), streams: [{ kind: 'audio', remote: D.endpoint }] } };
    const withD = await t.client.ok('POST', `${base}/participants`, dBody);
    await join(base, D, dBody, withD.leg);
    expect(withD.security.status).toBe('nonsecure');
    bridge.use((await t.client.ok('GET', `${base}/conference/keys`)).ports);
    await D.talk('d1');
    expect((await A.hear('d1')).every((r) => r.status === 0)).toBe(true);
    await B.talk('b1');
    expect((await D.hear('b1')).every((r) => r.status === 'rtp')).toBe(true);
    // D leaves: encrypted again, its port closed.
    const left = await t.client.ok('DELETE', `${base}/participants/D`);
    expect(left.security.status).toBe('encrypted');
    expect(left.call.bridge.ports).toHaveLength(3);
    const counters = (await t.client.ok('GET', base)).legs.map((l: { streams: { counters: { authFailures?: number } }[] }) => l.streams[0]?.counters);
    for (const c of counters) expect(c?.authFailures ?? 0).toBe(0);
  });

  it('nonsecure initiator gets the nonsecure bridge (row 1): RTP ports toward it', async () => {
    const base = '/v1/calls/conf2';
    await t.client.ok('POST', '/v1/calls', { id: 'conf2' });
    await t.client.ok('POST', `${base}/legs`, { id: 'A', keying: 'none', device: nonsecurePhone('A') });
    await t.client.ok('POST', `${base}/legs`, { id: 'B', keying: 'managed', device: securePhone('B') });
    const started = await t.client.ok('POST', `${base}/conference`, {
      initiator: 'A',
      bridges: [{ id: 'cfbS', device: SECURE_BRIDGE, remote: { address: '127.0.0.1', port: 9 } }, { id: 'cfbN', remote: { address: '127.0.0.1', port: 9 } }],
    });
    expect(started.resource).toMatchObject({ id: 'cfbN', secure: false });
    expect(started.security.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'conference_bridge_nonsecure' })]));
    const keys = await t.client.ok('GET', `${base}/conference/keys`);
    expect(keys.ports.every((p: { transport: string; send?: string }) => p.transport === 'rtp' && p.send === undefined)).toBe(true);
  });

  it('meet-me: a caller below the minimum is refused (403) and nothing is created (row 4); minimum nonsecure accepts all (row 5)', async () => {
    const bridges = [{ id: 'cfbS', device: SECURE_BRIDGE, remote: { address: '127.0.0.1', port: 9 } }];
    const refused = await t.client.call('POST', '/v1/meetme', { id: 'mm1', minimumLevel: 'encrypted', initiator: { id: 'A', keying: 'none', device: nonsecurePhone('A') }, bridges });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('CALL_ERR_BELOW_MINIMUM_SECURITY');
    expect((await t.client.call('GET', '/v1/calls/mm1')).status).toBe(404);
    const made = await t.client.call('POST', '/v1/meetme', { id: 'mm1', minimumLevel: 'encrypted', initiator: { id: 'A', keying: 'managed', device: securePhone('A') }, bridges });
    expect(made.status).toBe(201);
    expect(made.body.call.conference).toMatchObject({ kind: 'meetme', minimumLevel: 'encrypted' });
    const low = await t.client.call('POST', '/v1/calls/mm1/participants', { leg: { id: 'B', keying: 'none', device: nonsecurePhone('B') } });
    expect(low.status).toBe(403);
    expect(low.body.error.code).toBe('CALL_ERR_BELOW_MINIMUM_SECURITY');
    expect((await t.client.ok('GET', '/v1/calls/mm1')).legs).toHaveLength(1);
    await t.client.ok('POST', '/v1/meetme', { id: 'mm2', minimumLevel: 'nonsecure', initiator: { id: 'A', keying: 'managed', device: securePhone('A') }, bridges });
    const any = await t.client.ok('POST', '/v1/calls/mm2/participants', { leg: { id: 'B', keying: 'none', device: nonsecurePhone('B') } });
    expect(any.security.status).toBe('nonsecure');
    expect(any.call.bridge.ports).toHaveLength(2);
  });
});
