/**
 * Lifecycle of relay, calls and legs: port exhaustion is a clear error and leaks nothing,
 * close is idempotent and really closes sockets and wipes contexts, methods reject after close,
 * a port taken by another process is skipped, and a dead worker is reported with its calls.
 */
jest.setTimeout(30_000);

import dgram from 'node:dgram';
import { MediaRelay, RelayErrorCode } from '../../../src/relay';
import { keysFor, SrtpStatus } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind({ port, address: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

describe('relay lifecycle', () => {
  it('reports port exhaustion clearly and returns every port on close', async () => {
    const [lo, hi] = relayPortRange(4);
    const relay = await MediaRelay.create({ portRange: [lo, hi], bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent' });
    try {
      const call = await relay.createCall('full');
      await call.addLeg({ id: 'a' });
      await call.addLeg({ id: 'b' });
      await expect(call.addLeg({ id: 'c' })).rejects.toMatchObject({ code: RelayErrorCode.PortsExhausted, message: expect.stringContaining(`[${lo}, ${hi}]`) });
      await expect(call.addLeg({ id: 'd', rtcpMux: true })).rejects.toMatchObject({ code: RelayErrorCode.PortsExhausted });
      expect(relay.pool.available).toBe(0);
      expect(await bindable(lo)).toBe(false); // the relay holds it
      await call.close();
      expect(relay.pool.available).toBe(4);
      for (let port = lo; port <= hi; port += 1) expect(await bindable(port)).toBe(true);
      // And the range is usable again.
      const again = await relay.createCall('again');
      await again.addLeg({ id: 'a', rtcpMux: true });
      await again.addLeg({ id: 'b' });
      expect(relay.pool.available).toBe(1);
    } finally {
      await relay.close();
    }
    expect(relay.pool.available).toBe(4);
  });

  it('skips a port another process holds', async () => {
    const squatter = dgram.createSocket('udp4');
    const portRange = relayPortRange(10);
    await new Promise<void>((r) => squatter.bind({ port: portRange[0], address: '127.0.0.1', exclusive: true }, r));
    const relay = await MediaRelay.create({ portRange, bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent' });
    try {
      const call = await relay.createCall('squat');
      const local = await call.addLeg({ id: 'a' });
      expect(local.rtpPort).toBe(portRange[0] + 2);
      expect(relay.pool.available).toBe(8);
    } finally {
      squatter.close();
      await relay.close();
    }
  });

  it('closes idempotently, wipes contexts, and rejects use after close', async () => {
    const relay = await MediaRelay.create({ portRange: relayPortRange(20), bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent' });
    const call = await relay.createCall('c1');
    await call.addLeg({ id: 'a', srtp: { inbound: keysFor('AES_CM_128_HMAC_SHA1_80'), outbound: keysFor('AES_CM_128_HMAC_SHA1_80') } });
    await call.addLeg({ id: 'b' });
    const engineLeg = relay.inlineEngine()!.leg('c1', 'a');
    expect(engineLeg.inbound!.verifyRtp(Buffer.alloc(40))).not.toBe(SrtpStatus.Closed);

    await Promise.all([call.close(), call.close()]);
    await call.close();
    expect(call.closed).toBe(true);
    expect(relay.getCall('c1')).toBeUndefined();
    expect(relay.pool.available).toBe(relay.pool.size);
    expect(engineLeg.closed).toBe(true);
    expect(engineLeg.inbound!.verifyRtp(Buffer.alloc(40))).toBe(SrtpStatus.Closed);
    expect(engineLeg.outbound!.protectRtp(Buffer.alloc(40))).toBe(SrtpStatus.Closed);
    await expect(call.addLeg({ id: 'z' })).rejects.toMatchObject({ code: RelayErrorCode.Closed });
    await expect(call.connect('a', 'b')).rejects.toMatchObject({ code: RelayErrorCode.Closed });

    const open = await relay.createCall('c2');
    await open.addLeg({ id: 'a' });
    await relay.close();
    await relay.close();
    expect(open.closed).toBe(true);
    expect(relay.pool.available).toBe(relay.pool.size);
    await expect(relay.createCall('c3')).rejects.toMatchObject({ code: RelayErrorCode.Closed });
  });

  it('rejects bad options with typed errors', async () => {
    await expect(MediaRelay.create({ portRange: [2000, 1000], workers: 0 })).rejects.toMatchObject({ code: RelayErrorCode.BadOption });
    const portRange = relayPortRange(10);
    await expect(MediaRelay.create({ portRange, bindAddress: 'localhost', workers: 0 })).rejects.toMatchObject({ code: RelayErrorCode.BadOption });
    const relay = await MediaRelay.create({ portRange, bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent' });
    try {
      const call = await relay.createCall('opts');
      await expect(relay.createCall('opts')).rejects.toMatchObject({ code: RelayErrorCode.DuplicateCall });
      await expect(call.addLeg({ id: 'a', latching: 'authenticated' })).rejects.toMatchObject({ code: RelayErrorCode.BadOption });
      await expect(call.addLeg({ id: 'a', remote: { address: 'example.com', port: 1 } })).rejects.toMatchObject({ code: RelayErrorCode.BadOption });
      await call.addLeg({ id: 'a' });
      await expect(call.addLeg({ id: 'a' })).rejects.toMatchObject({ code: RelayErrorCode.DuplicateLeg });
      await expect(call.connect('a', 'nope')).rejects.toMatchObject({ code: RelayErrorCode.UnknownLeg });
      expect(relay.pool.available).toBe(relay.pool.size - 2);
    } finally {
      await relay.close();
    }
  });

  it('a closing call frees its id at once but its ports only when the worker confirms', async () => {
    const [lo, hi] = relayPortRange(2);
    const relay = await MediaRelay.create({ portRange: [lo, hi], bindAddress: '127.0.0.1', workers: 1, logLevel: 'silent' });
    try {
      const old = await relay.createCall('same');
      await old.addLeg({ id: 'a', rtcpMux: true });
      await old.addLeg({ id: 'b', rtcpMux: true });
      expect(relay.pool.available).toBe(0);
      const closing = old.close();
      expect(relay.getCall('same')).toBeUndefined();
      // The id is free now; the ports are not: the worker has not closed their sockets yet.
      const again = await relay.createCall('same');
      expect(again).not.toBe(old);
      await expect(again.addLeg({ id: 'a', rtcpMux: true })).rejects.toMatchObject({ code: RelayErrorCode.PortsExhausted });
      await closing;
      expect(relay.pool.available).toBe(2);
      // Same call id, same leg ids, same ports: the worker closed the old call first.
      const a = await again.addLeg({ id: 'a', rtcpMux: true });
      const b = await again.addLeg({ id: 'b', rtcpMux: true });
      expect([a.rtpPort, b.rtpPort].sort()).toEqual([lo, hi]);
      await again.connect('a', 'b');
      expect(relay.getCall('same')).toBe(again);
    } finally {
      await relay.close();
    }
    expect(relay.pool.available).toBe(2);
  });

  it('detects a dead worker, reports its calls, returns their ports and keeps serving', async () => {
    const relay = await MediaRelay.create({ portRange: relayPortRange(40), bindAddress: '127.0.0.1', workers: 2, logLevel: 'silent' });
    try {
      const c1 = await relay.createCall('on-0');
      const c2 = await relay.createCall('on-1');
      const victim = c1.worker.index;
      await c1.addLeg({ id: 'a', srtp: { inbound: keysFor('AEAD_AES_128_GCM'), outbound: keysFor('AEAD_AES_128_GCM') } });
      await c1.addLeg({ id: 'b' });
      await c2.addLeg({ id: 'a' });
      const died = new Promise<{ index: number; callIds: readonly string[] }>((r) => relay.once('workerDied', r));
      await relay.killWorker(victim);
      const e = await died;
      expect(e.index).toBe(victim);
      expect(e.callIds).toEqual(['on-0']);
      expect(c1.closed).toBe(true);
      expect(c2.closed).toBe(false);
      expect(relay.callIds()).toEqual(['on-1']);
      expect(relay.pool.available).toBe(relay.pool.size - 2);
      await expect(c1.addLeg({ id: 'c' })).rejects.toMatchObject({ code: RelayErrorCode.Closed });
      // The replacement worker takes new calls.
      for (let i = 0; i < 50 && !relay.workerLoad().every((w) => w.alive); i++) await new Promise((r) => setTimeout(r, 100));
      expect(relay.workerLoad().every((w) => w.alive)).toBe(true);
      const c3 = await relay.createCall('after');
      expect(c3.worker.index).toBe(victim);
      await c3.addLeg({ id: 'a', rtcpMux: true });
    } finally {
      await relay.close();
    }
  }, 30_000);
});
