/**
 * srtp-relay itself as the ng relay under test: the built CLI (`node dist/cli/main.js serve`,
 * as a user runs it), media on its own loopback address, ng over UDP on 127.0.0.1 with a port
 * from the OS, the API on a port from the OS with a throwaway token and data directory.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NgClient } from '../../src/ng/ng-client';
import { freeUdpPort, freeUdpRange } from './ports';
import { ManagedProcess } from './processes';
import type { NgRelayUnderTest } from './relay-under-test';

const ENTRY = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

export class SrtpRelayUnderTest implements NgRelayUnderTest {
  readonly name = 'srtp-relay';
  private proc: ManagedProcess | null = null;
  private dataDir: string | null = null;

  constructor(readonly mediaAddress = '127.0.0.3') {}

  async start(): Promise<{ ngAddress: string; ngPort: number }> {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first`);
    const ngPort = await freeUdpPort();
    const [portMin, portMax] = await freeUdpRange(this.mediaAddress, 200);
    this.dataDir = mkdtempSync(join(tmpdir(), 'srtp-relay-sip-'));
    const proc = ManagedProcess.start('srtp-relay', process.execPath, [
      ENTRY, 'serve',
      '--listen', '127.0.0.1:0',
      '--listen-ng', `127.0.0.1:${ngPort}`,
      '--media-bind', this.mediaAddress,
      '--port-range', `${portMin}-${portMax}`,
      '--workers', '1',
      '--data-dir', this.dataDir,
      '--log-level', 'info',
    ], { env: { ...process.env, SRTP_RELAY_TOKEN: randomBytes(24).toString('hex') } });
    this.proc = proc;
    const ng = await NgClient.connect('127.0.0.1', ngPort, 250);
    try {
      const deadline = Date.now() + 15_000;
      for (;;) {
        if (!proc.running) throw new Error(`srtp-relay exited at start:\n${proc.tail()}`);
        try {
          if ((await ng.request('ping')).result === 'pong') break;
        } catch (err) {
          if (Date.now() > deadline) throw new Error(`srtp-relay did not answer ping: ${(err as Error).message}\n${proc.tail()}`);
        }
      }
    } catch (err) {
      await this.stop();
      throw err;
    } finally {
      ng.close();
    }
    return { ngAddress: '127.0.0.1', ngPort };
  }

  async stop(): Promise<void> {
    await this.proc?.stop('SIGTERM', 10_000);
    this.proc = null;
    if (this.dataDir !== null) rmSync(this.dataDir, { recursive: true, force: true });
    this.dataDir = null;
  }

  logTail(): string {
    return this.proc?.tail() ?? '';
  }
}
