/**
 * Pieces of the relay benchmark that need no peer, build or network: bencode (rtpengine's ng
 * encoding), SDES keys and SDP written and read with the project's own SDES code and
 * sdp-transform, latency quantiles, and the BENCHMARKS.md section writer. The smoke run through
 * both relays is test/interop/bench/relay-bench-smoke.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NgError } from '../../../src/ng/errors';
import { bdecode, bencode, BencodeError } from '../../../src/ng/bencode';
import { LatencyHistogram } from '../../../src/bench/relay/latency-histogram';
import { generatorText, RELAY_END, RELAY_START, relayMarkers, updateRelaySection } from '../../../src/bench/relay/relay-report';
import type { RelayBenchResults, StepResult } from '../../../src/bench/relay/relay-results';
import { endpointSdp, parseSdpMedia } from '../../../src/bench/relay/sdp';
import { parseSdesKey, randomSdesKey, sameSdesKey, sdesAttribute, sdesContext, sdesKeyFromLine } from '../../../src/bench/relay/sdes-key';
import { KeyError, KeyErrorCode } from '../../../src/keys';
import { SrtpStatus } from '../../../src/srtp';

describe('bench relay: pieces', () => {
  it('bencode round-trips ng dictionaries with keys in byte order', () => {
    const msg = { command: 'offer', 'call-id': 'c1', sdp: 'v=0\r\n', flags: ['a', 'b'], n: -3, nested: { z: 1, a: 'é' } };
    const enc = bencode(msg);
    expect(enc.toString('utf8')).toBe('d7:call-id2:c17:command5:offer5:flagsl1:a1:be1:ni-3e6:nestedd1:a2:é1:zi1ee3:sdp5:v=0\r\ne');
    expect(bdecode(enc)).toEqual(msg);
    expect(() => bdecode(Buffer.from('d3:abc'))).toThrow(/bencode/);
    expect(() => bdecode(Buffer.from('i1ex'))).toThrow(/trailing/);
  });

  it('bencode errors are typed ng errors (the benchmark speaks ng through src/ng)', () => {
    let caught: unknown = null;
    try {
      bdecode(Buffer.from('i1ex'));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BencodeError);
    expect(caught).toBeInstanceOf(NgError);
    expect(caught).toMatchObject({ name: 'BencodeError', code: 'NG_ERR_BAD_BENCODE' });
  });

  it('SDES keys are made and read by the project\'s SDES code, and survive an SDP', async () => {
    const k = await randomSdesKey('AES_CM_128_HMAC_SHA1_32', 8);
    expect(k).toMatchObject({ id: 8, suite: 'AES_CM_128_HMAC_SHA1_32' });
    expect(k.config).toMatch(/^inline:[A-Za-z0-9+/]{40}$/);
    const attr = parseSdesKey(k);
    expect(attr.tag).toBe(8);
    expect(attr.profile.name).toBe('AES_CM_128_HMAC_SHA1_32');
    attr.keySet.release();
    // Through an SDP (sdp-transform writes and reads it) with a lifetime parameter added by a peer.
    const offered = parseSdpMedia(endpointSdp('127.0.0.1', 4000, { ...k, config: `${k.config}|2^31` }));
    expect(offered).toMatchObject({ address: '127.0.0.1', port: 4000, proto: 'RTP/SAVP' });
    expect(offered.crypto).toHaveLength(1);
    expect(sameSdesKey(offered.crypto[0], k)).toBe(true);
    expect(sameSdesKey(offered.crypto[0], await randomSdesKey('AES_CM_128_HMAC_SHA1_32'))).toBe(false);
    expect(sdesKeyFromLine(`a=${sdesAttribute(k)}`)).toEqual(k);
    // What one side protects with the key, the other unprotects with the key read from the SDP.
    const [tx, rx] = [sdesContext(k), sdesContext(offered.crypto[0])];
    const rtp = Uint8Array.from([0x80, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0x12, 0x34, 1, 2, 3, 4]);
    expect(tx.protectRtp(rtp)).toBe(SrtpStatus.Ok);
    expect(rx.unprotectRtp(tx.output.subarray(0, tx.outputLength))).toBe(SrtpStatus.Ok);
    expect(Buffer.from(rx.output.subarray(0, rx.outputLength))).toEqual(Buffer.from(rtp));
    tx.close();
    rx.close();
  });

  it('a malformed a=crypto line from a peer is refused by the relay\'s SDES parser', () => {
    const bad = { id: 1, suite: 'AES_CM_128_HMAC_SHA1_80', config: 'inline:AAAA' };
    expect(() => sdesContext(bad)).toThrow(KeyError);
    expect(() => sdesContext(bad)).toThrow(expect.objectContaining({ code: KeyErrorCode.BadKeyLength }));
  });

  it('a plain RTP endpoint SDP has no a=crypto', () => {
    const plain = parseSdpMedia(endpointSdp('127.0.0.1', 4002, null));
    expect(plain).toEqual({ address: '127.0.0.1', port: 4002, proto: 'RTP/AVP', crypto: [] });
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

  it('BENCHMARKS.md: a 1200-byte run has its own section beside the 160-byte one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-md-'));
    try {
      const file = join(dir, 'BENCHMARKS.md');
      const fake = (payload: number): RelayBenchResults => ({ results: [], comparisons: [], options: { measureMs: 1, steps: [1], threads: 1, payload }, loadAverage: [0], machine: { cores: 1, cryptoFlags: [] }, webrtc: null, generator: { kind: 'native', description: 'x', fallback: null } }) as unknown as RelayBenchResults;
      updateRelaySection(file, fake(160), 'bench-results/g711');
      updateRelaySection(file, fake(1200), 'bench-results/video-1');
      updateRelaySection(file, fake(1200), 'bench-results/video-2');
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('bench-results/g711');
      expect(text).not.toContain('bench-results/video-1');
      expect(text).toContain('bench-results/video-2');
      expect(text).toContain('## Relay, 1200-byte payloads');
      expect(text.split(RELAY_START)).toHaveLength(2);
      expect(text.split(relayMarkers(1200).start)).toHaveLength(2);
      expect(text.indexOf(RELAY_END)).toBeLessThan(text.indexOf(relayMarkers(1200).start));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the generator paragraph names its socket layout, its drops, and CPU per packet from clean steps only', () => {
    const step = (pps: number, relayCpu: number, generatorCpu: number, lost: number, rcvDrops: number): StepResult => ({
      calls: pps / 100, offeredPps: pps, lossPct: 0, relayCpu, generatorCpu, relayRssKiB: null, generatorSaturated: rcvDrops > 0, generatorLate: false,
      stats: { lost, rcvDrops, readAfterDrain: 0 } as unknown as StepResult['stats'],
    });
    const results = (sockets: number, threads = 1): RelayBenchResults => ({
      machine: { cores: 2 },
      generator: { kind: 'native', description: 'd', fallback: null, sockets, threads },
      results: [
        // 10 µs and 12 µs per packet on clean steps; the starved lossy step (1 µs) and the step with
        // drops at the generator (its 9 µs) must not count, nor the step below 20k packets/s
        { relay: 'ours', steps: [step(10_000, 0.5, 0.2, 0, 0), step(40_000, 0.4, 0.2, 0, 0), step(80_000, 0.96, 0.4, 0, 0), step(120_000, 0.12, 0.6, 5000, 0), step(160_000, 1.44, 1, 7, 7)] },
        { relay: 'rtpengine', steps: [step(40_000, 0.44, 0.2, 0, 0)] },
      ],
    }) as unknown as RelayBenchResults;
    const shared = generatorText(results(4));
    expect(shared).toContain('It ran with 4 shared sockets on 1 thread (`--generator-sockets 4 --generator-threads 1`)');
    expect(shared).toContain('because it did not read them in time (7 in this run)');
    expect(shared).toContain('generator 5.0 µs, srtp-relay 12.0 µs, rtpengine 11.0 µs');
    expect(shared).toContain('only where its figure is above the generator\'s');
    expect(generatorText(results(0))).toContain('It ran with a connected socket per stream (`--generator-sockets 0`)');
    // a generator thread per core leaves the relay only what it does not use: the relay always goes first
    expect(generatorText(results(4, 2))).toContain('(2 threads, at a higher priority when it could get one) and a relay share 2 cores: the relay gets what the generator leaves');
  });
});
