/**
 * Legs and media resources that go away give their sockets back at once: after removing a leg,
 * resuming from MOH, removing a transcoder or MTP, transferring, ending an RTP fallback or a
 * failed request, the relay's free port count is what it was before, the ports can be bound by
 * someone else, and the keys of a removed managed leg are wiped.
 */
import dgram from 'node:dgram';
import type { RunningApi } from '../../../src/api';
import type { MasterKeySet } from '../../../src/keys';
import { securePhone, startTestApi, type Client } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

interface Local { rtpPort: number; rtcpPort: number }

/** Whether a UDP port on loopback is free (the relay closed its socket). */
async function canBind(port: number): Promise<boolean> {
  const s = dgram.createSocket('udp4');
  const ok = await new Promise<boolean>((resolve) => {
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => resolve(true));
  });
  try {
    s.close();
  } catch {
    // never bound
  }
  return ok;
}

async function expectFree(local: Local, free: boolean): Promise<void> {
  expect(await canBind(local.rtpPort)).toBe(free);
  if (local.rtcpPort !== local.rtpPort) expect(await canBind(local.rtcpPort)).toBe(free);
}

describe.each(['bridge', 'rtp'] as const)('relay legs are released when they leave the call (policy %s)', (policy) => {
  let api: RunningApi;
  let client: Client;
  const moh = { address: '127.0.0.1', port: 9 };
  const inline = { leg: { address: '127.0.0.1', port: 9 }, peer: { address: '127.0.0.1', port: 11 } };

  beforeAll(async () => {
    ({ api, client } = await startTestApi(relayPortRange(100)));
  });
  afterAll(async () => {
    await api.close();
  });

  const available = (): number => api.service.relay.pool.available;
  const relayLegs = (callId: string): number => api.service.relay.getCall(callId)?.stats().legs.length ?? -1;
  const managed = (id: string, keyingScope: 'call' | 'leg' = 'call'): object => ({ id, device: securePhone(id), keying: 'managed', keyingScope });

  /** A two-leg secure call; returns the pool count before it had legs and the leg views. */
  async function twoLegCall(callId: string, keyingScope: 'call' | 'leg' = 'call'): Promise<{ before: number; A: { streams: { local: Local }[] }; B: { streams: { local: Local }[] } }> {
    await client.ok('POST', '/v1/calls', { id: callId, policy });
    const before = available();
    const A = await client.ok('POST', `/v1/calls/${callId}/legs`, managed('A', keyingScope));
    const B = await client.ok('POST', `/v1/calls/${callId}/legs`, managed('B', keyingScope));
    expect(available()).toBe(before - 4);
    return { before, A, B };
  }

  it('removing a leg closes its sockets, returns its ports and wipes its managed keys (leg keying)', async () => {
    const { before, B } = await twoLegCall(`rm-${policy}`, 'leg');
    const session = api.service.findSession(`rm-${policy}`);
    const keyLegId = session?.leg('B')?.keyLegId as string;
    const sets: MasterKeySet[] = api.service.keys.endpointKeys(`rm-${policy}`, 'A', keyLegId).flatMap((k) => [k.send, k.receive]);
    await expectFree(B.streams[0].local, false);

    await client.ok('DELETE', `/v1/calls/rm-${policy}/legs/B`);
    expect(available()).toBe(before - 2);
    expect(relayLegs(`rm-${policy}`)).toBe(1);
    await expectFree(B.streams[0].local, true);
    expect(sets.every((s) => s.released)).toBe(true);
    // Idempotent from the API's side: the leg is gone.
    expect((await client.call('DELETE', `/v1/calls/rm-${policy}/legs/B`)).status).toBe(404);
    await client.ok('DELETE', `/v1/calls/rm-${policy}`);
    expect(available()).toBe(before);
  });

  it('removing a call-keyed leg rekeys the call stream for the phone that stays; closing the call wipes every generation', async () => {
    const callId = `rmc-${policy}`;
    const { before, B } = await twoLegCall(callId);
    const gen1 = api.service.keys.callStreamKeys(callId, 'audio');
    expect(gen1.generation).toBe(1);
    await client.ok('DELETE', `/v1/calls/${callId}/legs/B`);
    expect(available()).toBe(before - 2);
    expect(relayLegs(callId)).toBe(1);
    await expectFree(B.streams[0].local, true);
    // What B was given no longer keys A's relay leg: A is on generation 2.
    const gen2 = api.service.keys.callStreamKeys(callId, 'audio');
    expect(gen2.generation).toBe(2);
    expect((await client.ok('GET', `/v1/calls/${callId}/legs/A/keys`)).streams[0]).toMatchObject({ keyingScope: 'call', generation: 2 });
    await client.ok('DELETE', `/v1/calls/${callId}`);
    expect(gen1.released && gen2.released).toBe(true);
    expect(api.service.keys.callKeys(callId)).toEqual([]);
    expect(available()).toBe(before);
  });

  it('hold with MOH then resume, transcoder and MTP in and out: back to the same free port count', async () => {
    const callId = `res-${policy}`;
    const { before } = await twoLegCall(callId);
    const steady = available();

    const held = await client.ok('POST', `/v1/calls/${callId}/hold`, { leg: 'A', moh: { id: 'moh1', remote: moh } });
    const mohLocal = held.resource.local.moh as Local;
    expect(available()).toBeLessThan(steady);
    await expectFree(mohLocal, false);
    await client.ok('POST', `/v1/calls/${callId}/resume`);
    expect(available()).toBe(steady);
    await expectFree(mohLocal, true);

    for (const kind of ['transcoders', 'mtps'] as const) {
      const added = await client.ok('POST', `/v1/calls/${callId}/${kind}`, { id: `${kind}1`, leg: 'A', remotes: inline });
      const near = added.resource.local.near as Local;
      const far = added.resource.local.far as Local;
      expect(available()).toBeLessThan(steady - 3);
      await client.ok('DELETE', `/v1/calls/${callId}/${kind}/${kind}1`);
      expect(available()).toBe(steady);
      await expectFree(near, true);
      await expectFree(far, true);
    }
    expect(relayLegs(callId)).toBe(2);

    // Removing the holding leg drops its MOH with it.
    await client.ok('POST', `/v1/calls/${callId}/hold`, { leg: 'A', moh: { id: 'moh2', remote: moh } });
    await client.ok('DELETE', `/v1/calls/${callId}/legs/A`);
    expect(available()).toBe(before - 2);
    expect(relayLegs(callId)).toBe(1);
    await client.ok('DELETE', `/v1/calls/${callId}`);
    expect(available()).toBe(before);
  });

  it('a transfer releases the old party’s ports; a refused request leaves nothing behind', async () => {
    const callId = `xfer-${policy}`;
    const { before, B } = await twoLegCall(callId);
    const moved = await client.ok('POST', `/v1/calls/${callId}/transfer`, { from: 'B', to: managed('C') });
    expect(moved.leg.id).toBe('C');
    expect(available()).toBe(before - 4);
    await expectFree(B.streams[0].local, true);

    // No common suite: the key manager refuses after nothing was opened; an unknown resource is a model refusal.
    const steady = available();
    const refused = await client.call('POST', `/v1/calls/${callId}/transfer`, { from: 'C', to: { ...managed('D'), suites: ['NO_SUCH_SUITE'] } });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const refusedMtp = await client.call('POST', `/v1/calls/${callId}/mtps`, { id: 'm9', leg: 'nobody', remotes: inline });
    expect(refusedMtp.status).toBeGreaterThanOrEqual(400);
    expect(available()).toBe(steady);
    expect(relayLegs(callId)).toBe(2);
    await client.ok('DELETE', `/v1/calls/${callId}`);
    expect(available()).toBe(before);
  });

  it('an RTP fallback leg (policy rtp) is closed when the fallback ends', async () => {
    const callId = `fb-${policy}`;
    await twoLegCall(callId);
    const steady = available();
    await client.ok('POST', `/v1/calls/${callId}/hold`, { leg: 'A', moh: { id: 'moh1', remote: moh } });
    // Under policy rtp B drops to a plain RTP port of its own (2 more ports) beside the MOH leg.
    const bDuring = (await client.ok('GET', `/v1/calls/${callId}/legs/B`)).streams[0];
    expect(available()).toBe(policy === 'rtp' ? steady - 4 : steady - 2);
    expect(bDuring.transport).toBe(policy === 'rtp' ? 'rtp' : 'srtp');
    await client.ok('POST', `/v1/calls/${callId}/resume`);
    expect(available()).toBe(steady);
    const bAfter = (await client.ok('GET', `/v1/calls/${callId}/legs/B`)).streams[0];
    expect(bAfter.transport).toBe('srtp');
    if (policy === 'rtp') {
      expect(bAfter.local.rtpPort).not.toBe(bDuring.local.rtpPort);
      await expectFree(bDuring.local, true);
    }
    // A second fallback opens a fresh RTP leg and works the same way.
    await client.ok('POST', `/v1/calls/${callId}/hold`, { leg: 'A', moh: { id: 'moh2', remote: moh } });
    await client.ok('POST', `/v1/calls/${callId}/resume`);
    expect(available()).toBe(steady);
    await client.ok('DELETE', `/v1/calls/${callId}`);
  });
});
