/**
 * Known-answer tests driven by test/vectors/*.json; each file cites its source section.
 */
import keystreamVectors from '../../vectors/rfc3711-b2-aes-cm-keystream.json';
import kdfVectors from '../../vectors/kdf-kdr-zero.json';
import nistVectors from '../../vectors/kdf-nist-acvp.json';
import gcmVectors from '../../vectors/rfc7714-aes-gcm.json';
import libsrtpVectors from '../../vectors/libsrtp-packets.json';
import { AesCounterModeKeystream } from '../../../src/srtp/aes-cm-keystream';
import { deriveSessionKey, KdfLabel, SrtpContext, SrtpErrorCode, SrtpStatus } from '../../../src/srtp';
import { hex, toHex } from '../../helpers/hex';
import { contextWithSessionKeys } from '../../helpers/session-key-context';

describe('AES-CM keystream (RFC 3711 B.2, RFC 6188 §7.1/§7.3)', () => {
  for (const c of keystreamVectors.cases) {
    it(c.name, () => {
      const ks = new AesCounterModeKeystream(hex(c.key));
      ks.iv.set(hex(c.iv));
      const first = new Uint8Array(48);
      ks.keystream(first, 48);
      expect(toHex(first)).toBe(c.first.join('').toLowerCase());
      const iv = hex(c.iv);
      iv.set(hex(c.lastCounter), 14);
      ks.iv.set(iv);
      const last = new Uint8Array(48);
      ks.keystream(last, 48);
      expect(toHex(last)).toBe(c.last.join('').toLowerCase());
    });
  }
});

describe('key derivation, kdr = 0 (RFC 3711 B.3, RFC 6188 §7.2/§7.4, RFC 7714 erratum 4938)', () => {
  for (const c of kdfVectors.cases) {
    it(c.name, () => {
      const salt = new Uint8Array(14);
      salt.set(hex(c.masterSalt));
      for (const [label, expected] of Object.entries(c.expect)) {
        const out = deriveSessionKey(hex(c.masterKey), salt, Number(label) as KdfLabel, 0, 0, expected.length / 2);
        expect(`${label}:${toHex(out)}`).toBe(`${label}:${expected.toLowerCase()}`);
      }
    });
  }
});

describe('key derivation, kdr != 0 (NIST ACVP SRTP-KDF)', () => {
  for (const c of nistVectors.cases) {
    it(`kdr=${c.kdr} label=${c.label} index=${c.index}`, () => {
      const out = deriveSessionKey(hex(c.masterKey), hex(c.masterSalt), c.label as KdfLabel, parseInt(c.index, 16), c.kdr, c.output.length / 2);
      expect(toHex(out)).toBe(c.output.toLowerCase());
    });
  }
  for (const r of nistVectors.rejects) {
    it(`rejects ${r.why}`, () => {
      let code: unknown;
      try {
        deriveSessionKey(hex(nistVectors.cases[0].masterKey), hex(nistVectors.cases[0].masterSalt), r.label as KdfLabel, 0, r.kdr, 16);
      } catch (err) {
        code = (err as { code: string }).code;
      }
      expect([SrtpErrorCode.BadKdr, SrtpErrorCode.BadLabel]).toContain(code);
    });
  }
});

describe('AES-GCM packets (RFC 7714 §16-17)', () => {
  const salt = hex(gcmVectors.sessionSalt);
  for (const c of gcmVectors.rtp.cases) {
    it(`§${c.section} ${c.profile} RTP protect and unprotect`, () => {
      const tx = contextWithSessionKeys(c.profile, hex(c.sessionKey), salt);
      expect(tx.protectRtp(hex(gcmVectors.rtp.plaintext))).toBe(SrtpStatus.Ok);
      expect(toHex(tx.output.subarray(0, tx.outputLength))).toBe(c.protected);
      const rx = contextWithSessionKeys(c.profile, hex(c.sessionKey), salt);
      expect(rx.unprotectRtp(hex(c.protected))).toBe(SrtpStatus.Ok);
      expect(toHex(rx.output.subarray(0, rx.outputLength))).toBe(gcmVectors.rtp.plaintext);
    });
  }
  for (const c of gcmVectors.rtcp.cases) {
    it(`§${c.section} ${c.profile} RTCP E=${c.encrypted ? 1 : 0} protect and unprotect`, () => {
      const plain = hex(gcmVectors.rtcp.plaintext);
      const ssrc = Buffer.from(plain).readUInt32BE(4);
      const txe = contextWithSessionKeysAndE(c.profile, hex(c.sessionKey), salt, gcmVectors.rtcp.index, ssrc, c.encrypted);
      expect(txe.protectRtcp(plain)).toBe(SrtpStatus.Ok);
      expect(toHex(txe.output.subarray(0, txe.outputLength))).toBe(c.protected);
      const rx = contextWithSessionKeysAndE(c.profile, hex(c.sessionKey), salt, 0, 0, c.encrypted);
      expect(rx.unprotectRtcp(hex(c.protected))).toBe(SrtpStatus.Ok);
      expect(toHex(rx.output.subarray(0, rx.outputLength))).toBe(gcmVectors.rtcp.plaintext);
    });
  }
});

function contextWithSessionKeysAndE(profile: string, key: Uint8Array, salt: Uint8Array, index: number, ssrc: number, encrypted: boolean): SrtpContext {
  const ctx = contextWithSessionKeys(profile, key, salt, index, ssrc);
  const settings = (ctx as unknown as { rtcp: { s: { encryptSrtcp: boolean } } }).rtcp.s;
  (settings as { encryptSrtcp: boolean }).encryptSrtcp = encrypted;
  return ctx;
}

describe('libsrtp packet vectors (srtp_driver.c), master keys through the KDF', () => {
  for (const c of libsrtpVectors.cases) {
    it(`${c.profile} ${c.kind}`, () => {
      const keys = { key: hex(c.masterKey), salt: hex(c.masterSalt) };
      const tx = new SrtpContext({ profile: c.profile, keys });
      const rx = new SrtpContext({ profile: c.profile, keys });
      const st = c.kind === 'rtp' ? tx.protectRtp(hex(c.plaintext)) : tx.protectRtcp(hex(c.plaintext));
      expect(st).toBe(SrtpStatus.Ok);
      expect(toHex(tx.output.subarray(0, tx.outputLength))).toBe(c.protected);
      const back = c.kind === 'rtp' ? rx.unprotectRtp(hex(c.protected)) : rx.unprotectRtcp(hex(c.protected));
      expect(back).toBe(SrtpStatus.Ok);
      expect(toHex(rx.output.subarray(0, rx.outputLength))).toBe(c.plaintext);
    });
  }
});
