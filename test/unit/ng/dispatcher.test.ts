import { bdecode, bencode, type NgDict } from '../../../src/ng/bencode';
import { NgDispatcher } from '../../../src/ng/dispatcher';
import { NgError, NgErrorCode } from '../../../src/ng/errors';
import { FakeCallControl, callInfo } from './fake-call-control';

const peer = { transport: 'udp' as const, address: '127.0.0.1', port: 5060 };
const offer = { command: 'offer', 'call-id': 'c1', 'from-tag': 'f1', sdp: 'v=0\r\nc=IN IP4 10.0.0.1\r\n' };

function msg(cookie: string, dict: object): Buffer {
  return Buffer.concat([Buffer.from(`${cookie} `), bencode(dict as NgDict)]);
}

function reply(buf: Buffer | null, cookie: string): NgDict {
  expect(buf).not.toBeNull();
  const text = (buf as Buffer).toString('latin1');
  expect(text.startsWith(`${cookie} `)).toBe(true);
  const body = (buf as Buffer).subarray(cookie.length + 1);
  return (body[0] === 0x7b ? JSON.parse(body.toString('utf8')) : bdecode(body)) as NgDict;
}

describe('ng dispatcher', () => {
  let control: FakeCallControl;
  let d: NgDispatcher;
  beforeEach(() => {
    control = new FakeCallControl();
    d = new NgDispatcher(control);
  });

  it('answers ping with pong', async () => {
    expect(reply(await d.handle(Buffer.from('5323_1 d7:command4:pinge'), peer), '5323_1')).toEqual({ result: 'pong' });
  });

  it('runs an offer and replies ok with the rewritten sdp and warnings', async () => {
    const r = reply(await d.handle(msg('c-1', { ...offer, 'bogus key': 1 }), peer), 'c-1');
    expect(r).toEqual({ result: 'ok', sdp: 'v=0\r\nc=IN IP4 192.0.2.1\r\n', warning: 'unknown key "bogus key" ignored; fake warning' });
    expect(control.count('offer')).toBe(1);
  });

  it.each([
    ['malformed bencode', Buffer.from('k1 d7:command5:offer7:call-id'), /^bencode: unexpected end of input/],
    ['a body that is a list', Buffer.from('k1 l4:pinge'), /not a dictionary/],
    ['an unknown command', msg('k1', { command: 'teleport', 'call-id': 'c' }), /unknown command "teleport"/],
    ['a missing call-id', msg('k1', { command: 'offer', 'from-tag': 'f', sdp: 'v=0' }), /missing "call-id"/],
    ['a bad value', msg('k1', { ...offer, DTLS: 'maybe' }), /DTLS/],
    ['invalid JSON', Buffer.from('k1 {"command": "offer",'), /invalid JSON/],
    ['JSON null', Buffer.from('k1 {"command": null}'), /null cannot be carried/],
    ['an empty body', Buffer.from('k1 '), /empty body/],
  ])('replies error with a reason to %s and never calls the control', async (_name, input, reason) => {
    const r = reply(await d.handle(input, peer), 'k1');
    expect(Object.keys(r).sort()).toEqual(['error-reason', 'result']);
    expect(r.result).toBe('error');
    expect(r['error-reason']).toMatch(reason);
    expect(control.calls).toEqual([]);
    expect(d.counters.errors).toBe(1);
  });

  it('drops a message without a cookie (nothing to address a reply to)', async () => {
    expect(await d.handle(Buffer.from('d7:command4:pinge'), peer)).toBeNull();
    expect(await d.handle(Buffer.from(' d7:command4:pinge'), peer)).toBeNull();
    expect(await d.handle(Buffer.from(`${'x'.repeat(200)} d7:command4:pinge`), peer)).toBeNull();
    expect(d.counters.dropped).toBe(3);
  });

  it('accepts JSON bodies and replies in JSON', async () => {
    const r = reply(await d.handle(Buffer.from(`j1 ${JSON.stringify({ ...offer, flags: ['trust-address'], 'record call': true })}`), peer), 'j1');
    expect(r.result).toBe('ok');
    expect(r.sdp).toContain('192.0.2.1');
    expect(((control.calls[0].req as { recordCall: boolean }).recordCall)).toBe(true);
  });

  it('accepts unsorted bencode keys as Kamailio sends them', async () => {
    const raw = Buffer.from('u1 d3:sdp3:v=07:call-id2:c18:from-tag2:f17:command5:offere');
    expect(reply(await d.handle(raw, peer), 'u1').result).toBe('ok');
    expect(control.count('offer')).toBe(1);
  });

  it('carries a 64 KiB SDP in and out', async () => {
    const sdp = `v=0\r\nc=IN IP4 10.0.0.1\r\n${'a=x-pad:0123456789abcdef\r\n'.repeat(2700)}`;
    const r = reply(await d.handle(msg('big', { ...offer, sdp }), peer), 'big');
    expect(r.result).toBe('ok');
    expect(r.sdp).toBe(sdp.replace('10.0.0.1', '192.0.2.1'));
    expect((control.calls[0].req as { sdp: string }).sdp).toBe(sdp);
  });

  it('answers a retransmitted cookie from the cache: the offer runs once', async () => {
    const first = await d.handle(msg('r1', offer), peer);
    const second = await d.handle(msg('r1', offer), peer);
    expect(second).toEqual(first);
    expect(control.count('offer')).toBe(1);
    expect(d.counters.retransmissions).toBe(1);
    // A new cookie is a new request.
    await d.handle(msg('r2', offer), peer);
    expect(control.count('offer')).toBe(2);
    // The same cookie from another proxy is not a retransmission.
    await d.handle(msg('r1', offer), { ...peer, address: '192.0.2.7' });
    expect(control.count('offer')).toBe(3);
  });

  it('makes a concurrent duplicate wait for the first reply instead of running again', async () => {
    let open!: () => void;
    control.offerGate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const a = d.handle(msg('dup', offer), peer);
    const b = d.handle(msg('dup', offer), peer);
    const c = d.handle(msg('dup', offer), peer);
    await new Promise((resolve) => setImmediate(resolve));
    expect(control.count('offer')).toBe(1);
    open();
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    expect(rb).toEqual(ra);
    expect(rc).toEqual(ra);
    expect(reply(ra, 'dup').result).toBe('ok');
    expect(control.count('offer')).toBe(1);
  });

  it('caches error replies too (a retransmitted bad request is not re-parsed into a different answer)', async () => {
    control.offerError = new NgError(NgErrorCode.BadValue, 'no usable media');
    const r1 = await d.handle(msg('e1', offer), peer);
    control.offerError = null;
    const r2 = await d.handle(msg('e1', offer), peer);
    expect(r2).toEqual(r1);
    expect(reply(r2, 'e1')).toEqual({ result: 'error', 'error-reason': 'no usable media' });
    expect(control.count('offer')).toBe(1);
  });

  it('runs a cookie again once its cache entry expired, and bounds the cache', async () => {
    let now = 0;
    const bounded = new NgDispatcher(control, { cookieCache: { ttlMs: 1000, maxEntries: 2, maxBytes: 1 << 20, now: () => now } });
    await bounded.handle(msg('t1', offer), peer);
    now = 999;
    await bounded.handle(msg('t1', offer), peer);
    expect(control.count('offer')).toBe(1);
    now = 1000;
    await bounded.handle(msg('t1', offer), peer);
    expect(control.count('offer')).toBe(2);
    await bounded.handle(msg('t2', offer), peer);
    await bounded.handle(msg('t3', offer), peer);
    await bounded.handle(msg('t1', offer), peer); // evicted as the oldest of three
    expect(control.count('offer')).toBe(5);
  });

  it('answers load limit only to proxies that support it', async () => {
    control.offerError = new NgError(NgErrorCode.LoadLimit, 'too many calls');
    expect(reply(await d.handle(msg('l1', { ...offer, supports: ['load limit'] }), peer), 'l1')).toEqual({ result: 'load limit', message: 'too many calls' });
    expect(reply(await d.handle(msg('l2', offer), peer), 'l2')).toEqual({ result: 'error', 'error-reason': 'too many calls' });
  });

  it('hides the message of an untyped exception (a bug) behind "internal error"', async () => {
    control.offerError = new Error('secret internals at /some/path');
    expect(reply(await d.handle(msg('x1', offer), peer), 'x1')).toEqual({ result: 'error', 'error-reason': 'internal error' });
  });

  it('deletes: unknown call is ok with a warning, or an error with fatal; stats unless fast', async () => {
    expect(reply(await d.handle(msg('d1', { command: 'delete', 'call-id': 'nope', 'from-tag': 'f' }), peer), 'd1'))
      .toEqual({ result: 'ok', warning: 'call-id "nope" not found' });
    expect(reply(await d.handle(msg('d2', { command: 'delete', 'call-id': 'nope', flags: ['fatal'] }), peer), 'd2'))
      .toEqual({ result: 'error', 'error-reason': 'unknown call-id "nope"' });
    await d.handle(msg('o1', offer), peer);
    const r = reply(await d.handle(msg('d3', { command: 'delete', 'call-id': 'c1', 'from-tag': 'f1' }), peer), 'd3');
    expect(r.result).toBe('ok');
    expect(r.totals).toEqual({ RTP: { packets: 10, bytes: 1720, errors: 1 }, RTCP: { packets: 0, bytes: 0, errors: 0 } });
    await d.handle(msg('o2', offer), peer);
    expect(reply(await d.handle(msg('d4', { command: 'delete', 'call-id': 'c1', flags: ['fast'] }), peer), 'd4')).toEqual({ result: 'ok' });
  });

  it('queries a live call with rtpengine\'s reply keys, and errors on an unknown one', async () => {
    control.live.set('q1', callInfo('tagA'));
    const r = reply(await d.handle(msg('q', { command: 'query', 'call-id': 'q1' }), peer), 'q');
    expect(r).toEqual({
      result: 'ok', created: 1_700_000_000, 'last signal': 1_700_000_005,
      tags: { tagA: { tag: 'tagA', created: 1_700_000_000, 'in dialogue with': 'to1', medias: [{ index: 1, type: 'audio', protocol: 'RTP/SAVP', flags: ['SDES'], streams: [{ 'local port': 30000, endpoint: { family: 'IPv4', address: '127.0.0.1', port: 4000 }, 'crypto suite': 'AES_CM_128_HMAC_SHA1_80', flags: ['RTP'], stats: { packets: 10, bytes: 1720, errors: 1 } }] }] } },
      totals: { RTP: { packets: 10, bytes: 1720, errors: 1 }, RTCP: { packets: 0, bytes: 0, errors: 0 } },
    });
    expect(reply(await d.handle(msg('q2', { command: 'query', 'call-id': 'none' }), peer), 'q2')).toEqual({ result: 'error', 'error-reason': 'unknown call-id "none"' });
  });

  it('lists calls up to the limit and returns statistics', async () => {
    for (const id of ['a', 'b', 'c']) control.live.set(id, callInfo('t'));
    expect(reply(await d.handle(msg('li', { command: 'list', limit: 2 }), peer), 'li')).toEqual({ result: 'ok', calls: ['a', 'b'] });
    expect(reply(await d.handle(msg('st', { command: 'statistics' }), peer), 'st')).toEqual({ result: 'ok', statistics: { currentstatistics: { sessionstotal: 3 } } });
  });
});
