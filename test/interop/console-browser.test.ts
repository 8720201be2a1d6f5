/**
 * The operator console in a real browser: Debian's Chromium (headless, through puppeteer-core)
 * opens the console of the BUILT `serve` (a child process with its own token), and the test
 * drives a call over REST while simulated phones send real SRTP through the relay: two secure
 * managed phones (call keying) → hold with music on hold → resume → transfer to a non-secure
 * phone. After each step it reads the page's DOM and checks the call status text, each device's
 * icon and tone against what the API's /security says and what seed 003 Table 4 gives, that the
 * counters move between two reads a second apart, and that the timeline shows the
 * securitychange with its reasons. It also checks the page without a token (a prompt, no data,
 * no API request), with a wrong token (the API's 401 message), that the token never appears in
 * a URL, that no key material reaches the page, and the phone-sized layout.
 *
 * Screenshots of every step go to test-results/console-browser/ (gitignored). Needs
 * `npm run build` and `npm run peers` (scripts/install-browser.sh); fails loudly without Chromium.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { api, spawnServe, type ServeChild } from '../hostile/helpers';
import { keyParamsOf, MohSource, nonsecurePhone, Phone, securePhone } from '../integration/api/helpers';

const CHROMIUM = '/usr/lib/chromium/chromium';
const OUT = path.join(__dirname, '../../test-results/console-browser');
const WAIT_MS = 20_000;

/** What the test reads from the page (one evaluate, as a string: the test program has no DOM types). */
interface Snapshot {
  prompt: boolean;
  live: boolean;
  message: string;
  connection: string;
  updated: string;
  calls: {
    id: string; status: string; statusText: string; notes: string;
    legs: {
      id: string; icon: string; iconText: string; tone: string;
      streams: { kind: string; transport: string; mode: string; counters: Record<string, number> }[];
    }[];
    timeline: { type: string; status: string | null; text: string; reasons: string[] }[];
  }[];
  text: string;
  html: string;
  overflow: boolean;
}

const SNAPSHOT = `(() => {
  const q = (root, sel) => Array.from(root.querySelectorAll(sel));
  const text = (root, sel) => (root.querySelector(sel)?.textContent ?? '').trim();
  return {
    prompt: !document.getElementById('token-prompt').hidden,
    live: !document.getElementById('live').hidden,
    message: document.getElementById('auth-message').textContent,
    connection: document.getElementById('connection').dataset.state,
    updated: document.getElementById('updated').textContent,
    calls: q(document, 'section.call').map((c) => ({
      id: c.dataset.callId,
      status: c.querySelector('.call-status').dataset.status,
      statusText: text(c, '.call-status'),
      notes: text(c, '.call-notes'),
      legs: q(c, 'article.leg').map((l) => ({
        id: l.dataset.legId,
        icon: l.querySelector('.device-icon').dataset.icon,
        iconText: text(l, '.device-icon'),
        tone: l.querySelector('.tone').dataset.tone,
        streams: q(l, '.stream').map((s) => ({
          kind: s.dataset.streamKind,
          transport: text(s, '[data-field=transport]'),
          mode: text(s, '[data-field=mode]'),
          counters: Object.fromEntries(q(s, '[data-counter]').map((d) => [d.dataset.counter, Number(d.textContent)])),
        })),
      })),
      timeline: q(c, 'ol.timeline > li').map((li) => ({
        type: li.dataset.eventType, status: li.dataset.status ?? null, text: text(li, '.event-text'),
        reasons: q(li, '.reasons li').map((r) => r.textContent),
      })),
    })),
    text: document.body.innerText,
    html: document.documentElement.outerHTML,
    overflow: document.documentElement.scrollWidth > document.documentElement.clientWidth,
  };
})()`;

/** `promise`, or undefined after `ms` (the timer never outlives the wait). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

describe('operator console in Chromium', () => {
  let serve: ServeChild;
  let browser: Browser | null = null;
  let browserPid: number | undefined;
  let page: Page;
  let userDataDir = '';
  const requests: string[] = [];
  /** Script errors and console errors (CSP violations show here), but the 401 the test asks for. */
  const pageErrors: string[] = [];
  const closers: { close(): void }[] = [];
  let talkTimer: NodeJS.Timeout | null = null;
  const talking = new Set<Phone>();
  let moh: MohSource | null = null;
  let mohPlaying = false;
  let tag = 'x';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run npm run peers (scripts/install-browser.sh)`);
    mkdirSync(OUT, { recursive: true });
    serve = await spawnServe({});
    userDataDir = mkdtempSync(path.join(os.tmpdir(), 'srtp-relay-chromium-'));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true, // puppeteer passes --headless=new
      userDataDir,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    browserPid = browser.process()?.pid;
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 401/.test(m.text())) pageErrors.push(m.text());
    });
    // Every phone and the MOH source send one packet per 20 ms while they are "talking".
    talkTimer = setInterval(() => {
      for (const p of talking) void p.talk(tag, 1).catch(() => undefined);
      if (mohPlaying && moh !== null) void moh.play(`m${tag}`, 1).catch(() => undefined);
    }, 20);
  }, 60_000);

  afterAll(async () => {
    if (talkTimer !== null) clearInterval(talkTimer);
    for (const c of closers) c.close();
    if (browser !== null) await within(browser.close(), 5000).catch(() => undefined);
    // Chromium and its helpers run in their own process group (puppeteer starts it detached).
    if (browserPid !== undefined) {
      try {
        process.kill(-browserPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (serve !== undefined) {
      serve.child.kill('SIGTERM');
      await within(serve.exited, 5000);
      if (serve.child.exitCode === null) serve.child.kill('SIGKILL');
    }
    if (userDataDir !== '') rmSync(userDataDir, { recursive: true, force: true });
  }, 30_000);

  const snapshot = async (): Promise<Snapshot> => (await page.evaluate(SNAPSHOT)) as Snapshot;

  /** Reads the page until `ok` holds (bounded); the last reading is in the error. */
  const waitForPage = async (what: string, ok: (s: Snapshot) => boolean): Promise<Snapshot> => {
    const deadline = Date.now() + WAIT_MS;
    let last = await snapshot();
    while (!ok(last)) {
      if (Date.now() > deadline) throw new Error(`page never showed ${what}; last: ${JSON.stringify({ ...last, html: undefined, text: last.text.slice(0, 2000) })}`);
      await new Promise((r) => setTimeout(r, 100));
      last = await snapshot();
    }
    return last;
  };

  const shot = async (name: string): Promise<void> => {
    await page.screenshot({ path: path.join(OUT, `${name}.png`) as `${string}.png`, fullPage: true });
  };

  const rest = async (method: string, p: string, body?: unknown): Promise<any> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = await api(serve.url, serve.token, method, p, body);
    if (r.status >= 300) throw new Error(`${method} ${p} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  const callOf = (s: Snapshot, id: string): Snapshot['calls'][number] => {
    const c = s.calls.find((x) => x.id === id);
    if (c === undefined) throw new Error(`call ${id} not on the page`);
    return c;
  };

  /** The page agrees with the API's security report: status word, and per leg icon and tone. */
  const matchesApi = (s: Snapshot, id: string, security: { status: string; devices: { leg: string; icon: string; tone: string }[] }): boolean => {
    const c = s.calls.find((x) => x.id === id);
    if (c === undefined || c.status !== security.status) return false;
    if (c.legs.map((l) => l.id).join(',') !== security.devices.map((d) => d.leg).join(',')) return false;
    return security.devices.every((d) => c.legs.some((l) => l.id === d.leg && l.icon === d.icon && l.tone === d.tone));
  };

  /** Two readings ≥ 1.2 s apart: each leg's audio packetsIn (and the named counters) went up. */
  const expectCountersMove = async (id: string, alsoForwarded: string[]): Promise<Record<string, [number, number]>> => {
    const first = callOf(await snapshot(), id);
    await new Promise((r) => setTimeout(r, 1200));
    const second = callOf(await snapshot(), id);
    const moved: Record<string, [number, number]> = {};
    for (const leg of second.legs) {
      const before = first.legs.find((l) => l.id === leg.id)?.streams[0].counters ?? {};
      const after = leg.streams[0].counters;
      moved[leg.id] = [before.packetsIn ?? 0, after.packetsIn];
      expect({ leg: leg.id, grew: after.packetsIn > (before.packetsIn ?? 0) }).toEqual({ leg: leg.id, grew: true });
      if (alsoForwarded.includes(leg.id)) expect({ leg: leg.id, forwardedGrew: after.forwarded > (before.forwarded ?? 0) }).toEqual({ leg: leg.id, forwardedGrew: true });
    }
    return moved;
  };

  it('asks for the token, refuses a wrong one with the API\'s 401 message, then follows a call through hold, resume and transfer', async () => {
    // A call exists before the page opens: without the right token none of it may show.
    await rest('POST', '/v1/calls', { id: 'decoy-call' });

    // ── no token: a prompt, no data, no API request ──
    const response = await page.goto(`${serve.url}/`, { waitUntil: 'load' });
    expect(response?.url()).toBe(`${serve.url}/console/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    let s = await waitForPage('the token prompt', (x) => x.prompt && x.message !== '');
    expect(s.message).toBe('Enter the API token to see calls. No data is shown or requested without it.');
    expect(s.live).toBe(false);
    expect(s.calls).toEqual([]);
    expect(s.text).not.toContain('decoy-call');
    expect(requests.filter((u) => u.includes('/v1/'))).toEqual([]);
    await shot('0-no-token');

    // ── wrong token: the API's own 401 answer, still no data ──
    const unauthorized = await api(serve.url, 'wrong-token-wrong-token', 'GET', '/v1/calls');
    expect(unauthorized.status).toBe(401);
    await page.type('#token-input', 'wrong-token-wrong-token');
    await page.click('#token-form button[type=submit]');
    s = await waitForPage('the 401 message', (x) => x.message.includes('401'));
    expect(s.message).toBe(`The relay refused: 401 ${unauthorized.body.error.code}: ${unauthorized.body.error.message}`);
    expect(s.prompt).toBe(true);
    expect(s.live).toBe(false);
    expect(s.calls).toEqual([]);
    expect(s.text).not.toContain('decoy-call');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await shot('1-wrong-token');
    await rest('DELETE', '/v1/calls/decoy-call');

    // ── the right token: live, the event stream open (token as a WebSocket subprotocol) ──
    await page.type('#token-input', serve.token);
    await page.click('#token-form button[type=submit]');
    s = await waitForPage('the live view with events connected', (x) => x.live && !x.prompt && x.connection === 'open');
    expect(s.text).toContain('No calls on this relay right now.');

    // ── two secure phones, managed keys (call keying), real SRTP both ways ──
    const callId = 'console-flow';
    const base = `/v1/calls/${callId}`;
    const A = await Phone.open();
    const B = await Phone.open();
    const C = await Phone.open();
    moh = await MohSource.open();
    closers.push(A, B, C, moh);
    await rest('POST', '/v1/calls', { id: callId });
    const delivered: string[] = [];
    for (const [id, phone] of [['A', A], ['B', B]] as const) {
      const leg = await rest('POST', `${base}/legs`, { id, device: securePhone(id), keying: 'managed', streams: [{ kind: 'audio', remote: phone.endpoint }] });
      phone.relayPort = leg.streams[0].local.rtpPort;
      const keys = (await rest('GET', `${base}/legs/${id}/keys`)).streams[0];
      delivered.push(keys.send, keys.receive);
      phone.useManagedKeys(keys);
    }
    tag = 's1';
    talking.add(A).add(B);
    await B.hear('s1', 5);
    await A.hear('s1', 5);
    let security = await rest('GET', `${base}/security`);
    expect(security).toMatchObject({ status: 'encrypted', devices: [{ leg: 'A', icon: 'lock', tone: 'none' }, { leg: 'B', icon: 'lock', tone: 'none' }] });
    s = await waitForPage('the encrypted call', (x) => matchesApi(x, callId, security));
    let call = callOf(s, callId);
    expect(s.overflow).toBe(false);
    expect(call.statusText).toBe('Encrypted');
    expect(call.legs.map((l) => [l.id, l.icon, l.iconText])).toEqual([['A', 'lock', 'Lock'], ['B', 'lock', 'Lock']]);
    expect(call.legs.map((l) => [l.streams[0].transport, l.streams[0].mode])).toEqual([
      ['SRTP AEAD_AES_256_GCM', 'verified passthrough'], ['SRTP AEAD_AES_256_GCM', 'verified passthrough'],
    ]);
    await expectCountersMove(callId, ['A', 'B']);
    await shot('2-secure-call');

    // ── hold with MOH: non-secure while the music (RTP) plays, reason moh_rtp ──
    const mohRemote = moh.endpoint;
    const held = await rest('POST', `${base}/hold`, { leg: 'A', moh: { id: 'moh1', remote: mohRemote } });
    moh.relayPort = held.resource.local.moh.rtpPort;
    tag = 's2';
    mohPlaying = true;
    const music = await B.hear('ms2', 5);
    expect(music.every((r) => r.ssrc === 0x0f0f0f0f && r.status === 0)).toBe(true);
    security = await rest('GET', `${base}/security`);
    expect(security.status).toBe('nonsecure');
    expect(security.reasons.map((r: { code: string }) => r.code)).toContain('moh_rtp');
    s = await waitForPage('the call on hold', (x) => matchesApi(x, callId, security) && callOf(x, callId).timeline.some((e) => e.type === 'securitychange' && e.status === 'nonsecure'));
    call = callOf(s, callId);
    expect(call.statusText).toBe('Non-secure');
    expect(call.legs.map((l) => [l.id, l.icon, l.iconText])).toEqual([['A', 'none', 'No icon'], ['B', 'none', 'No icon']]);
    expect(call.notes).toContain('on hold by A, music moh1');
    const holdChange = call.timeline.find((e) => e.type === 'securitychange');
    expect(holdChange?.text).toMatch(/^Encrypted → Non-secure/);
    expect(holdChange?.reasons.some((r) => r.startsWith('moh_rtp — music on hold is RTP (resource moh1'))).toBe(true);
    // Both phones keep sending SRTP into the relay (A's packets have no route while held).
    await expectCountersMove(callId, ['B']);
    await shot('3-hold-moh');

    // ── resume: encrypted again, locks back ──
    mohPlaying = false;
    await rest('POST', `${base}/resume`);
    tag = 's3';
    await B.hear('s3', 5);
    await A.hear('s3', 5);
    security = await rest('GET', `${base}/security`);
    expect(security).toMatchObject({ status: 'encrypted', reasons: [] });
    s = await waitForPage('the resumed call', (x) => matchesApi(x, callId, security) && callOf(x, callId).timeline.filter((e) => e.type === 'securitychange').length >= 2);
    call = callOf(s, callId);
    expect(call.statusText).toBe('Encrypted');
    expect(call.legs.map((l) => [l.id, l.icon, l.iconText])).toEqual([['A', 'lock', 'Lock'], ['B', 'lock', 'Lock']]);
    expect(call.timeline.find((e) => e.type === 'securitychange')?.text).toMatch(/^Non-secure → Encrypted/);
    expect(call.legs.map((l) => l.streams[0].mode)).toEqual(['verified passthrough', 'verified passthrough']);
    await expectCountersMove(callId, ['A', 'B']);
    await shot('4-resumed');

    // ── transfer B → C, a non-secure phone on plain RTP ──
    talking.clear();
    const transferred = await rest('POST', `${base}/transfer`, { from: 'B', to: { id: 'C', device: nonsecurePhone('C'), keying: 'none', streams: [{ kind: 'audio', remote: C.endpoint }] } });
    C.relayPort = transferred.leg.streams[0].local.rtpPort;
    // B left: the call stream was rekeyed; A fetches its new keys (generation 2).
    const aKeys = (await rest('GET', `${base}/legs/A/keys`)).streams[0];
    delivered.push(aKeys.send, aKeys.receive);
    A.useManagedKeys(aKeys);
    tag = 's4';
    talking.add(A).add(C);
    await C.hear('s4', 5);
    await A.hear('s4', 5);
    security = await rest('GET', `${base}/security`);
    expect(security.status).toBe('nonsecure');
    expect(security.reasons.map((r: { code: string }) => r.code)).toContain('device_nonsecure');
    s = await waitForPage('the call transferred to C', (x) => matchesApi(x, callId, security));
    call = callOf(s, callId);
    expect(call.statusText).toBe('Non-secure');
    expect(call.legs.map((l) => [l.id, l.icon, l.iconText])).toEqual([['A', 'none', 'No icon'], ['C', 'none', 'No icon']]);
    expect(call.legs.map((l) => l.streams[0].transport)).toEqual(['SRTP AEAD_AES_256_GCM', 'RTP']);
    expect(call.legs.map((l) => l.streams[0].mode)).toEqual(['decrypt (SRTP → RTP)', 'encrypt (RTP → SRTP)']);
    const transferChange = call.timeline.find((e) => e.type === 'securitychange');
    expect(transferChange?.text).toMatch(/^Encrypted → Non-secure/);
    expect(transferChange?.reasons.some((r) => r.startsWith('device_nonsecure'))).toBe(true);
    expect(call.timeline.some((e) => e.type === 'legremoved' && e.text === 'leg B removed')).toBe(true);
    await expectCountersMove(callId, ['A', 'C']);
    await shot('5-transferred-nonsecure');

    // ── never any key material on the page; the token never in a URL ──
    const html = (await snapshot()).html;
    expect(html).not.toContain('inline:');
    for (const line of delivered) {
      for (const param of keyParamsOf(line)) expect(html).not.toContain(param.replace(/^inline:/, '').split('|')[0]);
    }
    expect(requests.some((u) => u.includes(serve.token) || u.includes(encodeURIComponent(serve.token)))).toBe(false);

    // ── a phone-sized viewport: everything readable without sideways scrolling ──
    await page.setViewport({ width: 390, height: 844 });
    s = await waitForPage('the phone layout', (x) => matchesApi(x, callId, security));
    expect(s.overflow).toBe(false);
    await shot('6-phone-viewport');
    await page.setViewport({ width: 1280, height: 800 });

    // ── a reload keeps the tab's token; Sign out forgets it and clears the page ──
    await page.reload({ waitUntil: 'load' });
    s = await waitForPage('the live view after a reload', (x) => x.live && x.connection === 'open' && matchesApi(x, callId, security));
    expect(s.prompt).toBe(false);
    await page.click('#sign-out');
    s = await waitForPage('the prompt after signing out', (x) => x.prompt);
    expect([s.live, s.calls, s.message]).toEqual([false, [], 'Signed out. Enter the API token to see calls.']);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    // A token the server no longer accepts (kept from before): back to the prompt with the 401.
    await page.evaluate(`sessionStorage.setItem('srtp-relay.console.token', 'stale-token-stale-token')`);
    await page.reload({ waitUntil: 'load' });
    s = await waitForPage('the 401 for a stale token', (x) => x.message.includes('401'));
    expect([s.prompt, s.live, s.calls]).toEqual([true, false, []]);
    expect(s.message).toBe(`The relay refused: 401 ${unauthorized.body.error.code}: ${unauthorized.body.error.message}`);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
