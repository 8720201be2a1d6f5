/**
 * Smoke run of the relay benchmark: 2 calls for 1 s in every pair mode through our relay and
 * through rtpengine (installed by `npm run peers`, i.e. scripts/install-rtpengine.sh; the
 * benchmark fails with BENCH_ERR_PEER_MISSING and the command when it is absent), driven by the
 * native load generator (native-bench/relay_loadgen, built on demand; its toolchain comes from
 * scripts/install-bench-deps.sh), plus the node-datachannel baseline. It measures nothing (no
 * timing assertions: the machine is shared); it checks that every path carries packets that
 * verify at the receiver and that the report, JSON and charts are written. `npm run bench:relay`
 * measures.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_MODES } from '../../../src/bench/relay/bench-modes';
import type { RelayBenchResults } from '../../../src/bench/relay/relay-results';
import { DEFAULT_GENERATOR_SOCKETS, DEFAULT_GENERATOR_THREADS } from '../../../src/bench/relay/native-generator-client';
import { runRelayBench } from '../../../src/bench/relay/run-relay-bench';
import { relayPortRange } from '../../helpers/port-ranges';

jest.setTimeout(120_000);

describe('bench relay: smoke run', () => {
  let out: string;
  let results: RelayBenchResults;
  let dir: string;

  beforeAll(async () => {
    // No install here: a missing rtpengine fails the run loudly (BENCH_ERR_PEER_MISSING), no silent skip.
    out = mkdtempSync(join(tmpdir(), 'relay-bench-'));
    ({ results, dir } = await runRelayBench({
      steps: [2], warmupMs: 200, measureMs: 1000, drainMs: 200, threads: 2, portRange: relayPortRange(400),
      directBaseline: false, webrtcMs: 500, profile: 'never', outRoot: out, benchmarksMd: null, progress: false, generator: 'native',
    }));
  });

  afterAll(() => {
    if (out !== undefined) rmSync(out, { recursive: true, force: true });
  });

  it('runs every mode through both relays without errors', () => {
    expect(results.errors).toEqual([]);
    expect(results.results).toHaveLength(BENCH_MODES.length * 2);
    for (const mode of BENCH_MODES) {
      for (const relay of ['ours', 'rtpengine']) {
        const r = results.results.find((x) => x.mode === mode && x.relay === relay);
        expect(r).toBeDefined();
        expect(r?.steps).toHaveLength(1);
      }
    }
  });

  it('the native load generator drove the run on its shared sockets and reported its own CPU', () => {
    expect(results.generator).toMatchObject({ kind: 'native', fallback: null, sockets: DEFAULT_GENERATOR_SOCKETS, threads: DEFAULT_GENERATOR_THREADS });
    for (const r of results.results) {
      const s = r.steps[0];
      expect(s.generatorCpu).toBeGreaterThanOrEqual(0);
      expect(s.generatorCpu).toBeLessThan(1.5);
      expect(s.stats.sent).toBe(2 * 2 * 50); // 2 calls × 2 streams × 50 pkt/s × 1 s
      expect(s.stats.sendErrors).toBe(0);
      expect(s.stats.rcvDrops).toBe(0);
      // every stream's packets came back on its own peer's leg (shared sockets: matched by the relay leg's port)
      expect(`${r.relay} ${r.mode} silent streams ${s.stats.silentStreams}`).toBe(`${r.relay} ${r.mode} silent streams 0`);
    }
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('Load generator: **native**');
  });

  it('packets arrive on the other leg and sampled packets verify with the receiver keys', () => {
    for (const r of results.results) {
      const s = r.steps[0].stats;
      expect(`${r.relay} ${r.mode} received ${s.received > 0}`).toBe(`${r.relay} ${r.mode} received true`);
      expect(s.sent).toBeGreaterThan(0);
      expect(s.verified).toBeGreaterThan(0);
      expect(`${r.relay} ${r.mode} verify failures ${s.verifyFailures} ${s.verifyFailureKind ?? ''}`).toBe(`${r.relay} ${r.mode} verify failures 0 `);
      expect(r.steps[0].relayCpu).toBeGreaterThanOrEqual(0);
    }
  });

  it('both relays were driven over ng (ours through the product\'s call control and ng front end)', () => {
    for (const r of results.results.filter((x) => x.relay === 'ours')) expect(r.description).toContain('calls set up over ng');
  });

  it('our relay chose the intended pair modes and failed only the forgery probe packets', () => {
    const expected: Record<string, Record<string, string>> = {
      'srtp-rtp': { 'a->b': 'decrypt', 'b->a': 'encrypt' },
      'srtp-srtp': { 'a->b': 'recrypt', 'b->a': 'recrypt' },
      passthrough: { 'a->b': 'passthrough', 'b->a': 'passthrough' },
      'rtp-rtp': { 'a->b': 'forward', 'b->a': 'forward' },
    };
    for (const r of results.results.filter((x) => x.relay === 'ours')) {
      expect({ mode: r.mode, pairModes: r.pairModes }).toEqual({ mode: r.mode, pairModes: expected[r.mode] });
      expect(r.counters).not.toBeNull();
      expect(r.counters?.forwarded).toBeGreaterThan(0);
      // The only packets that fail authentication are the forgery probe's.
      expect(r.counters?.authFailures).toBe(r.forgery?.forgedSent ?? 0);
    }
  });

  it('our relay lets no forged packet and only one copy of a replayed packet through', () => {
    for (const r of results.results.filter((x) => x.relay === 'ours' && x.mode !== 'rtp-rtp')) {
      expect({ mode: r.mode, forgery: r.forgery }).toEqual({ mode: r.mode, forgery: { forgedSent: 20, forgedForwarded: 0, replaysSent: 10, replaysForwarded: 1 } });
    }
    for (const r of results.results.filter((x) => x.mode === 'rtp-rtp')) expect(r.forgery).toBeNull();
  });

  it('writes report.md, results.json and the SVG charts', () => {
    for (const f of ['report.md', 'results.json', 'relay-pps.svg', 'relay-cpu.svg']) expect(existsSync(join(dir, f))).toBe(true);
    const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RelayBenchResults;
    expect(json.kind).toBe('relay-bench');
    expect(json.comparisons.map((c) => c.mode)).toEqual([...BENCH_MODES]);
    expect(readFileSync(join(dir, 'relay-pps.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(report).toContain('## Ours against rtpengine');
    // Which packet I/O our relay ran on: the built addon (npm ci builds it) unless forced to dgram.
    const io = process.env.SRTP_RELAY_IO === 'dgram' ? 'dgram' : 'native';
    expect(json.oursIo).toBe(io);
    expect(report).toContain(`Our relay's packet I/O: **${io}** (asked: auto`);
    expect(results.results.find((m) => m.relay === 'ours')?.description).toContain(io === 'native' ? 'packet I/O native' : 'packet I/O node:dgram');
    expect(report).toContain('does NOT verify');
  });

  it('reports the WebRTC baseline or exactly what failed', () => {
    const w = results.webrtc;
    expect(w).not.toBeNull();
    if (w?.ok === true) expect(w.received).toBeGreaterThan(0);
    else expect(w?.error).toMatch(/\S/);
  });
});
