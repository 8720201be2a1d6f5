/**
 * Memory per pair of SRTP contexts (src/bench/context-memory.ts; issue 13 goal 3). External
 * (ArrayBuffer) bytes bound what a context holds outside the JS heap: the SRTP stream's 2 KiB of
 * keystream ahead on each side, a GHASH table per GCM session key in use, and neither a 4 KiB
 * keystream for SRTCP streams nor per-key counter-block scratch (before issue 13 a pair held
 * 14.7 KiB, 22.9 KiB with RTCP). Other work in the test worker moves the process-wide figure
 * both ways (allocations add bytes; finalizers of an earlier file's buffers, which run late, take
 * some away), so each bound is checked on the three measurements' most favourable one: the upper
 * bound on the smallest, the lower bound on the largest. Not a timing test.
 */
import { measureContextMemory, type ContextMemory } from '../../../src/bench/context-memory';
import type { ProfileName } from '../../../src/srtp/protection-profile';
import { SRTP_AHEAD_BYTES } from '../../../src/srtp/keystream-ahead';

interface Range {
  /** Smallest external bytes per pair of the measurements (checked against upper bounds). */
  readonly least: number;
  /** Largest (checked against lower bounds). */
  readonly most: number;
}

function measured(suite: ProfileName, rtcp: boolean): Range {
  const runs: ContextMemory[] = [0, 1, 2].map(() => measureContextMemory(suite, 200, rtcp));
  const bytes = runs.map((r) => r.externalBytes);
  return { least: Math.min(...bytes), most: Math.max(...bytes) };
}

const KEYSTREAM_AHEAD = SRTP_AHEAD_BYTES;
const GHASH_TABLE = 4096;
const SLACK = 2048;

describe('bytes per pair of SRTP contexts', () => {
  it('AES-CM: two streams of keystream ahead and little else outside the heap, with RTCP too', () => {
    const rtp = measured('AES_CM_128_HMAC_SHA1_80', false);
    expect(rtp.most).toBeGreaterThan(2 * KEYSTREAM_AHEAD - SLACK);
    expect(rtp.least).toBeLessThan(2 * KEYSTREAM_AHEAD + SLACK);
    const rtcp = measured('AES_CM_128_HMAC_SHA1_80', true);
    expect(rtcp.least).toBeLessThan(2 * KEYSTREAM_AHEAD + SLACK);
  });

  it('AES-GCM: plus one GHASH table per context while RTCP is unused', () => {
    const m = measured('AEAD_AES_128_GCM', false);
    expect(m.most).toBeGreaterThan(2 * KEYSTREAM_AHEAD + 2 * GHASH_TABLE - SLACK);
    expect(m.least).toBeLessThan(2 * KEYSTREAM_AHEAD + 2 * GHASH_TABLE + SLACK);
  });
});
