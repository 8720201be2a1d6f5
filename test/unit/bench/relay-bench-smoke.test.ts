/**
 * Smoke run of the relay benchmark: 2 calls for 1 s in every pair mode through our relay and
 * through rtpengine (installed by scripts/install-rtpengine.sh, which fails loudly), driven by the
 * native load generator (native-bench/relay_loadgen, built on demand), plus the
 * node-datachannel baseline. It measures nothing (no timing assertions: the machine is shared);
 * it checks that every path carries packets that verify at the receiver and that the report,
 * JSON and charts are written. `npm run bench:relay` measures.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bdecode, bencode } from '../../../src/ng/bencode';
import { BENCH_MODES } from '../../../src/bench/relay/bench-modes';
import { LatencyHistogram } from '../../../src/bench/relay/latency-histogram';
import { RELAY_END, RELAY_START, updateRelaySection } from '../../../src/bench/relay/relay-report';
import type { RelayBenchResults } from '../../../src/bench/relay/relay-results';
import { runRelayBench } from '../../../src/bench/relay/run-relay-bench';
import { parseCryptoLines, randomSdesKey, sdesContextOptions } from '../../../src/bench/relay/sdes-key';

jest.setTimeout(120_000);

describe('bench relay: pieces', () => {
  it('bencode round-trips ng dictionaries with keys in byte order', () => {
    const msg = { command: 'offer', 'call-id': 'c1', sdp: 'v=0\r\n', flags: ['a', 'b'], n: -3, nested: { z: 1, a: 'é' } };
    const enc = bencode(msg);
    expect(enc.toString('utf8')).toBe('d7:call-id2:c17:command5:offer5:flagsl1:a1:be1:ni-3e6:nestedd1:a2:é1:zi1ee3:sdp5:v=0\r\ne');
    expect(bdecode(enc)).toEqual(msg);
    expect(() => bdecode(Buffer.from('d3:abc'))).toThrow(/bencode/);
    expect(() => bdecode(Buffer.from('i1ex'))).toThrow(/trailing/);
  });

  it('SDES keys survive an a=crypto line and become context options', () => {
    const k = randomSdesKey('AES_CM_128_HMAC_SHA1_32');
    const [parsed] = parseCryptoLines(`m=audio 1 RTP/SAVP 0\r\na=crypto:8 ${k.suite} inline:${k.inline}|2^31\r\n`);
    expect(parsed).toEqual({ tag: 8, suite: k.suite, inline: k.inline });
    const o = sdesContextOptions(parsed);
    expect(o.profile).toBe('AES_CM_128_HMAC_SHA1_32');
  });

  it('latency quantiles come from the histogram', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 100; i++) h.record(i / 10);
    const s = h.summary();
    expect(s.count).toBe(100);
    expect(s.p50Ms).toBeCloseTo(5, 1);
    expect(s.p99Ms).toBeCloseTo(9.9, 1);
  });

  it('BENCHMARKS.md: only the relay section is replaced', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-md-'));
    try {
      const file = join(dir, 'BENCHMARKS.md');
      writeFileSync(file, '# Benchmarks\n\n<!-- bench:srtp:start -->\nSRTP TABLE\n<!-- bench:srtp:end -->\n');
      const fake = { results: [], comparisons: [], options: { measureMs: 1, steps: [1], threads: 1 }, loadAverage: [0], machine: { cores: 1, cryptoFlags: [] }, webrtc: null, generator: { kind: 'native', description: 'x', fallback: null } } as unknown as RelayBenchResults;
      updateRelaySection(file, fake, 'bench-results/x');
      updateRelaySection(file, fake, 'bench-results/y');
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('SRTP TABLE');
      expect(text.split(RELAY_START)).toHaveLength(2);
      expect(text.split(RELAY_END)).toHaveLength(2);
      expect(text).toContain('bench-results/y');
      expect(text).not.toContain('bench-results/x');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bench relay: smoke run', () => {
  let out: string;
  let results: RelayBenchResults;
  let dir: string;

  beforeAll(async () => {
    // Fails loudly (non-zero exit, stderr) when rtpengine cannot be installed: no silent skip.
    execFileSync('bash', [join(__dirname, '../../../scripts/install-rtpengine.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
    out = mkdtempSync(join(tmpdir(), 'relay-bench-'));
    ({ results, dir } = await runRelayBench({
      steps: [2], warmupMs: 200, measureMs: 1000, drainMs: 200, threads: 2,
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

  it('the native load generator drove the run and reported its own CPU', () => {
    expect(results.generator).toMatchObject({ kind: 'native', fallback: null });
    for (const r of results.results) {
      const s = r.steps[0];
      expect(s.generatorCpu).toBeGreaterThanOrEqual(0);
      expect(s.generatorCpu).toBeLessThan(1.5);
      expect(s.stats.sent).toBe(2 * 2 * 50); // 2 calls × 2 streams × 50 pkt/s × 1 s
      expect(s.stats.sendErrors).toBe(0);
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
    expect(report).toContain('does NOT verify');
  });

  it('reports the WebRTC baseline or exactly what failed', () => {
    const w = results.webrtc;
    expect(w).not.toBeNull();
    if (w?.ok === true) expect(w.received).toBeGreaterThan(0);
    else expect(w?.error).toMatch(/\S/);
  });
});
