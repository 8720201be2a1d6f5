/** The per-worker relay port ranges stay below the ephemeral range and never overlap across workers. */
import { ephemeralLow, relayPortRange, workerBlock } from '../../helpers/port-ranges';

describe('relay port ranges for tests', () => {
  it('give each worker its own block below the ephemeral range', () => {
    const low = ephemeralLow();
    const blocks = [1, 2, 3, 4].map((id) => workerBlock(id));
    for (const [first, last] of blocks) {
      expect(first).toBeGreaterThanOrEqual(10_000);
      expect(last).toBeLessThan(low);
    }
    for (let i = 1; i < blocks.length; i += 1) expect(blocks[i][0]).toBeGreaterThan(blocks[i - 1][1]);
  });

  it('hand out consecutive, even-aligned ranges inside this worker\'s block, wrapping at its end', () => {
    const [first, last] = workerBlock();
    const a = relayPortRange(100);
    const b = relayPortRange(51);
    expect(a[0] % 2).toBe(0);
    expect(a[1] - a[0] + 1).toBe(100);
    expect(b).toEqual([a[1] + 1, a[1] + 52]);
    const seen: [number, number][] = [];
    for (let i = 0; i < 50; i += 1) seen.push(relayPortRange(100));
    for (const [lo, hi] of seen) {
      expect(lo).toBeGreaterThanOrEqual(first);
      expect(hi).toBeLessThanOrEqual(last);
    }
  });
});
