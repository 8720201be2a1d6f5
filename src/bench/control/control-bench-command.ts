/**
 * `srtp-relay bench control`: the ng call-setup rate (offer + answer + delete per second, SDES
 * both sides) of srtp-relay (the built `serve`, one media worker, ng over UDP) and of Debian's
 * rtpengine (userspace, installed by scripts/install-rtpengine.sh) in one run, with the same
 * client (ng-setup-rate.ts). Prints a table; never part of npm test.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { NgClient } from '../../ng/ng-client';
import { repoRoot } from '../repo-root';
import { stopProcess } from '../relay/child-process';
import { findRtpengine, rtpengineVersion, RtpengineProcess } from '../relay/rtpengine-process';
import { measureSetupRate, type SetupRateResult } from './ng-setup-rate';
import { freeUdpPort } from '../free-udp-port';

async function waitForPong(port: number, alive: () => boolean): Promise<void> {
  const ng = await NgClient.connect('127.0.0.1', port, 250);
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (!alive()) throw new Error('the relay exited at start');
      try {
        if ((await ng.request('ping')).result === 'pong') return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
    }
  } finally {
    ng.close();
  }
}

async function measureOurs(calls: number, concurrency: number): Promise<SetupRateResult> {
  const ngPort = await freeUdpPort();
  const dataDir = mkdtempSync(join(tmpdir(), 'srtp-relay-bench-control-'));
  const entry = join(repoRoot(), 'dist', 'cli', 'main.js');
  const child = spawn(process.execPath, [entry, 'serve', '--listen', '127.0.0.1:0', '--listen-ng', `127.0.0.1:${ngPort}`, '--port-range', '21000-24999', '--workers', '1', '--data-dir', dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, SRTP_RELAY_TOKEN: randomBytes(24).toString('hex') },
  });
  try {
    await waitForPong(ngPort, () => child.exitCode === null);
    const ng = await NgClient.connect('127.0.0.1', ngPort, 5000);
    try {
      return await measureSetupRate(ng, { calls, concurrency }, 'ours');
    } finally {
      ng.close();
    }
  } finally {
    await stopProcess(child, 10_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function measureRtpengine(calls: number, concurrency: number): Promise<SetupRateResult> {
  const proc = await RtpengineProcess.start(findRtpengine(), { threads: 2, portRange: [25000, 28999] });
  try {
    return await measureSetupRate(proc.ng, { calls, concurrency }, 'rtpengine');
  } finally {
    await proc.stop();
  }
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
  return n;
}

export function registerControlBenchCommand(bench: Command): void {
  bench
    .command('control')
    .description('ng call-setup rate (offer+answer+delete per second, SDES both sides): srtp-relay and rtpengine')
    .option('--calls <n>', 'calls timed per relay', positiveInt, 2000)
    .option('--concurrency <n>', 'calls in flight at once', positiveInt, 8)
    .option('--no-rtpengine', 'measure srtp-relay only')
    .action(async (o: { calls: number; concurrency: number; rtpengine: boolean }) => {
      const rows: [string, SetupRateResult][] = [['srtp-relay', await measureOurs(o.calls, o.concurrency)]];
      if (o.rtpengine) rows.push([`rtpengine ${rtpengineVersion()}`, await measureRtpengine(o.calls, o.concurrency)]);
      process.stdout.write(`ng call setup (offer+answer+delete, SDES both sides), ${o.calls} calls, ${o.concurrency} in flight:\n`);
      for (const [name, r] of rows) {
        process.stdout.write(`  ${name.padEnd(24)} ${r.callsPerSecond.toFixed(0).padStart(6)} calls/s   p50 ${r.p50Ms.toFixed(2)} ms   p99 ${r.p99Ms.toFixed(2)} ms   (${r.seconds.toFixed(2)} s)\n`);
      }
    });
}
