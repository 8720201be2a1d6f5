/**
 * srtp-relay's engine on the benchmark workload. The hot path is what the relay does: packets
 * and the output buffer are preallocated, protectRtp/unprotectRtp write into `out`, and the
 * unprotect side sees fresh sequence numbers in order, as in steady state.
 */
import { SrtpContext, SrtpStatus, srtpStatusName, resolveProfile } from '../srtp';
import type { ProfileName } from '../srtp/protection-profile';
import { BENCH_SSRC, benchMasterKey, makeRtpPacket, MAX_OVERHEAD, RTP_HEADER_BYTES, setSequence } from './bench-packets';
import { sample, UNPROTECT_RING, warmupCount } from './bench-types';
import type { BenchCase, BenchRunner, BenchSample, ProfileHooks } from './bench-types';
import { benchNow } from './bench-clock';

const LIBRARY = `srtp-relay engine (node ${process.versions.node}, OpenSSL ${process.versions.openssl})`;

function contexts(suite: ProfileName): { tx: SrtpContext; rx: SrtpContext } {
  const profile = resolveProfile(suite);
  const { key, salt } = benchMasterKey(profile);
  return {
    tx: new SrtpContext({ profile, keys: { key, salt } }),
    rx: new SrtpContext({ profile, keys: { key, salt } }),
  };
}

function fail(what: string, st: SrtpStatus): never {
  throw new Error(`ours: ${what} returned ${srtpStatusName(st)}`);
}

async function protect(c: BenchCase, hooks?: ProfileHooks): Promise<number> {
  const { tx, rx } = contexts(c.suite);
  const pkt = makeRtpPacket(c.payload);
  const out = Buffer.alloc(pkt.length + MAX_OVERHEAD);
  const warm = warmupCount(c.count);
  let seq = 0;
  for (let i = 0; i < warm; i++) {
    setSequence(pkt, seq);
    seq = (seq + 1) & 0xffff;
    const st = tx.protectRtp(pkt, out);
    if (st !== SrtpStatus.Ok) fail('protectRtp', st);
  }
  await hooks?.start();
  const t0 = benchNow();
  for (let i = 0; i < c.count; i++) {
    setSequence(pkt, seq);
    seq = (seq + 1) & 0xffff;
    const st = tx.protectRtp(pkt, out);
    if (st !== SrtpStatus.Ok) fail('protectRtp', st);
  }
  const seconds = benchNow() - t0;
  await hooks?.stop();
  // The last packet must come back intact: the loop measured real work.
  const back = Buffer.alloc(out.length);
  rx.setRoc(BENCH_SSRC, Math.floor((warm + c.count - 1) / 0x10000));
  const st = rx.unprotectRtp(tx.output, back, tx.outputLength);
  if (st !== SrtpStatus.Ok || Buffer.compare(rx.output.subarray(0, rx.outputLength), pkt) !== 0) {
    throw new Error('ours: protect output does not verify');
  }
  tx.close();
  rx.close();
  return seconds;
}

/**
 * The sender protects a ring of packets (untimed), the receiver unprotects them (timed). With
 * profiling hooks the ring holds the whole run, so the profile covers unprotect alone.
 */
async function unprotect(c: BenchCase, hooks?: ProfileHooks): Promise<number> {
  const { tx, rx } = contexts(c.suite);
  const pkt = makeRtpPacket(c.payload);
  const warm = warmupCount(c.count);
  const ringSize = hooks !== undefined ? Math.max(c.count, warm, 1) : UNPROTECT_RING;
  const ring: Buffer[] = [];
  const ringLen = new Int32Array(ringSize);
  for (let j = 0; j < ringSize; j++) ring.push(Buffer.alloc(pkt.length + MAX_OVERHEAD));
  const out = Buffer.alloc(pkt.length + MAX_OVERHEAD);
  let seq = 0;
  const fill = (n: number): void => {
    for (let j = 0; j < n; j++) {
      setSequence(pkt, seq);
      seq = (seq + 1) & 0xffff;
      const st = tx.protectRtp(pkt, ring[j]);
      if (st !== SrtpStatus.Ok) fail('protectRtp', st);
      ringLen[j] = tx.outputLength;
    }
  };
  let seconds = 0;
  for (let done = -warm; done < c.count;) {
    let batch = Math.min(c.count - done, ringSize);
    if (done < 0) batch = Math.min(batch, -done);
    fill(batch);
    const timed = done >= 0;
    if (timed) await hooks?.start();
    const t0 = benchNow();
    for (let j = 0; j < batch; j++) {
      const st = rx.unprotectRtp(ring[j], out, ringLen[j]);
      if (st !== SrtpStatus.Ok) fail('unprotectRtp', st);
    }
    if (timed) {
      seconds += benchNow() - t0;
      await hooks?.stop();
    }
    done += batch;
  }
  setSequence(pkt, (seq - 1) & 0xffff);
  if (rx.outputLength !== RTP_HEADER_BYTES + c.payload || Buffer.compare(rx.output.subarray(0, rx.outputLength), pkt) !== 0) {
    throw new Error('ours: unprotect output differs from the plaintext');
  }
  tx.close();
  rx.close();
  return seconds;
}

export const oursRunner: BenchRunner = {
  impl: 'ours',
  supports: () => true,
  async run(c: BenchCase, hooks?: ProfileHooks): Promise<BenchSample> {
    const seconds = c.op === 'protect' ? await protect(c, hooks) : await unprotect(c, hooks);
    return sample('ours', c, seconds, LIBRARY);
  },
};
