/**
 * Smoke run of `srtp-relay bench control` (the built CLI; `npm run build` first): a few calls
 * over ng through our `serve` and through rtpengine (installed by `npm run peers`; absent, the
 * benchmark fails with BENCH_ERR_PEER_MISSING, never a silent skip), over REST through ours, and
 * the memory measurement with media both ways. It measures nothing (no timing assertions: the
 * machine is shared); it checks that every flow completed with every reply checked, that every
 * phone of the memory run received authentic media through each relay, and that a CPU figure
 * was read for each relay.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..', '..');

describe('bench control: smoke run', () => {
  let child: ChildProcess | null = null;
  let out = '';
  let code: number | null = null;

  beforeAll(async () => {
    child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'bench', 'control', '--calls', '30', '--runs', '1', '--memory-calls', '20', '--memory-settle-s', '1', '--no-write'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => { out += d.toString('utf8'); });
    child.stderr?.on('data', (d: Buffer) => { out += d.toString('utf8'); });
    code = await new Promise<number | null>((resolve) => child?.once('exit', (c) => resolve(c)));
    child = null;
  });

  afterAll(() => {
    // Only if beforeAll timed out: the benchmark still runs.
    if (child !== null && child.exitCode === null) child.kill('SIGKILL');
  });

  it('completes every flow through both relays', () => {
    expect({ code, out }).toMatchObject({ code: 0 });
    for (const flow of ['ng srtp-relay', 'ng rtpengine', 'REST srtp-relay']) {
      expect(out).toMatch(new RegExp(`${flow}\\s+\\d+ calls/s\\s+cpu \\d+\\.\\d+ ms/call`));
    }
    expect(out).toMatch(/ng ours\/rtpengine \d+\.\d+/);
  });

  it('measures memory per bridged SRTP call with authentic media to every phone, for both relays', () => {
    const lines = out.split('\n').filter((l) => l.includes('KiB per bridged SRTP call'));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const m = /(\d+) of (\d+) phones got authentic media/.exec(line);
      expect(m).not.toBeNull();
      // Warm-up (20) and two batches (20 + 20), two phones each.
      expect(Number(m?.[2])).toBe(120);
      expect(m?.[1]).toBe(m?.[2]);
    }
  });
});
