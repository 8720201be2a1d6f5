/**
 * Memory per pair of SRTP contexts (src/bench/context-memory.ts; issue 13 goal 3). External
 * (ArrayBuffer) bytes are exact, so they bound what a context holds outside the JS heap: the
 * SRTP stream's 4 KiB of keystream ahead on each side, a GHASH table per GCM session key in use,
 * and no 4 KiB keystream for SRTCP streams nor per-key counter-block scratch. Not a timing test.
 */
import { measureContextMemory } from '../../../src/bench/context-memory';

describe('bytes per pair of SRTP contexts', () => {
  it('AES-CM: two streams of keystream ahead, little else outside the heap, also with RTCP', () => {
    const rtp = measureContextMemory('AES_CM_128_HMAC_SHA1_80', 200, false);
    expect(rtp.externalBytes).toBeGreaterThan(2 * 4096 - 1024);
    expect(rtp.externalBytes).toBeLessThan(2 * 4096 + 1024);
    const rtcp = measureContextMemory('AES_CM_128_HMAC_SHA1_80', 200, true);
    expect(rtcp.externalBytes).toBeLessThan(2 * 4096 + 1024);
    expect(rtcp.heapBytes).toBeGreaterThan(rtp.heapBytes); // SRTCP keys are derived on first use
  });

  it('AES-GCM: plus one 4 KiB GHASH table per context while RTCP is unused', () => {
    const m = measureContextMemory('AEAD_AES_128_GCM', 200, false);
    expect(m.externalBytes).toBeGreaterThan(2 * 4096 + 2 * 4096 - 1024);
    expect(m.externalBytes).toBeLessThan(2 * 4096 + 2 * 4096 + 1024);
  });
});
