/**
 * `POST /v1/cluster/activate` on a standby (docs/ha.md "Standby and takeover"; keepalived's
 * notify_master calls it when the floating address arrives): the real HTTP route on the standby's
 * HaNode, a shared in-process store standing in for Redis. A foreign call named in `callIds` is
 * taken over by the request alone (no media or signalling reached it first): it becomes owned,
 * its record is rewritten with the new owner, and media continues above the old node's stored
 * index reservation. An id the node does not hold fails the whole request with a clear error and
 * takes nothing over; the route needs the token; without `callIds` every foreign call is taken and
 * the node becomes active.
 */
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { buildServer, EventHub } from '../../../src/api';
import type { LegRequest } from '../../../src/control';
import { relayPortRange } from '../../helpers/port-ranges';
import { Client, Phone, phoneOffer, securePhone, sleep, TOKEN, type Reply } from '../api/helpers';
import { closeNodes, haTestNode, killNode, onClose, until, type TestNode } from './ha-test-node';
import { SharedState } from './shared-store';

const RANGE: [number, number] = relayPortRange(100);

afterEach(closeNodes);

/** The standby's real HTTP server on loopback (port from the OS) and a client for activate. */
async function listen(b: TestNode): Promise<(body: unknown, token?: string | null) => Promise<Reply>> {
  const app = await buildServer({ service: b.c, events: new EventHub(), token: TOKEN, logger: pino({ level: 'silent' }), version: 'test', cluster: b.ha });
  onClose(() => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as AddressInfo;
  const client = new Client(`http://127.0.0.1:${address.port}`);
  return (body, token) => client.call('POST', '/v1/cluster/activate', body, token === undefined ? {} : { token });
}

const ownerOf = (shared: SharedState, callId: string): string => JSON.parse(shared.calls.get(callId) as string).owner;
const outReservations = (shared: SharedState, callId: string): number[] =>
  [...(shared.indexes.get(callId) ?? [])].filter(([f]) => JSON.parse(f)[1] === 'out').map(([, v]) => v);

describe('POST /v1/cluster/activate', () => {
  it('takes over the named foreign call by request alone; media continues above the reservation; errors are clear', async () => {
    const shared = new SharedState();
    const a = await haTestNode(shared, 'active', 'node-a', RANGE);
    // x1: SDES both sides, media through node A (reservations stored). x2: silent (no media ever).
    await a.c.createCall({ id: 'x1' });
    await a.c.createCall({ id: 'x2' });
    const P = await Phone.open();
    const Q = await Phone.open();
    const R = await Phone.open();
    onClose(() => P.close());
    onClose(() => Q.close());
    onClose(() => R.close());
    const offers = [phoneOffer('AES_CM_128_HMAC_SHA1_80'), phoneOffer('AEAD_AES_128_GCM')];
    for (const [i, [id, p]] of ([['P', P], ['Q', Q]] as const).entries()) {
      const leg = await a.c.addLeg('x1', { id, device: securePhone(id) as LegRequest['device'], keying: 'sdes', streams: [{ kind: 'audio', remote: p.endpoint, crypto: [offers[i].line] }] });
      p.useSdes(offers[i].set, leg.streams[0].crypto as string);
      p.relayPort = leg.streams[0].local?.rtpPort ?? 0;
    }
    await a.c.addLeg('x2', { id: 'R', device: securePhone('R') as LegRequest['device'], keying: 'managed', streams: [{ kind: 'audio', remote: R.endpoint }] });
    await P.talk('warm', 3);
    await sleep(100);
    await P.talk('a', 10);
    const before = await Q.hear('a', 10);
    expect(before.every((r) => r.status === 0)).toBe(true);
    await until('both records', () => shared.calls.has('x1') && shared.calls.has('x2'));
    const reserved = outReservations(shared, 'x1');
    expect(reserved.length).toBeGreaterThanOrEqual(1);
    const limit = Math.max(...reserved);
    expect(limit).toBeGreaterThanOrEqual(Math.max(...before.map((r) => r.seq)));

    await killNode(a);
    const b: TestNode = await haTestNode(shared, 'standby', 'node-b', RANGE);
    await b.ha.start();
    await until('both calls foreign', () => b.ha.status().calls.foreign === 2 && b.c.findSession('x1') !== undefined && b.c.findSession('x2') !== undefined);
    const activate = await listen(b);

    // Without the token: refused, nothing taken over.
    const anonymous = await activate({ callIds: ['x1'] }, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('API_ERR_UNAUTHORIZED');
    const wrongToken = await activate({ callIds: ['x1'] }, `${TOKEN}x`);
    expect(wrongToken.status).toBe(401);
    // A malformed body: the schema's error.
    const malformed = await activate({ callIds: 'x1' });
    expect(malformed.status).toBe(400);
    // An id this node does not hold fails the whole request, naming the field; x1 is not taken.
    const unknown = await activate({ callIds: ['x1', 'no-such-call'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toEqual({ code: 'API_ERR_UNKNOWN_CALL', message: 'no such call', field: 'callIds[1]' });
    expect(b.ha.status().calls).toEqual({ owned: 0, foreign: 2 });
    expect(b.ha.status().totals.takeovers).toBe(0);
    expect(ownerOf(shared, 'x1')).toBe('node-a');

    // The request alone takes x1 over (no packet reached node B yet); x2 stays foreign.
    const taken = await activate({ callIds: ['x1'] });
    expect(taken.status).toBe(200);
    expect(taken.body.activated).toEqual(['x1']);
    expect(taken.body.cluster.role).toBe('standby');
    expect(taken.body.cluster.calls).toEqual({ owned: 1, foreign: 1 });
    expect(taken.body.cluster.totals.takeovers).toBe(1);
    expect(b.ha.isForeign('x1')).toBe(false);
    expect(b.ha.isForeign('x2')).toBe(true);
    await until('x1 rewritten by node-b', () => ownerOf(shared, 'x1') === 'node-b');
    expect(ownerOf(shared, 'x2')).toBe('node-a');
    expect(b.c.security('x1').status).toBe('encrypted');
    // Asked again (keepalived may repeat): not an error, nothing more to take.
    const again = await activate({ callIds: ['x1'] });
    expect(again.status).toBe(200);
    expect(again.body.activated).toEqual([]);
    expect(again.body.cluster.totals.takeovers).toBe(1);

    // Media continues through node B, above node A's reservation (ROC 0 here: seq is the index).
    await P.talk('warm-b', 3);
    await sleep(100);
    await P.talk('b', 10);
    const after = await Q.hear('b', 10);
    expect(after.every((r) => r.status === 0)).toBe(true);
    for (const r of after) expect(r.seq).toBeGreaterThan(limit);
    await Q.talk('back', 3);
    await sleep(100);
    await Q.talk('c', 10);
    expect((await P.hear('c', 10)).every((r) => r.status === 0)).toBe(true);
    // Node B's own reservations are in the store now, above node A's.
    await until('node-b reservations stored', () => Math.max(...outReservations(shared, 'x1')) > limit);

    // Without callIds: every foreign call, and the node becomes active.
    const all = await activate({});
    expect(all.status).toBe(200);
    expect(all.body.activated).toEqual(['x2']);
    expect(all.body.cluster.role).toBe('active');
    expect(all.body.cluster.calls).toEqual({ owned: 2, foreign: 0 });
    await until('x2 rewritten by node-b', () => ownerOf(shared, 'x2') === 'node-b');
  });
});
