/**
 * Memory per pair of SRTP contexts (src/bench/context-memory.ts; issue 13 goal 3). External
 * (ArrayBuffer) bytes bound what a context holds outside the JS heap: the SRTP stream's 4 KiB of
 * keystream ahead on each side, a GHASH table per GCM session key in use, and neither a 4 KiB
 * keystream for SRTCP streams nor per-key counter-block scratch (before issue 13 a pair held
 * 14.7 KiB, 22.9 KiB with RTCP). The smaller of two measurements is taken, since other work in
 * a test worker can only add bytes. Not a timing test.
 */
import { measureContextMemory, type ContextMemory } from '../../../src/bench/context-memory';
import type { ProfileName } from '../../../src/srtp/protection-profile';

function leanest(suite: ProfileName, rtcp: boolean): ContextMemory {
  const a = measureContextMemory(suite, 200, rtcp);
  const b = measureContextMemory(suite, 200, rtcp);
  return a.externalBytes <= b.externalBytes ? a : b;
}

const KEYSTREAM_AHEAD = 4096;
const GHASH_TABLE = 4096;
const SLACK = 2048;

describe('bytes per pair of SRTP contexts', () => {
  it('AES-CM: two streams of keystream ahead and little else outside the heap, with RTCP too', () => {
    const rtp = leanest('AES_CM_128_HMAC_SHA1_80', false);
    expect(rtp.externalBytes).toBeGreaterThan(2 * KEYSTREAM_AHEAD - SLACK);
    expect(rtp.externalBytes).toBeLessThan(2 * KEYSTREAM_AHEAD + SLACK);
    const rtcp = leanest('AES_CM_128_HMAC_SHA1_80', true);
    expect(rtcp.externalBytes).toBeLessThan(2 * KEYSTREAM_AHEAD + SLACK);
  });

  it('AES-GCM: plus one GHASH table per context while RTCP is unused', () => {
    const m = leanest('AEAD_AES_128_GCM', false);
    expect(m.externalBytes).toBeGreaterThan(2 * KEYSTREAM_AHEAD + 2 * GHASH_TABLE - SLACK);
    expect(m.externalBytes).toBeLessThan(2 * KEYSTREAM_AHEAD + 2 * GHASH_TABLE + SLACK);
  });
});
