import sodium from 'libsodium-wrappers';
import { generateKeySet, initKeys, KeyErrorCode, KeyManager, NodeKey, openFromStore, openSealed, sealForDevice, sealForStore } from '../../../src/keys';
import { resolveProfile } from '../../../src/srtp/protection-profile';

beforeAll(async () => {
  await initKeys();
});

function material(set: ReturnType<typeof generateKeySet>): string[] {
  return set.deliver().keys.flatMap((k) => [Buffer.from(k.key).toString('hex'), Buffer.from(k.key).toString('base64'), Buffer.from(k.salt).toString('hex')]);
}

describe('persisted key state (crypto_secretbox under the node key)', () => {
  const nodeKeyText = Buffer.alloc(32, 7).toString('base64');

  it('round-trips a call through a store record that holds neither the keys nor the node key', async () => {
    const km = await KeyManager.create({ nodeKey: nodeKeyText, env: {}, keys: { keyCount: 2, mkiLength: 1, lifetime: 2 ** 20 } });
    const [s] = km.createLegKeys({ callId: 'c1', streams: ['audio'], a: ['AEAD_AES_256_GCM'], b: ['AEAD_AES_256_GCM'] });
    const record = km.persist('c1');
    const text = JSON.stringify(record);
    for (const m of [...material(s.aToB), ...material(s.bToA)]) expect(text).not.toContain(m);
    expect(text).not.toContain(nodeKeyText);
    expect(Object.keys(record).sort()).toEqual(['alg', 'box', 'nonce', 'v']);

    const other = await KeyManager.create({ nodeKey: nodeKeyText, env: {} });
    other.restore('c1', JSON.parse(text));
    const [r] = other.endpointKeys('c1', 'A');
    expect(r.send.keys.map((k, i) => k.sameMaterialAs(s.aToB.keys[i]))).toEqual([true, true]);
    expect(r.receive.keys.map((k, i) => k.sameMaterialAs(s.bToA.keys[i]))).toEqual([true, true]);
    expect(r.send.keys.map((k) => [k.mkiHex, k.lifetime])).toEqual([['01', 2 ** 20], ['02', 2 ** 20]]);
    km.close();
    other.close();
  });

  it('a wrong node key or a tampered record fails authentication', () => {
    const set = generateKeySet(resolveProfile('AES_CM_128_HMAC_SHA1_80'));
    const record = sealForStore([{ label: 'x', set }], NodeKey.fromBase64(nodeKeyText));
    expect(() => openFromStore(record, NodeKey.generate())).toThrow(expect.objectContaining({ code: KeyErrorCode.StoreDecryptFailed }));
    const box = Buffer.from(record.box, 'base64');
    box[box.length - 1] ^= 1;
    expect(() => openFromStore({ ...record, box: box.toString('base64') }, NodeKey.fromBase64(nodeKeyText))).toThrow(expect.objectContaining({ code: KeyErrorCode.StoreDecryptFailed }));
    expect(() => openFromStore({ ...record, v: 2 } as never, NodeKey.fromBase64(nodeKeyText))).toThrow(expect.objectContaining({ code: KeyErrorCode.BadSealedData }));
  });

  it('two seals of the same keys differ (fresh nonce each time)', () => {
    const set = generateKeySet(resolveProfile('AES_CM_128_HMAC_SHA1_80'));
    const nk = NodeKey.generate();
    expect(sealForStore([{ label: 'x', set }], nk).box).not.toBe(sealForStore([{ label: 'x', set }], nk).box);
  });

  it('node key comes from config or SRTP_RELAY_NODE_KEY; none or bad ones are clear errors', async () => {
    expect(() => NodeKey.load({ env: {} })).toThrow(expect.objectContaining({ code: KeyErrorCode.NoNodeKey }));
    expect(NodeKey.load({ env: { SRTP_RELAY_NODE_KEY: nodeKeyText } })).toBeInstanceOf(NodeKey);
    expect(() => NodeKey.load({ config: Buffer.alloc(16).toString('base64') })).toThrow(expect.objectContaining({ code: KeyErrorCode.BadNodeKey }));
    expect(() => NodeKey.load({ config: 'not base64!' })).toThrow(expect.objectContaining({ code: KeyErrorCode.BadNodeKey }));
    const km = await KeyManager.create({ env: {} });
    km.createLegKeys({ callId: 'c1', a: ['AEAD_AES_128_GCM'], b: ['AEAD_AES_128_GCM'] });
    expect(() => km.persist('c1')).toThrow(expect.objectContaining({ code: KeyErrorCode.NoNodeKey }));
    km.close();
  });

  it('the node key redacts itself', () => {
    const nk = NodeKey.fromBase64(nodeKeyText);
    expect(JSON.stringify(nk) + String(nk)).not.toContain(nodeKeyText);
    nk.release();
    expect(() => nk.use(() => 1)).toThrow(expect.objectContaining({ code: KeyErrorCode.Released }));
  });
});

describe('sealed delivery (crypto_box_seal to the device public key)', () => {
  it('only the device key pair opens it, and it carries both of the endpoint’s sets', async () => {
    const km = await KeyManager.create({ env: {} });
    const [s] = km.createLegKeys({ callId: 'c1', streams: ['audio'], a: ['AES_256_CM_HMAC_SHA1_80'], b: ['AES_256_CM_HMAC_SHA1_80'] });
    const device = sodium.crypto_box_keypair();
    const sealed = km.deliverSealed('c1', 'B', Buffer.from(device.publicKey).toString('base64'));
    for (const m of [...material(s.aToB), ...material(s.bToA)]) expect(sealed.sealed).not.toContain(m);
    const opened = openSealed(sealed, device.publicKey, device.privateKey);
    expect(opened.map((o) => o.label)).toEqual(['audio/send', 'audio/receive']);
    expect(opened[0].set.keys[0].sameMaterialAs(s.bToA.keys[0])).toBe(true);
    expect(opened[1].set.keys[0].sameMaterialAs(s.aToB.keys[0])).toBe(true);
    const intruder = sodium.crypto_box_keypair();
    expect(() => openSealed(sealed, intruder.publicKey, intruder.privateKey)).toThrow(expect.objectContaining({ code: KeyErrorCode.BadSealedData }));
    km.close();
  });

  it('refuses a public key of the wrong size', () => {
    const set = generateKeySet(resolveProfile('AES_CM_128_HMAC_SHA1_80'));
    expect(() => sealForDevice([{ label: 'x', set }], new Uint8Array(31))).toThrow(expect.objectContaining({ code: KeyErrorCode.BadPublicKey }));
    expect(() => sealForDevice([{ label: 'x', set }], '%%%')).toThrow(expect.objectContaining({ code: KeyErrorCode.BadPublicKey }));
  });
});
