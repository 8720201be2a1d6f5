/**
 * The operations `bench micro` times: the engine's primitives and one packet through
 * `SrtpContext`, each a closure doing one operation on preallocated data (what the relay does
 * per packet). Keys are fixed patterns: the figures do not depend on key bytes.
 */
import { AesCounterModeKeystream } from '../../srtp/aes-cm-keystream';
import { Ghash } from '../../srtp/ghash';
import { HmacSha1 } from '../../srtp/hmac-sha1';
import { sha1Compress, SHA1_INITIAL_STATE } from '../../srtp/sha1-compress';
import { resolveProfile, SrtpContext, SrtpStatus, srtpStatusName, type ProfileName } from '../../srtp';
import { benchMasterKey, makeRtpPacket, MAX_OVERHEAD, setSequence } from '../bench-packets';

/** A case ready to run: its state is built, `fn` does one operation. */
export interface MicroCase {
  /** One operation; throws if the operation failed (a benchmark of an error path measures nothing). */
  readonly fn: () => void;
  /** Release keys and contexts. */
  readonly close: () => void;
}

/** A case by name; `setup` builds its state only when the case is selected. */
export interface MicroCaseSpec {
  /** Stable name, e.g. `protect AEAD_AES_128_GCM 160 B`. */
  readonly name: string;
  readonly setup: () => MicroCase;
}

export const MICRO_SUITES: readonly ProfileName[] = ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'];
export const MICRO_PAYLOADS: readonly number[] = [160, 1200];
/** Packets the receiver of an unprotect case gets before it is replaced by a fresh context. */
export const UNPROTECT_LAP = 8192;

function pattern(length: number, seed: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

function fail(what: string, st: SrtpStatus): never {
  throw new Error(`${what} returned ${srtpStatusName(st)}`);
}

function sha1Case(): MicroCase {
  const state = Int32Array.from(SHA1_INITIAL_STATE);
  const block = pattern(64, 1);
  return { fn: () => { sha1Compress(state, block, 0); }, close: () => { state.fill(0); } };
}

function hmacCase(): MicroCase {
  const hmac = new HmacSha1(pattern(20, 2));
  const data = pattern(160, 3);
  return { fn: () => { hmac.compute(data, 0, data.length, true, 0); }, close: () => { hmac.wipe(); } };
}

function ghashCase(): MicroCase {
  const ghash = new Ghash(pattern(16, 4));
  const data = pattern(160, 5);
  const ekj0 = new Uint8Array(16);
  const tag = new Uint8Array(16);
  return {
    fn: () => {
      ghash.reset();
      ghash.update(data, 0, 12);
      ghash.pad();
      ghash.update(data, 0, data.length);
      ghash.finish(12, data.length, ekj0, 0, tag, 0);
    },
    close: () => { ghash.wipe(); },
  };
}

function keystreamCase(bytes: number): MicroCase {
  const aes = new AesCounterModeKeystream(pattern(16, 6));
  aes.iv.set(pattern(14, 7));
  const out = new Uint8Array(bytes);
  return {
    fn: () => { aes.keystream(out, bytes); },
    close: () => { aes.wipe(); },
  };
}

function contextPair(suite: ProfileName): { tx: SrtpContext; newRx: () => SrtpContext } {
  const profile = resolveProfile(suite);
  const { key, salt } = benchMasterKey(profile);
  return { tx: new SrtpContext({ profile, keys: { key, salt } }), newRx: () => new SrtpContext({ profile, keys: { key, salt } }) };
}

function protectCase(suite: ProfileName, payload: number): MicroCase {
  const { tx } = contextPair(suite);
  const pkt = makeRtpPacket(payload);
  const out = Buffer.alloc(pkt.length + MAX_OVERHEAD);
  let seq = 0;
  return {
    fn: () => {
      setSequence(pkt, seq);
      seq = (seq + 1) & 0xffff;
      const st = tx.protectRtp(pkt, out);
      if (st !== SrtpStatus.Ok) fail('protectRtp', st);
    },
    close: () => { tx.close(); },
  };
}

/**
 * The sender protects a lap of packets once, untimed; the receiver unprotects them in order.
 * A receiver refuses a replay, so after each lap a fresh receiver takes the next one: one
 * context setup per 8192 packets, under 1% of the time measured.
 */
function unprotectCase(suite: ProfileName, payload: number): MicroCase {
  const { tx, newRx } = contextPair(suite);
  const pkt = makeRtpPacket(payload);
  const wire: Buffer[] = [];
  const wireLength = new Int32Array(UNPROTECT_LAP);
  for (let i = 0; i < UNPROTECT_LAP; i++) {
    setSequence(pkt, i);
    const buf = Buffer.alloc(pkt.length + MAX_OVERHEAD);
    const st = tx.protectRtp(pkt, buf);
    if (st !== SrtpStatus.Ok) fail('protectRtp', st);
    wire.push(buf);
    wireLength[i] = tx.outputLength;
  }
  tx.close();
  const out = Buffer.alloc(pkt.length + MAX_OVERHEAD);
  let rx = newRx();
  let i = 0;
  return {
    fn: () => {
      if (i === UNPROTECT_LAP) {
        rx.close();
        rx = newRx();
        i = 0;
      }
      const st = rx.unprotectRtp(wire[i], out, wireLength[i]);
      i++;
      if (st !== SrtpStatus.Ok) fail('unprotectRtp', st);
    },
    close: () => { rx.close(); },
  };
}

/** Every case, primitives first; packets are `bench srtp`'s workload (bench-packets.ts). */
export function microCases(): MicroCaseSpec[] {
  const specs: MicroCaseSpec[] = [
    { name: 'SHA-1 compress (64 B)', setup: sha1Case },
    { name: 'HMAC-SHA1 (160 B + ROC)', setup: hmacCase },
    { name: 'GHASH (12 B AAD + 160 B)', setup: ghashCase },
    { name: 'AES-CM keystream, one packet (160 B)', setup: () => keystreamCase(160) },
    { name: 'AES-CM keystream, one packet (1200 B)', setup: () => keystreamCase(1200) },
  ];
  for (const suite of MICRO_SUITES) {
    for (const payload of MICRO_PAYLOADS) {
      specs.push(
        { name: `protect ${suite} ${payload} B`, setup: () => protectCase(suite, payload) },
        { name: `unprotect ${suite} ${payload} B`, setup: () => unprotectCase(suite, payload) },
      );
    }
  }
  return specs;
}
