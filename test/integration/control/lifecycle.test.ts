/**
 * The ownership tree of call control (mediasoup's lifecycle tests are the model): close is
 * idempotent and cascades, a child's close removes it from its parent, methods reject after
 * close, and a listener that throws cannot leave an operation half applied.
 */
import { relayPortRange } from '../../helpers/port-ranges';
import pino from 'pino';
import { Writable } from 'node:stream';
import { defineCluster } from '../../../src/call';
import { CallController, type LegRequest } from '../../../src/control';
import { KeyManager } from '../../../src/keys';
import { MediaRelay } from '../../../src/relay';
import { Phone, securePhone, UdpPeer } from '../api/helpers';

const RANGE: [number, number] = relayPortRange(200);

class Lines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(chunk.toString('utf8'));
    done();
  }
}

let controller: CallController;
let logs: Lines;
const peers: { close(): void }[] = [];

beforeEach(async () => {
  logs = new Lines();
  const relay = await MediaRelay.create({ portRange: RANGE, bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent' });
  controller = new CallController({ keys: await KeyManager.create(), relay, cluster: defineCluster({ securityMode: 'mixed' }), logger: pino({ level: 'info' }, logs) });
});

afterEach(async () => {
  for (const p of peers.splice(0)) p.close();
  await controller.close();
});

async function phone(): Promise<Phone> {
  const p = await Phone.open();
  peers.push(p);
  return p;
}

const managed = (id: string, p: Phone): LegRequest => ({ id, device: securePhone(id) as LegRequest['device'], keying: 'managed', streams: [{ kind: 'audio', remote: p.endpoint }] });

async function twoLegs(callId: string): Promise<void> {
  await controller.createCall({ id: callId });
  await controller.addLeg(callId, managed('A', await phone()));
  await controller.addLeg(callId, managed('B', await phone()));
}

describe('call control lifecycle', () => {
  it('session close is idempotent, cascades to relay legs and keys, and later operations reject', async () => {
    await twoLegs('l1');
    const session = controller.session('l1');
    const legA = session.mustLeg('A');
    const streamA = legA.stream('audio');
    // Call keying (the default): both phones' sets are the call stream's.
    expect(streamA?.callKeys?.side).toBe('A');
    const sets = controller.keys.endpointCallKeys('l1', 'A').flatMap((k) => [k.send, k.receive]);
    const callKeys = controller.keys.callKeys('l1');
    expect(callKeys).toHaveLength(1);
    const closes: string[] = [];
    session.on('close', (reason) => closes.push(reason));
    const closed: string[] = [];
    controller.on('callclosed', (e) => closed.push(e.reason));
    await Promise.all([session.close('deleted'), session.close('deleted')]);
    await session.close('shutdown');
    expect(closes).toEqual(['deleted']);
    expect(closed).toEqual(['deleted']);
    expect(session.legs()).toEqual([]);
    expect([legA.closed, streamA?.closed, streamA?.srtpRelayLeg]).toEqual([true, true, null]);
    expect(controller.findSession('l1')).toBeUndefined();
    expect(controller.relay.getCall('l1')).toBeUndefined();
    // The ports come back once the worker has closed their sockets, not before.
    expect(controller.relay.pool.available).toBe(RANGE[1] - RANGE[0] + 1 - 4);
    await session.relayCall.close();
    expect(controller.relay.pool.available).toBe(RANGE[1] - RANGE[0] + 1);
    expect(sets.every((s) => s.released)).toBe(true);
    expect(callKeys.every((k) => k.released)).toBe(true);
    expect(controller.keys.callKeys('l1')).toEqual([]);
    await expect(session.operate(async () => undefined)).rejects.toMatchObject({ code: 'API_ERR_UNKNOWN_CALL', statusCode: 404 });
    expect(() => controller.getCall('l1')).toThrow(expect.objectContaining({ code: 'API_ERR_UNKNOWN_CALL' }));
  });

  it('a child that closes leaves its parent: stream, leg, resource, bridge port, bridge', async () => {
    await twoLegs('l2');
    const session = controller.session('l2');
    const leg = session.mustLeg('A');
    await controller.addStream('l2', 'A', { kind: 'video', remote: (await phone()).endpoint });
    expect(leg.streams().map((s) => s.kind)).toEqual(['audio', 'video']);
    await leg.stream('video')?.close(true);
    expect(leg.stream('video')).toBeUndefined();
    const moh = new UdpPeer(await UdpPeer.bind());
    peers.push(moh);
    await controller.hold('l2', { leg: 'A', moh: { id: 'moh1', remote: moh.endpoint } });
    const r = session.resource('moh1');
    await r?.close();
    await r?.close();
    expect(session.resource('moh1')).toBeUndefined();
    const bridgePeer = new UdpPeer(await UdpPeer.bind());
    peers.push(bridgePeer);
    await controller.resume('l2');
    await controller.startConference('l2', { initiator: 'A', bridges: [{ id: 'cfb', remote: bridgePeer.endpoint }] });
    const bridge = session.bridge;
    expect(bridge?.ports().map((p) => p.legId)).toEqual(['A', 'B']);
    await bridge?.port('B', 'audio')?.close();
    expect(bridge?.ports().map((p) => p.legId)).toEqual(['A']);
    await bridge?.close();
    expect(session.bridge).toBeNull();
    await leg.close();
    expect(session.leg('A')).toBeUndefined();
    expect(leg.streams()).toEqual([]);
  });

  it('a listener that throws is logged and cannot break an operation or the emitter', async () => {
    controller.on('legadded', () => {
      throw new Error('listener bug');
    });
    let seen = 0;
    controller.on('legadded', () => {
      seen += 1;
    });
    controller.on('securitychange', () => {
      throw new Error('listener bug 2');
    });
    await twoLegs('l3');
    expect(seen).toBe(2);
    const session = controller.session('l3');
    expect(session.legs().map((l) => l.id)).toEqual(['A', 'B']);
    // Committed and plumbed: the two legs are paired in the relay.
    const a = session.mustLeg('A').stream('audio')?.srtpRelayLeg as string;
    const b = session.mustLeg('B').stream('audio')?.srtpRelayLeg as string;
    expect(controller.relay.getCall('l3')?.leg(a)?.peerId).toBe(b);
    expect(controller.security('l3').status).toBe('encrypted');
    expect(logs.lines.join('')).toContain('listener threw');
    // The next operation runs normally.
    const removed = await controller.removeLeg('l3', 'B');
    expect(removed.call.legs.map((l) => l.id)).toEqual(['A']);
  });

  it('controller close is idempotent and later calls reject with API_ERR_SHUTTING_DOWN', async () => {
    await twoLegs('l4');
    await Promise.all([controller.close(), controller.close()]);
    expect(controller.callCount()).toBe(0);
    await expect(controller.createCall({ id: 'l5' })).rejects.toMatchObject({ code: 'API_ERR_SHUTTING_DOWN', statusCode: 503 });
  });

  it('a refused operation changes nothing', async () => {
    await twoLegs('l6');
    const session = controller.session('l6');
    const before = session.snapshot();
    await expect(controller.addLeg('l6', managed('C', await phone()))).rejects.toMatchObject({ code: 'API_ERR_MULTIPARTY_UNSUPPORTED' });
    await expect(controller.hold('l6', { leg: 'nobody' })).rejects.toBeDefined();
    await expect(controller.transfer('l6', { from: 'B', to: { ...managed('A', await phone()) } })).rejects.toMatchObject({ code: 'API_ERR_DUPLICATE_LEG', statusCode: 409 });
    expect(session.snapshot()).toEqual(before);
  });
});
