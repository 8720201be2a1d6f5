/**
 * Leg operations the control API needs: removing one leg (sockets closed, ports returned,
 * keys wiped, the peer left unpaired), ports reserved for an SDES offer before the peer's key is
 * known, and key lifetime events forwarded from the worker's contexts.
 */
jest.setTimeout(30_000);

import dgram from 'node:dgram';
import { MediaRelay, RelayErrorCode, type KeyLimitWorkerEvent } from '../../../src/relay';
import { Endpoint, keysFor, protectRtp, rtpPacket, settle, SrtpContext } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe.each([0, 1])('leg operations (workers: %i)', (workers) => {
  let relay: MediaRelay;
  const endpoints: Endpoint[] = [];
  beforeAll(async () => {
    relay = await MediaRelay.create({ portRange: relayPortRange(50), bindAddress: '127.0.0.1', workers, logLevel: 'silent' });
  });
  afterAll(async () => {
    for (const e of endpoints) e.close();
    await relay?.close();
  });

  it('removeLeg closes the leg, returns its ports, unpairs its peer, and is idempotent', async () => {
    const call = await relay.createCall(`remove-${workers}`);
    const a = await Endpoint.open();
    const b = await Endpoint.open();
    endpoints.push(a, b);
    const la = await call.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: a.port }, latching: 'strict' });
    const lb = await call.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: b.port }, latching: 'strict' });
    await call.connect('a', 'b');
    await a.send(rtpPacket(1, 1), la.rtpPort);
    await b.waitFor(1);
    const free = relay.pool.available;
    await call.removeLeg('b');
    expect(relay.pool.available).toBe(free + 2);
    expect(await canBind(lb.rtpPort)).toBe(true);
    expect(call.stats().legs.map((l) => l.id)).toEqual(['a']);
    await call.removeLeg('b');
    await a.send(rtpPacket(1, 2), la.rtpPort);
    await settle();
    expect(b.received.length).toBe(1);
    const counters = call.stats().legs[0].counters;
    expect(counters.droppedNoRoute).toBe(1);
    await call.close();
  });

  it('reserves ports for an offer, opens the SRTP leg on them once keys are known, and cancels cleanly', async () => {
    const call = await relay.createCall(`reserve-${workers}`);
    const free = relay.pool.available;
    const reservation = call.reservePorts(true);
    expect(relay.pool.available).toBe(free - 1);
    const phone = keysFor('AES_CM_128_HMAC_SHA1_80');
    const relaySide = keysFor('AES_CM_128_HMAC_SHA1_80');
    const local = await call.addLeg({ id: 'sdes', rtcpMux: true, reservation, srtp: { inbound: phone, outbound: relaySide } });
    expect(local.rtpPort).toBe(reservation.rtpPort);
    await expect(call.addLeg({ id: 'again', rtcpMux: true, reservation })).rejects.toMatchObject({ code: RelayErrorCode.BadOption });
    const spare = call.reservePorts(false);
    call.cancelReservation(spare);
    call.cancelReservation(spare);
    expect(relay.pool.available).toBe(free - 1);
    const leftover = call.reservePorts(false);
    void leftover;
    await call.close();
    expect(relay.pool.available).toBe(free);
  });

  it('forwards key soft-limit and lifetime events of a leg, without key bytes', async () => {
    const call = await relay.createCall(`keylimit-${workers}`);
    const events: KeyLimitWorkerEvent[] = [];
    const onLimit = (e: KeyLimitWorkerEvent): void => { if (e.callId === call.id) events.push(e); };
    relay.on('keylimit', onLimit);
    const phone = keysFor('AES_CM_128_HMAC_SHA1_80');
    const shortLived = { ...phone, keys: { ...(phone.keys as { key: Uint8Array; salt: Uint8Array }), lifetime: 16 }, softLimitMargin: 2 };
    const a = await Endpoint.open();
    const b = await Endpoint.open();
    endpoints.push(a, b);
    const la = await call.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: a.port }, srtp: { inbound: shortLived, outbound: keysFor('AES_CM_128_HMAC_SHA1_80') } });
    await call.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: b.port }, latching: 'strict' });
    await call.connect('a', 'b');
    const sender = new SrtpContext(phone);
    for (let seq = 0; seq < 18; seq++) await a.send(protectRtp(sender, rtpPacket(7, seq)), la.rtpPort);
    await b.waitFor(16);
    await settle();
    relay.off('keylimit', onLimit);
    expect(events.map((e) => `${e.legId}:${e.direction}:${e.kind}:${e.used}`)).toEqual(['a:inbound:keysoftlimit:14', 'a:inbound:keyexpired:16']);
    expect(JSON.stringify(events)).not.toContain(Buffer.from((phone.keys as { key: Uint8Array }).key).toString('hex'));
    expect(call.stats().legs[0].counters.keyExpired).toBe(2);
    await call.close();
  });
});
