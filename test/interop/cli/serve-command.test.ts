/**
 * `srtp-relay serve` as a user runs it (compiled: `node dist/cli/main.js serve`): it prints the
 * URL and where the token is, writes the token file 0600 on first start, answers /healthz with
 * details with the token and the status only without, 401 elsewhere without the token, and exits
 * 0 on SIGTERM after closing its calls.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { relayPortRange } from '../../helpers/port-ranges';

const main = path.join(__dirname, '../../../dist/cli/main.js');
const portRange = relayPortRange(100);

function waitForLine(child: ChildProcessWithoutNullStreams, pattern: RegExp, ms = 15000): Promise<RegExpExecArray> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${pattern}" in: ${out}`)), ms);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${String(code)}: ${out}`)));
  });
}

describe('srtp-relay serve', () => {
  it('starts, authenticates, and shuts down cleanly on SIGTERM', async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'srtp-relay-serve-')), 'data');
    const env = { ...process.env };
    delete env.SRTP_RELAY_TOKEN;
    const child = spawn(process.execPath, [main, 'serve', '--listen', '127.0.0.1:0', '--listen-ng', '127.0.0.1:0', '--data-dir', dataDir, '--port-range', `${portRange[0]}-${portRange[1]}`, '--workers', '1', '--log-level', 'warn'], { env });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    try {
      const line = await waitForLine(child, /listening on (http:\/\/127\.0\.0\.1:\d+)\/v1 \(token in (\S+);/);
      const [url, tokenFile] = [line[1], line[2]];
      expect(tokenFile).toBe(path.join(dataDir, 'token'));
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      const token = readFileSync(tokenFile, 'utf8').trim();
      expect(token.length).toBeGreaterThanOrEqual(32);
      const ok = await fetch(`${url}/healthz`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ status: 'ok', calls: 0, workers: { total: 1, alive: 1 } });
      const probe = await fetch(`${url}/healthz`);
      expect([probe.status, await probe.json()]).toEqual([200, { status: 'ok' }]);
      const denied = await fetch(`${url}/v1/calls`);
      expect(denied.status).toBe(401);
      expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('API_ERR_UNAUTHORIZED');
      // A live call at shutdown is closed with the rest.
      const created = await fetch(`${url}/v1/calls`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'c1' }) });
      expect(created.status).toBe(201);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const stopped = waitForLine(child, /srtp-relay stopped/).catch(() => null);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await stopped).not.toBeNull();
      expect(stderr).not.toContain(token);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30000);
});
