/**
 * UDP port ranges for relays under test. A relay needs a contiguous range (its port pool), which
 * the OS cannot hand out the way it hands out one port for port 0; so each jest worker
 * (JEST_WORKER_ID) owns its own block of ports, and ranges are handed out from that block in turn.
 * Blocks sit below the kernel's ephemeral range (/proc/sys/net/ipv4/ip_local_port_range), where
 * every port-0 socket of the tests and every outgoing connection gets its port, so no OS-chosen
 * port can land in a relay's range; and two workers never share a port. A port that another
 * program holds anyway is skipped by the relay's pool (RELAY_ERR_BIND_FAILED is retried on the
 * next port), so a busy machine cannot fail a test.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Lowest port handed out: above the registered ports most local services use. A second jest run
 * on the same machine at the same time (two checkouts) sets TEST_PORT_BASE (e.g. 21000) so the
 * two runs' blocks do not overlap; CI runs one jest and leaves it unset.
 */
const BASE = testPortBase(process.env.TEST_PORT_BASE);

function testPortBase(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 10_000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1024 || n > 60_000) throw new Error(`TEST_PORT_BASE must be an integer port from 1024 to 60000, got ${raw}`);
  return n;
}
/** Ports per jest worker. */
const BLOCK = 2_000;

/** Low end of the kernel's ephemeral port range (Linux default 32768). */
export function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > 1024) return low;
  } catch {
    // not Linux: fall through to the IANA dynamic range (RFC 6335 §6)
  }
  return 49_152;
}

/** This worker's block [first, last]. Worker ids beyond the blocks that fit share by wrapping. */
export function workerBlock(workerId = Number(process.env.JEST_WORKER_ID ?? '1')): [number, number] {
  const blocks = Math.floor((ephemeralLow() - BASE) / BLOCK);
  if (blocks < 1) throw new Error(`no room for test port ranges below the ephemeral range (${ephemeralLow()})`);
  const index = ((Number.isInteger(workerId) && workerId > 0 ? workerId : 1) - 1) % blocks;
  const first = BASE + index * BLOCK;
  return [first, first + BLOCK - 1];
}

/**
 * Where the next range starts in this worker's block. Kept in a small file of the worker process
 * (jest gives every test file a fresh module registry and its own copy of process.env), so the
 * cursor carries over from one test file to the next: restarting at the block's first port in
 * each file would hand out ports a previous file's programs may still be releasing.
 */
function cursorFile(): string {
  return join(tmpdir(), `srtp-relay-test-ports-${process.pid}-${process.env.JEST_WORKER_ID ?? '1'}`);
}

function readCursor(): number {
  try {
    const n = Number(readFileSync(cursorFile(), 'utf8'));
    return Number.isInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

/**
 * The next `size` ports (even-aligned, so RTP/RTCP pairs fit) of this worker's block. Ranges
 * follow one another and wrap around within the block: a test's relays are closed before the
 * block comes round again.
 */
export function relayPortRange(size = 100): [number, number] {
  const [first, last] = workerBlock();
  const n = size + (size % 2);
  if (n < 2 || n > last - first + 1) throw new Error(`a test port range of ${size} ports does not fit a block of ${last - first + 1}`);
  let cursor = readCursor();
  if (first + cursor + n - 1 > last) cursor = 0;
  const lo = first + cursor;
  writeFileSync(cursorFile(), String(cursor + n));
  return [lo, lo + n - 1];
}
