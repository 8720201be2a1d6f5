/**
 * docs/webrtc.md's runnable example works: `examples/webrtc/echo-server.js` (against the built
 * dist/) is started as a child process, a headless Chromium opens its page and presses Start, and
 * its own fake-microphone tone comes back through relay → RTP echo → relay: the page's stats
 * show packets received with a non-zero level.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { relayPortRange } from '../helpers/port-ranges';
import { ChromiumHarness } from './webrtc/chromium';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '../..');
let chromium: ChromiumHarness;
let server: ChildProcess | null = null;

beforeAll(async () => {
  chromium = await ChromiumHarness.launch();
});

afterAll(async () => {
  if (server?.pid !== undefined && server.exitCode === null) process.kill(server.pid, 'SIGKILL');
  await chromium?.close();
});

test('examples/webrtc: the browser hears its own tone echoed through the relay', async () => {
  const [lo, hi] = relayPortRange(20);
  server = spawn(process.execPath, [join(ROOT, 'examples/webrtc/echo-server.js'), '0', `${lo}-${hi}`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  server.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  server.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const end = Date.now() + 30_000;
  while (!/open (http:\S+)/.test(out) && server.exitCode === null && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  const url = /open (http:\S+)/.exec(out)?.[1];
  if (url === undefined) throw new Error(`the example server did not start: ${out}`);
  const page = await chromium.browser.newPage();
  try {
    await page.goto(url);
    await page.click('#start');
    let log = '';
    const until = Date.now() + 20_000;
    const loud = (): boolean => /received (\d+) packets, level (0\.\d+)/.test(log) && [...log.matchAll(/received (\d+) packets, level (\d\.\d+)/g)].some((m) => Number(m[1]) > 25 && Number(m[2]) > 0);
    while (!loud() && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 500));
      log = await page.$eval('#log', (e) => e.textContent ?? '');
    }
    expect(loud()).toBe(true);
    expect(log).toMatch(/dtls connected/);
    expect(out).toMatch(/dtls connected: leg browser, relay server, profile AEAD_AES_128_GCM/);
    await page.click('#stop');
  } finally {
    await page.close();
    if (server.pid !== undefined) process.kill(server.pid, 'SIGTERM');
    await new Promise((r) => (server?.exitCode !== null ? r(null) : server.once('exit', r)));
  }
});
