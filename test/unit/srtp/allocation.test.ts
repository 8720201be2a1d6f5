/**
 * The packet path allocates nothing per packet in steady state (docs/srtp-engine-api.md). Measured as
 * on-heap bytes per operation between two forced GCs, with no GC in between. What is left is
 * amortized: node:crypto's output buffer each time the keystream of the next ~2 KiB of packets
 * is computed (its Buffer and ArrayBuffer objects once per ~11 voice packets, copied into the
 * stream's own buffer; roughly 15-20 bytes a packet).
 * Any object made per packet (a subarray view, an array, a closure: 32 bytes and up) fails the
 * bound. Not a timing test: bytes are counted, not seconds.
 */
import { randomBytes } from 'node:crypto';
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { getHeapStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SrtpContext, SrtpStatus } from '../../../src/srtp';
import { buildRtp } from '../../helpers/rtp-packet';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapBytesPerPacket(profile: string, keyLength: number, saltLength: number, payload: number): number {
  const keys = { key: randomBytes(keyLength), salt: randomBytes(saltLength) };
  const tx = new SrtpContext({ profile, keys });
  const rx = new SrtpContext({ profile, keys });
  const packet = buildRtp({ seq: 0, ssrc: 0x5eed, payload: randomBytes(payload) });
  const wire = Buffer.alloc(1500);
  const plain = Buffer.alloc(1500);
  const run = (from: number, n: number): void => {
    for (let i = from; i < from + n; i++) {
      packet.writeUInt16BE(i & 0xffff, 2);
      if (tx.protectRtp(packet, wire) !== SrtpStatus.Ok) throw new Error('protect failed');
      if (rx.unprotectRtp(wire, plain, tx.outputLength) !== SrtpStatus.Ok) throw new Error('unprotect failed');
    }
  };
  run(0, 5000); // warm up: streams created, code optimized
  let gcs = 0;
  const obs = new PerformanceObserver((list) => { gcs += list.getEntries().length; });
  obs.observe({ entryTypes: ['gc'] });
  // The smallest of three clean measurements: a per-packet object shows in every one of them,
  // while a keystream batch (or anything else) landing unevenly across a window only inflates one.
  const samples: number[] = [];
  const n = 20000;
  for (let attempt = 0; attempt < 8 && samples.length < 3; attempt++) {
    gc();
    gcs = 0;
    const before = getHeapStatistics().used_heap_size;
    run(5000 + attempt * n, n);
    const after = getHeapStatistics().used_heap_size;
    if (gcs === 0) samples.push((after - before) / n / 2); // two operations per iteration
  }
  obs.disconnect();
  if (samples.length === 0) throw new Error('a GC ran during every measurement');
  return Math.min(...samples);
}

describe('steady-state allocation on the packet path', () => {
  for (const [profile, k, s] of [['AES_CM_128_HMAC_SHA1_80', 16, 14], ['AES_256_CM_HMAC_SHA1_32', 32, 14], ['AEAD_AES_128_GCM', 16, 12], ['AEAD_AES_256_GCM', 32, 12]] as const) {
    it(`${profile}: under 24 heap bytes per operation (160-byte payloads)`, () => {
      expect(heapBytesPerPacket(profile, k, s, 160)).toBeLessThan(24);
    });
  }
});
