/**
 * A real headless Chromium (Debian's, /usr/lib/chromium/chromium, installed by
 * scripts/install-browser.sh) driven by puppeteer-core, with a fresh profile, a fake microphone
 * playing a tone file, and the test page served over http://127.0.0.1 (getUserMedia needs a
 * secure context; loopback http is one). Fails loudly when Chromium is missing.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { PAGE_HTML } from './page';
import { writeToneWav } from './tone';

export const CHROMIUM = '/usr/lib/chromium/chromium';

export interface PageSummary {
  packetsReceived: number;
  audioLevel: number;
  totalAudioEnergy: number;
  packetsSent: number;
  dtlsState: string | null;
  srtpCipher: string | null;
  dtlsRole: string | null;
  localAddress: string | null;
  remoteAddress: string | null;
  connectionState: string | null;
}

export class ChromiumHarness {
  private constructor(
    readonly browser: Browser,
    readonly pid: number,
    private readonly server: http.Server,
    readonly url: string,
    private readonly dir: string,
  ) {}

  static async launch(): Promise<ChromiumHarness> {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-browser.sh (npm run peers)`);
    const dir = mkdtempSync(join(tmpdir(), 'srtp-relay-chromium-'));
    const wav = join(dir, 'tone.wav');
    writeToneWav(wav);
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE_HTML);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        headless: false, // the exact flag is passed below
        userDataDir: join(dir, 'profile'),
        args: [
          '--headless=new', '--no-sandbox', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
          '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required', '--disable-gpu',
          '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
          `--use-file-for-fake-audio-capture=${wav}`,
        ],
        timeout: 30_000,
      });
    } catch (err) {
      server.close();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const pid = browser.process()?.pid;
    if (pid === undefined) throw new Error('Chromium started without a process id');
    return new ChromiumHarness(browser, pid, server, url, dir);
  }

  async newPeer(): Promise<ChromiumPeer> {
    const page = await this.browser.newPage();
    await page.goto(this.url);
    return new ChromiumPeer(page);
  }

  /** Close the browser, kill its PID if it lingers, stop the page server, remove the profile. */
  async close(): Promise<void> {
    await Promise.race([this.browser.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class ChromiumPeer {
  constructor(readonly page: Page) {}

  /** A WebRTC offer for one audio track, `codec` only (e.g. PCMU), loopback candidates only. */
  offer(codec: string): Promise<string> {
    return this.page.evaluate((c) => (globalThis as unknown as { makeOffer(c: string): Promise<string> }).makeOffer(c), codec);
  }

  /** Chromium as the answerer to an offer (the relay offering WebRTC); returns its answer, loopback candidates only. */
  answerOffer(sdp: string): Promise<string> {
    return this.page.evaluate((s) => (globalThis as unknown as { answerOffer(s: string): Promise<string> }).answerOffer(s), sdp);
  }

  async answer(sdp: string): Promise<void> {
    await this.page.evaluate((s) => (globalThis as unknown as { applyAnswer(s: string): Promise<void> }).applyAnswer(s), sdp);
  }

  summary(): Promise<PageSummary> {
    return this.page.evaluate(() => (globalThis as unknown as { summary(): Promise<PageSummary> }).summary());
  }

  /** Poll the summary until `done` holds or `ms` pass; returns the last summary. */
  async waitFor(done: (s: PageSummary) => boolean, ms: number): Promise<PageSummary> {
    const until = Date.now() + ms;
    let s = await this.summary();
    while (!done(s) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      s = await this.summary();
    }
    return s;
  }

  async close(): Promise<void> {
    await this.page.evaluate(() => (globalThis as unknown as { hangUp(): void }).hangUp()).catch(() => undefined);
    await this.page.close().catch(() => undefined);
  }
}
