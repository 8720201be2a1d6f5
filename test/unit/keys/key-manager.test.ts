import { KeyErrorCode, KeyManager, type MasterKey } from '../../../src/keys';

describe('KeyManager managed keying (seed 003 steps 1-7)', () => {
  let km: KeyManager;
  beforeEach(async () => {
    km = await KeyManager.create({ env: {} });
  });
  afterEach(() => km.close());

  const phones = { a: ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'], b: ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'] };

  it('creates two sets per stream (A→B, B→A) with the policy suite', () => {
    const streams = km.createLegKeys({ callId: 'c1', streams: ['audio', 'video'], ...phones });
    expect(streams.map((s) => [s.stream, s.profile.name])).toEqual([['audio', 'AEAD_AES_128_GCM'], ['video', 'AEAD_AES_128_GCM']]);
    for (const s of streams) expect(s.aToB.keys[0].sameMaterialAs(s.bToA.keys[0])).toBe(false);
  });

  it('each endpoint gets its send set and the other side’s send set as its receive set', () => {
    km.createLegKeys({ callId: 'c1', streams: ['audio', 'video'], ...phones });
    const a = km.endpointKeys('c1', 'A');
    const b = km.endpointKeys('c1', 'B');
    for (let i = 0; i < 2; i++) {
      expect(a[i].send).toBe(b[i].receive);
      expect(a[i].receive).toBe(b[i].send);
      expect(a[i].send).not.toBe(a[i].receive);
    }
  });

  it('no two directions, streams, legs or calls share a master key (200 calls × 2 legs × 2 streams × 2 directions)', () => {
    const keys: MasterKey[] = [];
    for (let c = 0; c < 200; c++) {
      for (const legId of ['caller-relay', 'relay-callee']) {
        for (const s of km.createLegKeys({ callId: `call-${c}`, legId, streams: ['audio', 'video'], ...phones })) keys.push(...s.aToB.keys, ...s.bToA.keys);
      }
    }
    expect(keys).toHaveLength(1600);
    // Hash each key's delivered bytes; any collision between two sets would show as a duplicate.
    const seen = new Set<string>();
    for (const k of keys) {
      const d = k.deliver();
      seen.add(Buffer.from(d.key).toString('hex'));
      seen.add('salt:' + Buffer.from(d.salt).toString('hex'));
    }
    expect(seen.size).toBe(3200);
  });

  it('no common suite fails the request and stores nothing', () => {
    expect(() => km.createLegKeys({ callId: 'c2', a: ['AEAD_AES_256_GCM'], b: ['AES_CM_128_HMAC_SHA1_32'] })).toThrow(expect.objectContaining({ code: KeyErrorCode.NoCommonSuite }));
    expect(km.hasCall('c2')).toBe(false);
  });

  it('refuses a second key request for the same leg; unknown calls are typed errors', () => {
    km.createLegKeys({ callId: 'c1', ...phones });
    expect(() => km.createLegKeys({ callId: 'c1', ...phones })).toThrow(expect.objectContaining({ code: KeyErrorCode.DuplicateCall }));
    expect(() => km.endpointKeys('nope', 'A')).toThrow(expect.objectContaining({ code: KeyErrorCode.UnknownCall }));
  });

  it('releaseCall wipes every key of the call, including rekeyed ones; idempotent', () => {
    const [s] = km.createLegKeys({ callId: 'c1', ...phones });
    const next = km.rekey('c1', 'audio', 'aToB');
    expect(next.keys[0].sameMaterialAs(s.aToB.keys[0])).toBe(false);
    expect(km.endpointKeys('c1', 'A')[0].send).toBe(next);
    expect(s.aToB.released).toBe(false); // kept until the call ends: packets in flight may use it
    km.releaseCall('c1');
    expect([s.aToB.released, s.bToA.released, next.released]).toEqual([true, true, true]);
    expect(km.hasCall('c1')).toBe(false);
    km.releaseCall('c1');
  });

  it('close() wipes everything and later requests fail; close is idempotent', () => {
    const [s] = km.createLegKeys({ callId: 'c1', ...phones });
    km.close();
    km.close();
    expect(s.aToB.released).toBe(true);
    expect(() => km.createLegKeys({ callId: 'c9', ...phones })).toThrow(expect.objectContaining({ code: KeyErrorCode.Released }));
  });

  it('MKI key sets when configured: several keys per direction for rollover', async () => {
    const mkm = await KeyManager.create({ keys: { keyCount: 3, mkiLength: 2 }, env: {} });
    const [s] = mkm.createLegKeys({ callId: 'c1', ...phones });
    expect(s.aToB.keys.map((k) => k.mkiHex)).toEqual(['0001', '0002', '0003']);
    mkm.close();
  });

  it('its JSON view carries counts only', () => {
    km.createLegKeys({ callId: 'c1', ...phones });
    expect(JSON.parse(JSON.stringify(km))).toEqual({ calls: 1, closed: false });
  });
});
