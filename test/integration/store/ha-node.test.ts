/**
 * The HA node (src/store/ha-node.ts) on loopback with an in-process shared store standing in for
 * Redis (the real one is in test/interop/ha-failover.test.ts): records written on commit with
 * keys sealed, an SRTP index reservation persisted before the relay protects, a standby that
 * restores the call, takes it over and continues above the stored reservation, and the call's
 * keys removed from the store when it ends there.
 */
import type { LegRequest } from '../../../src/control';
import { relayPortRange } from '../../helpers/port-ranges';
import { Phone, phoneOffer, securePhone, sleep } from '../api/helpers';
import { closeNodes, haTestNode, killNode, onClose, until } from './ha-test-node';
import { SharedState } from './shared-store';

const RANGE: [number, number] = relayPortRange(100);
const node = (shared: SharedState, role: 'active' | 'standby', nodeId: string) => haTestNode(shared, role, nodeId, RANGE);

afterEach(closeNodes);

describe('HaNode', () => {
  it('writes sealed records, reserves before protecting, and a standby continues above the reservation', async () => {
    const shared = new SharedState();
    const a = await node(shared, 'active', 'node-a');
    await a.c.createCall({ id: 'h1' });
    const P = await Phone.open();
    const Q = await Phone.open();
    onClose(() => P.close());
    onClose(() => Q.close());
    const offers = [phoneOffer('AEAD_AES_128_GCM'), phoneOffer('AES_CM_128_HMAC_SHA1_80')];
    for (const [i, [id, p]] of ([['P', P], ['Q', Q]] as const).entries()) {
      const leg = await a.c.addLeg('h1', { id, device: securePhone(id) as LegRequest['device'], keying: 'sdes', streams: [{ kind: 'audio', remote: p.endpoint, crypto: [offers[i].line] }] });
      p.useSdes(offers[i].set, leg.streams[0].crypto as string);
      p.relayPort = leg.streams[0].local?.rtpPort ?? 0;
    }
    await until('the record', () => shared.calls.has('h1'));
    const record = shared.calls.get('h1') as string;
    expect(record).toContain('"alg":"secretbox"');
    for (const o of offers) {
      const inline = /inline:([^|\s]+)/.exec(o.line)?.[1] as string;
      const raw = Buffer.from(inline, 'base64');
      for (const form of [inline, raw.toString('hex'), raw.subarray(0, 16).toString('base64').slice(0, 20)]) expect(record).not.toContain(form);
    }

    // The first packets wait for the first reservation (dropped, counted), then media flows.
    await P.talk('warm', 3);
    await sleep(100);
    await P.talk('a', 10);
    const heard = await Q.hear('a', 10);
    expect(heard.every((r) => r.status === 0)).toBe(true);
    const qLeg = a.c.session('h1').relayCall.stats().legs.find((l) => l.local.rtpPort === Q.relayPort);
    expect(qLeg?.counters.indexReservationDrops).toBeGreaterThanOrEqual(1);
    const table = shared.indexes.get('h1') as Map<string, number>;
    const out = [...table].filter(([f]) => JSON.parse(f)[1] === 'out').map(([, v]) => v);
    expect(out.length).toBeGreaterThanOrEqual(1);
    const maxBefore = Math.max(...heard.map((r) => r.seq));
    expect(Math.max(...out)).toBeGreaterThanOrEqual(maxBefore);

    // Node A dies (its sockets go; nothing is deleted from the store); B restores and takes over.
    await killNode(a);
    const b = await node(shared, 'standby', 'node-b');
    await b.ha.start();
    await until('the foreign call', () => b.ha.status().calls.foreign === 1 && b.c.findSession('h1') !== undefined);
    expect(b.c.security('h1').status).toBe('encrypted');
    await P.talk('take', 3); // media arrives: the standby takes the call over
    await until('the takeover', () => b.ha.status().calls.owned === 1);
    await sleep(100);
    await P.talk('b', 10);
    const after = await Q.hear('b', 10);
    expect(after.every((r) => r.status === 0)).toBe(true);
    // Every index the standby protected is above the stored reservation (ROC 0 here: seq is the index).
    const limit = Math.max(...out);
    for (const r of after) expect(r.seq).toBeGreaterThan(limit % 0x10000);
    expect(JSON.parse(shared.calls.get('h1') as string).owner).toBe('node-b');

    await b.c.deleteCall('h1');
    await until('the keys gone from the store', () => !shared.calls.has('h1') && !shared.indexes.has('h1'));
  });

  it('takes a foreign call over when signalling for it arrives (an operation on the standby)', async () => {
    const shared = new SharedState();
    const a = await node(shared, 'active', 'node-a');
    await a.c.createCall({ id: 'h2' });
    const P = await Phone.open();
    onClose(() => P.close());
    await a.c.addLeg('h2', { id: 'P', device: securePhone('P') as LegRequest['device'], keying: 'managed', streams: [{ kind: 'audio', remote: P.endpoint }] });
    await until('the record', () => shared.calls.has('h2'));
    await killNode(a);
    const b = await node(shared, 'standby', 'node-b');
    await b.ha.start();
    await until('the foreign call', () => b.ha.status().calls.foreign === 1 && b.c.findSession('h2') !== undefined);
    await b.c.updatePolicy('h2', 'rtp');
    await until('the takeover', () => b.ha.status().calls.owned === 1);
    await until('the record written by node-b', () => JSON.parse(shared.calls.get('h2') as string).owner === 'node-b');
    expect(JSON.parse(shared.calls.get('h2') as string).snapshot.model.policy).toBe('rtp');
  });
});
