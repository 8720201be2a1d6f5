/**
 * The console's static files on the API port (src/api/console-routes.ts) and the WebSocket's
 * subprotocol authentication (src/api/websocket-auth.ts), against a real server: the page and
 * its files answer without a token and with strict headers, nothing outside the loaded files can
 * be named, an unbuilt console says so, and a browser-style client (token as a subprotocol, no
 * header) gets events while a wrong one gets 401 and the token is never echoed back.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { RunningApi } from '../../../src/api';
import { BEARER_SUBPROTOCOL_PREFIX, bearerFromSubprotocols, EVENTS_SUBPROTOCOL, selectSubprotocol } from '../../../src/api/websocket-auth';
import { relayPortRange } from '../../helpers/port-ranges';
import { Client, TOKEN, startTestApi } from './helpers';

function consoleDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'srtp-relay-console-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** Opens /v1/events with these subprotocols and no Authorization header. */
function openWithProtocols(url: string, protocols: string[]): Promise<{ ws: WebSocket; protocol: string; echoed: string | undefined }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/events`, protocols);
  let echoed: string | undefined;
  ws.on('upgrade', (res) => { echoed = res.headers['sec-websocket-protocol'] as string | undefined; });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, protocol: ws.protocol, echoed }));
    ws.once('error', reject);
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      reject(new Error(`HTTP ${res.statusCode}`));
    });
  });
}

describe('console routes', () => {
  let api: RunningApi;
  let client: Client;
  const dir = consoleDir({ 'index.html': '<!doctype html><title>c</title>', 'main.js': 'export {};', 'console.css': 'body{}', 'notes.txt': 'not served', '.hidden.js': 'x' });
  beforeAll(async () => {
    ({ api, client } = await startTestApi(relayPortRange(20), { consoleDir: dir }));
  });
  afterAll(async () => {
    await api.close();
  });

  it('serves the page and its files without a token, with strict headers', async () => {
    for (const [url, type, body] of [['/console/', 'text/html', 'index.html'], ['/console/main.js', 'text/javascript', 'main.js'], ['/console/console.css', 'text/css', 'console.css']] as const) {
      const res = await client.call('GET', url, undefined, { token: null });
      expect([url, res.status]).toEqual([url, 200]);
      expect(res.headers.get('content-type')).toContain(type);
      expect(res.text).toBe(readFileSync(path.join(dir, body), 'utf8'));
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'; script-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    for (const url of ['/', '/console']) {
      const res = await fetch(`${api.url}${url}`, { redirect: 'manual' });
      expect([url, res.status, res.headers.get('location')]).toEqual([url, 302, '/console/']);
    }
  });

  it('serves only the files it loaded: other names, other types and paths are 404', async () => {
    for (const url of ['/console/notes.txt', '/console/.hidden.js', '/console/..%2Fpackage.json', '/console/%2e%2e%2fpackage.json', '/console/nope.js']) {
      const res = await client.call('GET', url, undefined, { token: null });
      expect([url, res.status, res.body?.error?.code]).toEqual([url, 404, 'API_ERR_NOT_FOUND']);
    }
    // The API itself still needs the token.
    expect((await client.call('GET', '/v1/calls', undefined, { token: null })).status).toBe(401);
  });

  it('says the console is not built when its files are missing', async () => {
    const bare = await startTestApi(relayPortRange(20), { consoleDir: path.join(dir, 'missing') });
    try {
      const res = await bare.client.call('GET', '/console/', undefined, { token: null });
      expect([res.status, res.body.error.code, res.body.error.message]).toEqual([503, 'API_ERR_CONSOLE_NOT_BUILT', 'the console is not built: run npm run build']);
    } finally {
      await bare.api.close();
    }
  });

  it('counts the public files against the per-address budget of token-less requests', async () => {
    const small = await startTestApi(relayPortRange(20), { consoleDir: dir, limits: { unauthenticatedRequestsPerWindow: 5, rateWindowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await small.client.call('GET', '/console/main.js', undefined, { token: null })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      // The token holder's budget is its own.
      expect((await small.client.call('GET', '/v1/calls')).status).toBe(200);
    } finally {
      await small.api.close();
    }
  });

  it('accepts the token as a WebSocket subprotocol, answers with the events protocol only', async () => {
    const { ws, protocol, echoed } = await openWithProtocols(api.url, [EVENTS_SUBPROTOCOL, BEARER_SUBPROTOCOL_PREFIX + b64url(TOKEN)]);
    try {
      expect(protocol).toBe(EVENTS_SUBPROTOCOL);
      expect(echoed).toBe(EVENTS_SUBPROTOCOL);
      const got = new Promise<{ type: string; callId: string }>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)) as { type: string; callId: string })));
      await client.ok('POST', '/v1/calls', { id: 'ws-sub' });
      expect(await got).toMatchObject({ type: 'callcreated', callId: 'ws-sub' });
      await client.ok('DELETE', '/v1/calls/ws-sub');
    } finally {
      ws.close();
    }
    await expect(openWithProtocols(api.url, [EVENTS_SUBPROTOCOL, BEARER_SUBPROTOCOL_PREFIX + b64url('wrong-token-wrong-token')])).rejects.toThrow('HTTP 401');
    await expect(openWithProtocols(api.url, [EVENTS_SUBPROTOCOL])).rejects.toThrow('HTTP 401');
    await expect(openWithProtocols(api.url, [EVENTS_SUBPROTOCOL, `${BEARER_SUBPROTOCOL_PREFIX}not.base64url`])).rejects.toThrow('HTTP 401');
    // The right token without the events protocol: nothing to select, so no socket (and no echo).
    await expect(openWithProtocols(api.url, [BEARER_SUBPROTOCOL_PREFIX + b64url(TOKEN)])).rejects.toThrow(/subprotocol/i);
  });

  it('parses the bearer subprotocol and never selects it', () => {
    expect(bearerFromSubprotocols(`${EVENTS_SUBPROTOCOL}, ${BEARER_SUBPROTOCOL_PREFIX}${b64url('tök en')}`)).toBe('tök en');
    expect(bearerFromSubprotocols(EVENTS_SUBPROTOCOL)).toBeNull();
    expect(bearerFromSubprotocols(undefined)).toBeNull();
    expect(bearerFromSubprotocols(`${BEARER_SUBPROTOCOL_PREFIX}${'A'.repeat(5000)}`)).toBeNull();
    expect(selectSubprotocol(new Set([`${BEARER_SUBPROTOCOL_PREFIX}abc`, EVENTS_SUBPROTOCOL]))).toBe(EVENTS_SUBPROTOCOL);
    expect(selectSubprotocol(new Set([`${BEARER_SUBPROTOCOL_PREFIX}abc`]))).toBe(false);
  });

  it('the browser code offers the same subprotocol names the server checks', () => {
    const source = readFileSync(path.join(__dirname, '../../../src/console/event-stream.ts'), 'utf8');
    expect(source).toContain(`export const EVENTS_SUBPROTOCOL = '${EVENTS_SUBPROTOCOL}';`);
    expect(source).toContain(`export const BEARER_SUBPROTOCOL_PREFIX = '${BEARER_SUBPROTOCOL_PREFIX}';`);
  });
});
