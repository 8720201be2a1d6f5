/**
 * werift-rtp's SRTP (SrtpSession) on the same workload. werift offers only
 * AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM; other suites report n/a.
 *
 * Generous to werift: protect reuses one parsed RtpHeader and bumps its sequence number, the
 * way werift's own sender hands it a header object, so header parsing is not charged to it.
 * Unprotect passes raw bytes, as a relay receives them (werift parses internally). werift
 * keeps no replay window, so it does less work than the other implementations on unprotect.
 */
import type { SrtpSession } from 'werift-rtp';
import { loadOptionalPeer } from './optional-peer';
import { resolveProfile } from '../srtp/protection-profile';
import type { ProfileName } from '../srtp/protection-profile';
import { packageVersion } from './package-version';
import { benchMasterKey, makeRtpPacket, RTP_HEADER_BYTES, setSequence } from './bench-packets';
import { sample, UNPROTECT_RING, warmupCount } from './bench-types';
import type { BenchCase, BenchRunner, BenchSample, ProfileHooks } from './bench-types';
import { benchNow } from './bench-clock';

type Werift = typeof import('werift-rtp');

/** werift-rtp, loaded on first use (a devDependency: see optional-peer.ts). */
function werift(): Werift {
  return loadOptionalPeer<Werift>('werift-rtp', 'the werift comparison of `bench srtp`');
}

/** werift's profile ids for the suites it offers (its constants, read once it is loaded). */
function weriftProfile(suite: ProfileName): number | undefined {
  const w = werift();
  const ids: Partial<Record<ProfileName, number>> = {
    AES_CM_128_HMAC_SHA1_80: w.ProtectionProfileAes128CmHmacSha1_80,
    AEAD_AES_128_GCM: w.ProtectionProfileAeadAes128Gcm,
  };
  return ids[suite];
}

/** The suites werift offers, without loading it (supports() is asked before any run). */
const WERIFT_SUITES: readonly ProfileName[] = ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'];

const LIBRARY = `werift-rtp ${packageVersion('werift-rtp')}`;

function sessions(suite: ProfileName): { tx: SrtpSession; rx: SrtpSession } {
  const id = weriftProfile(suite);
  if (id === undefined) throw new Error(`werift has no ${suite}`);
  const { SrtpSession } = werift();
  const { key, salt } = benchMasterKey(resolveProfile(suite));
  const keys = { localMasterKey: key, localMasterSalt: salt, remoteMasterKey: key, remoteMasterSalt: salt };
  return { tx: new SrtpSession({ keys, profile: id }), rx: new SrtpSession({ keys, profile: id }) };
}

async function protect(c: BenchCase, hooks?: ProfileHooks): Promise<number> {
  const { tx, rx } = sessions(c.suite);
  const pkt = makeRtpPacket(c.payload);
  const header = werift().RtpHeader.deSerialize(pkt);
  const payload = pkt.subarray(RTP_HEADER_BYTES);
  const warm = warmupCount(c.count);
  let seq = 0;
  let last: Buffer = pkt;
  for (let i = 0; i < warm; i++) {
    header.sequenceNumber = seq;
    seq = (seq + 1) & 0xffff;
    last = tx.encrypt(payload, header);
  }
  await hooks?.start();
  const t0 = benchNow();
  for (let i = 0; i < c.count; i++) {
    header.sequenceNumber = seq;
    seq = (seq + 1) & 0xffff;
    last = tx.encrypt(payload, header);
  }
  const seconds = benchNow() - t0;
  await hooks?.stop();
  setSequence(pkt, (seq - 1) & 0xffff);
  // A fresh receiver starts at ROC 0, so check the last packet only before the first wrap.
  if (warm + c.count <= 0x10000 && !rx.decrypt(last).equals(pkt)) throw new Error('werift: protect output does not verify');
  return seconds;
}

async function unprotect(c: BenchCase, hooks?: ProfileHooks): Promise<number> {
  const { tx, rx } = sessions(c.suite);
  const pkt = makeRtpPacket(c.payload);
  const header = werift().RtpHeader.deSerialize(pkt);
  const payload = pkt.subarray(RTP_HEADER_BYTES);
  const warm = warmupCount(c.count);
  const ring: Buffer[] = new Array<Buffer>(UNPROTECT_RING);
  let seq = 0;
  let seconds = 0;
  let last: Buffer = pkt;
  for (let done = -warm; done < c.count;) {
    let batch = Math.min(c.count - done, UNPROTECT_RING);
    if (done < 0) batch = Math.min(batch, -done);
    for (let j = 0; j < batch; j++) {
      header.sequenceNumber = seq;
      seq = (seq + 1) & 0xffff;
      ring[j] = tx.encrypt(payload, header);
    }
    const timed = done >= 0;
    if (timed) await hooks?.start();
    const t0 = benchNow();
    for (let j = 0; j < batch; j++) last = rx.decrypt(ring[j]);
    if (timed) {
      seconds += benchNow() - t0;
      await hooks?.stop();
    }
    done += batch;
  }
  setSequence(pkt, (seq - 1) & 0xffff);
  if (!last.equals(pkt)) throw new Error('werift: unprotect output differs from the plaintext');
  return seconds;
}

export const weriftRunner: BenchRunner = {
  impl: 'werift',
  supports: (suite: ProfileName) => WERIFT_SUITES.includes(suite),
  async run(c: BenchCase, hooks?: ProfileHooks): Promise<BenchSample> {
    const seconds = c.op === 'protect' ? await protect(c, hooks) : await unprotect(c, hooks);
    return sample('werift', c, seconds, LIBRARY);
  },
};
