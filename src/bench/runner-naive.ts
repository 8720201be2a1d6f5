/** The naive node:crypto per-packet baseline (naive-srtp.ts) on the benchmark workload. */
import { resolveProfile } from '../srtp/protection-profile';
import type { ProfileName } from '../srtp/protection-profile';
import { benchMasterKey, makeRtpPacket, setSequence } from './bench-packets';
import { sample, UNPROTECT_RING, warmupCount } from './bench-types';
import type { BenchCase, BenchRunner, BenchSample, ProfileHooks } from './bench-types';
import { NaiveSrtp } from './naive-srtp';
import { benchNow } from './bench-clock';

const LIBRARY = `node:crypto per packet (node ${process.versions.node}, OpenSSL ${process.versions.openssl})`;

function pair(suite: ProfileName): { tx: NaiveSrtp; rx: NaiveSrtp } {
  const profile = resolveProfile(suite);
  const { key, salt } = benchMasterKey(profile);
  return { tx: new NaiveSrtp(profile, key, salt), rx: new NaiveSrtp(profile, key, salt) };
}

async function protect(c: BenchCase, hooks?: ProfileHooks): Promise<number> {
  const { tx, rx } = pair(c.suite);
  const pkt = makeRtpPacket(c.payload);
  const warm = warmupCount(c.count);
  let seq = 0;
  let last: Buffer | null = null;
  for (let i = 0; i < warm; i++) {
    setSequence(pkt, seq);
    seq = (seq + 1) & 0xffff;
    last = tx.protect(pkt);
  }
  await hooks?.start();
  const t0 = benchNow();
  for (let i = 0; i < c.count; i++) {
    setSequence(pkt, seq);
    seq = (seq + 1) & 0xffff;
    last = tx.protect(pkt);
  }
  const seconds = benchNow() - t0;
  await hooks?.stop();
  if (last === null) throw new Error('naive: protect failed');
  if (warm + c.count <= 0x10000 && !rx.unprotect(last)?.equals(pkt)) throw new Error('naive: protect output does not verify');
  return seconds;
}

async function unprotect(c: BenchCase, hooks?: ProfileHooks): Promise<number> {
  const { tx, rx } = pair(c.suite);
  const pkt = makeRtpPacket(c.payload);
  const warm = warmupCount(c.count);
  const ring = new Array<Buffer>(UNPROTECT_RING);
  let seq = 0;
  let seconds = 0;
  let last: Buffer | null = null;
  for (let done = -warm; done < c.count;) {
    let batch = Math.min(c.count - done, UNPROTECT_RING);
    if (done < 0) batch = Math.min(batch, -done);
    for (let j = 0; j < batch; j++) {
      setSequence(pkt, seq);
      seq = (seq + 1) & 0xffff;
      const p = tx.protect(pkt);
      if (p === null) throw new Error('naive: protect failed');
      ring[j] = p;
    }
    const timed = done >= 0;
    if (timed) await hooks?.start();
    const t0 = benchNow();
    for (let j = 0; j < batch; j++) {
      last = rx.unprotect(ring[j]);
      if (last === null) throw new Error('naive: unprotect failed');
    }
    if (timed) {
      seconds += benchNow() - t0;
      await hooks?.stop();
    }
    done += batch;
  }
  setSequence(pkt, (seq - 1) & 0xffff);
  if (last === null || !last.equals(pkt)) throw new Error('naive: unprotect output differs from the plaintext');
  return seconds;
}

export const naiveRunner: BenchRunner = {
  impl: 'naive',
  supports: () => true,
  async run(c: BenchCase, hooks?: ProfileHooks): Promise<BenchSample> {
    const seconds = c.op === 'protect' ? await protect(c, hooks) : await unprotect(c, hooks);
    return sample('naive', c, seconds, LIBRARY);
  },
};
