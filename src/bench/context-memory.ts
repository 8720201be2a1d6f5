/**
 * Memory per pair of SRTP contexts (issue 13, goal 3): how many bytes one protecting and one
 * unprotecting context of one SSRC hold in steady state, per suite. The relay keeps such a pair
 * per SRTP leg (inbound and outbound context), so a bridged SDES call holds two pairs.
 *
 *   node dist/bench/context-memory.js [--pairs N] [--suites a,b] [--rtcp]
 *
 * Builds N pairs, sends 30 RTP packets of 160 bytes through each (and one RTCP packet each way
 * with --rtcp), forces a full GC, and divides the growth of `process.memoryUsage()` (heap,
 * external, RSS) by N. RSS also counts what node:crypto's cipher objects hold inside OpenSSL.
 * Prints one JSON line per suite. Heap and external figures are exact; RSS is cleanest with one
 * suite per process (memory freed by an earlier suite is reused by the next).
 */
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SrtpContext, SrtpStatus, resolveProfile } from '../srtp';
import type { ProfileName } from '../srtp/protection-profile';
import { BENCH_SUITES } from './bench-types';

export interface ContextMemory {
  readonly suite: ProfileName;
  readonly pairs: number;
  readonly rtcp: boolean;
  /** Bytes per pair of contexts. */
  readonly heapBytes: number;
  readonly externalBytes: number;
  readonly rssBytes: number;
}

const PACKETS = 30;
const PAYLOAD = 160;

function fullGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function rtpPacket(seq: number): Buffer {
  const b = Buffer.alloc(12 + PAYLOAD, 0x5a);
  b[0] = 0x80;
  b[1] = 0;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(0x1234, 8);
  return b;
}

/** A sender report with one report block (32 bytes), SSRC 0x1234. */
function rtcpPacket(): Buffer {
  const b = Buffer.alloc(8 + 24);
  b[0] = 0x80;
  b[1] = 200;
  b.writeUInt16BE(b.length / 4 - 1, 2);
  b.writeUInt32BE(0x1234, 4);
  return b;
}

function check(st: SrtpStatus, what: string): void {
  if (st !== SrtpStatus.Ok) throw new Error(`context-memory: ${what} returned ${st}`);
}

export function measureContextMemory(suite: ProfileName, pairs: number, rtcp: boolean): ContextMemory {
  const gc = fullGc();
  const profile = resolveProfile(suite);
  const packets = Array.from({ length: PACKETS }, (_, i) => rtpPacket(i));
  const sr = rtcpPacket();
  const wire = Buffer.alloc(1500);
  const plain = Buffer.alloc(1500);
  gc();
  gc();
  const before = process.memoryUsage();
  const kept: SrtpContext[] = [];
  for (let i = 0; i < pairs; i++) {
    const keys = { key: randomBytes(profile.masterKeyLength), salt: randomBytes(profile.masterSaltLength) };
    const tx = new SrtpContext({ profile, keys });
    const rx = new SrtpContext({ profile, keys });
    for (const p of packets) {
      check(tx.protectRtp(p, wire), 'protectRtp');
      check(rx.unprotectRtp(wire, plain, tx.outputLength), 'unprotectRtp');
    }
    if (rtcp) {
      check(tx.protectRtcp(sr, wire), 'protectRtcp');
      check(rx.unprotectRtcp(wire, plain, tx.outputLength), 'unprotectRtcp');
    }
    kept.push(tx, rx);
  }
  gc();
  gc();
  const after = process.memoryUsage();
  const result: ContextMemory = {
    suite,
    pairs: kept.length / 2,
    rtcp,
    heapBytes: Math.round((after.heapUsed - before.heapUsed) / pairs),
    externalBytes: Math.round((after.external - before.external) / pairs),
    rssBytes: Math.round((after.rss - before.rss) / pairs),
  };
  for (const c of kept) c.close();
  return result;
}

function arg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const pairs = Number(arg(argv, '--pairs') ?? 2000);
  const suites = (arg(argv, '--suites')?.split(',') ?? BENCH_SUITES) as ProfileName[];
  const rtcp = argv.includes('--rtcp');
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error('--pairs must be a positive integer');
  for (const suite of suites) {
    if (!BENCH_SUITES.includes(suite)) throw new Error(`unknown suite ${suite}`);
    process.stdout.write(`${JSON.stringify(measureContextMemory(suite, pairs, rtcp))}\n`);
  }
}
