/**
 * What a program embedding srtp-relay does through the public entry alone (src/index.ts, built to
 * dist/index.js): make a key set, write and read its SDES line, protect and unprotect with the
 * engine, see a forged packet refused, and get typed errors. Run against the source entry (unit)
 * and the built one (interop), so `main`/`types` in package.json point at a working library.
 */
import type * as Lib from '../../src/index';

/** An RTP packet: V=2, PT 0, sequence 1, timestamp 160, the given SSRC, 160 bytes of payload. */
function rtp(ssrc: number): Uint8Array {
  const p = new Uint8Array(12 + 160);
  p[0] = 0x80;
  p[3] = 1;
  p[7] = 160;
  new DataView(p.buffer).setUint32(8, ssrc);
  for (let i = 12; i < p.length; i += 1) p[i] = i & 0xff;
  return p;
}

export async function exercisePublicEntry(lib: typeof Lib): Promise<void> {
  for (const name of ['SrtpContext', 'KeyManager', 'MediaRelay', 'Call', 'MasterKeySet', 'TypedError'] as const) {
    expect(typeof lib[name]).toBe('function');
  }
  expect(typeof lib.startApiServer).toBe('function');
  expect(typeof lib.computeSecurityStatus).toBe('function');
  expect(lib.srtp.SrtpContext).toBe(lib.SrtpContext);
  expect(lib.keys.KeyManager).toBe(lib.KeyManager);
  expect(lib.relay.MediaRelay).toBe(lib.MediaRelay);
  expect(lib.api.startApiServer).toBe(lib.startApiServer);

  await lib.initKeys();
  const profile = lib.resolveProfile('AES_CM_128_HMAC_SHA1_80');
  expect(lib.PROTECTION_PROFILES).toContain(profile);
  const line = lib.formatCryptoAttribute(1, lib.generateKeySet(profile));
  expect(line).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}$/);
  const parsed = lib.parseCryptoAttribute(line);
  expect(parsed.profile).toBe(profile);

  const contexts = [0, 1].map(() => {
    const options = lib.toSrtpContextOptions(parsed.keySet);
    try {
      return new lib.SrtpContext(options);
    } finally {
      lib.wipeContextOptions(options);
    }
  });
  const [sender, receiver] = contexts;
  const plain = rtp(0x1234);
  expect(sender.protectRtp(plain)).toBe(lib.SrtpStatus.Ok);
  const wire = Uint8Array.from(sender.output.subarray(0, sender.outputLength));
  expect(wire.length).toBe(plain.length + 10);
  const forged = Uint8Array.from(wire);
  forged[20] ^= 1;
  expect(receiver.unprotectRtp(forged)).toBe(lib.SrtpStatus.AuthFailed);
  expect(receiver.unprotectRtp(wire)).toBe(lib.SrtpStatus.Ok);
  expect(Buffer.from(receiver.output.subarray(0, receiver.outputLength))).toEqual(Buffer.from(plain));
  for (const c of contexts) c.close();

  const err = (() => {
    try {
      lib.parseCryptoAttribute('a=crypto:1 NO_SUCH_SUITE inline:AAAA');
    } catch (e) {
      return e;
    }
    return null;
  })();
  expect(err).toBeInstanceOf(lib.KeyError);
  expect(err).toBeInstanceOf(lib.TypedError);
  expect(err).toMatchObject({ code: lib.KeyErrorCode.UnknownSuite, statusCode: lib.KEY_ERROR_CATALOG.KEY_ERR_UNKNOWN_SUITE.statusCode });
}
