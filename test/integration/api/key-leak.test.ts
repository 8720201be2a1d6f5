/**
 * Secrets stay secret: run a full call flow (managed and SDES keys, SDP, hold with MOH, a
 * transcoder, a transfer, refused requests) with debug logging, then look for every key and salt
 * byte string — hex, base64 (padded or not), base64url, and the SDES key||salt form — in the
 * pino output, /metrics, every error body, every event, and every non-secret response.
 * Only the key-delivery answers (add leg with SDES, /keys, SDP) may carry keys.
 */
import { randomBytes } from 'node:crypto';
import { parse } from 'sdp-transform';
import type { RunningApi } from '../../../src/api';
import { parseCryptoAttribute } from '../../../src/keys';
import { EventCollector, InlineResource, MohSource, Phone, phoneOffer, securePhone, startTestApi, type Client, type LogCapture } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

function needles(line: string): string[] {
  const attr = parseCryptoAttribute(line);
  const out: string[] = [line.split('inline:')[1].split(/[|\s]/)[0]];
  for (const k of attr.keySet.deliver().keys) {
    for (const bytes of [k.key, k.salt, Buffer.concat([k.key, k.salt])]) {
      const b = Buffer.from(bytes);
      out.push(b.toString('hex'), b.toString('hex').toUpperCase(), b.toString('base64'), b.toString('base64').replace(/=+$/, ''), b.toString('base64url'));
    }
  }
  attr.keySet.release();
  return out;
}

describe('no key material outside key delivery', () => {
  let api: RunningApi;
  let client: Client;
  let logs: LogCapture;
  const closers: { close(): void }[] = [];
  beforeAll(async () => {
    ({ api, client, logs } = await startTestApi(relayPortRange(100), { logLevel: 'debug' }));
  });
  afterAll(async () => {
    for (const c of closers) c.close();
    await api.close();
  });

  it('finds no key or salt bytes in logs, metrics, errors, events or views', async () => {
    const events = await EventCollector.open(api.url);
    const [A, B, D] = [await Phone.open(), await Phone.open(), await Phone.open()];
    const moh = await MohSource.open();
    const xc = await InlineResource.open();
    closers.push(A, B, D, moh, xc, events);
    const secretLines: string[] = [];
    const views: string[] = [];

    await client.ok('POST', '/v1/calls', { id: 'leak' });
    await client.ok('POST', '/v1/calls/leak/legs', { id: 'A', device: securePhone('A'), keying: 'sdes' });
    await client.ok('POST', '/v1/calls/leak/legs', { id: 'B', device: securePhone('B'), keying: 'managed', suites: ['AES_256_CM_HMAC_SHA1_80'] });
    const offer = phoneOffer('AES_256_CM_HMAC_SHA1_80');
    secretLines.push(offer.line);
    const body = (port: number, crypto: string[]): string =>
      ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} RTP/SAVP 0`, ...crypto, ''].join('\r\n');
    const toB = parse((await client.ok('POST', '/v1/calls/leak/legs/A/sdp', { type: 'offer', sdp: body(A.port, [offer.line]) })).sdp);
    const toA = parse((await client.ok('POST', '/v1/calls/leak/legs/B/sdp', { type: 'answer', sdp: body(B.port, []) })).sdp);
    const line = (m: typeof toA.media[0]): string => { const c = (m.crypto ?? [])[0]; return `a=crypto:${c.id} ${c.suite} ${c.config}`; };
    const bKeys = (await client.ok('GET', '/v1/calls/leak/legs/B/keys')).streams[0];
    secretLines.push(line(toA.media[0]), line(toB.media[0]), bKeys.send, bKeys.receive);
    A.useSdes(offer.set, line(toA.media[0]));
    A.relayPort = toA.media[0].port;
    B.useManagedKeys(bKeys);
    B.relayPort = toB.media[0].port;
    await A.talk('a1');
    await B.hear('a1');
    await B.talk('b1');
    await A.hear('b1');

    const held = await client.ok('POST', '/v1/calls/leak/hold', { leg: 'A', moh: { id: 'moh', remote: moh.endpoint } });
    moh.relayPort = held.resource.local.moh.rtpPort;
    await moh.play('m');
    await B.hear('m');
    await client.ok('POST', '/v1/calls/leak/resume');
    const x = await client.ok('POST', '/v1/calls/leak/transcoders', { id: 'xc', leg: 'A', remotes: xc.remotes });
    xc.nearRelayPort = x.resource.local.near.rtpPort;
    xc.farRelayPort = x.resource.local.far.rtpPort;
    await A.talk('a2');
    await B.hear('a2');
    await client.ok('DELETE', '/v1/calls/leak/transcoders/xc');
    const toD = await client.ok('POST', '/v1/calls/leak/transfer', { from: 'B', to: { id: 'D', device: securePhone('D'), keying: 'managed', streams: [{ kind: 'audio', remote: D.endpoint }] } });
    const dKeys = (await client.ok('GET', '/v1/calls/leak/legs/D/keys')).streams[0];
    secretLines.push(dKeys.send, dKeys.receive);
    D.useManagedKeys(dKeys);
    D.relayPort = toD.leg.streams[0].local.rtpPort;
    await A.talk('a3');
    await D.hear('a3');
    views.push(JSON.stringify(toD.call), JSON.stringify(toD.security), JSON.stringify(held), JSON.stringify(x));

    // Refused requests that carry key-like material: the error must not echo it.
    const wrongLength = randomBytes(20).toString('base64');
    const refused = await client.call('POST', '/v1/calls/leak2/legs', { id: 'Z', device: securePhone('Z'), keying: 'sdes', streams: [{ kind: 'audio', crypto: [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${wrongLength}`] }] });
    expect(refused.status).toBe(404);
    await client.ok('POST', '/v1/calls', { id: 'leak2' });
    const refused2 = await client.call('POST', '/v1/calls/leak2/legs', { id: 'Z', device: securePhone('Z'), keying: 'sdes', streams: [{ kind: 'audio', crypto: [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${wrongLength}`, `a=crypto:2 AES_256_CM_HMAC_SHA1_80 ${offer.line.split(' ')[2]} FEC_ORDER=FEC_SRTP`] }] });
    expect(refused2.body.error.code).toMatch(/^KEY_ERR_/);
    const badSdp = await client.call('POST', '/v1/calls/leak/legs/A/sdp', { type: 'offer', sdp: `v=0\r\nm=audio 1 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${wrongLength}\r\n` });
    expect(badSdp.status).toBe(400);

    views.push(JSON.stringify(await client.ok('GET', '/v1/calls')), JSON.stringify(await client.ok('GET', '/v1/calls/leak')),
      JSON.stringify(await client.ok('GET', '/v1/calls/leak/legs/A')), JSON.stringify(await client.ok('GET', '/v1/calls/leak/legs/D')),
      JSON.stringify(await client.ok('GET', '/v1/calls/leak/security')));
    const metrics = (await client.call('GET', '/metrics')).text;
    await client.ok('DELETE', '/v1/calls/leak');
    await client.ok('DELETE', '/v1/calls/leak2');
    await new Promise((r) => setTimeout(r, 50));

    const haystacks: Record<string, string> = {
      logs: logs.text,
      metrics,
      errors: client.errorBodies.join('\n'),
      events: JSON.stringify(events.events),
      views: views.join('\n'),
    };
    // The flow really happened and was logged.
    expect(logs.text).toContain('"msg":"leg added"');
    expect(logs.lines.length).toBeGreaterThan(20);
    expect(events.events.some((e) => e.type === 'securitychange')).toBe(true);
    expect(client.errorBodies.length).toBeGreaterThanOrEqual(3);
    const all = [...secretLines.flatMap(needles), wrongLength, wrongLength.replace(/=+$/, '')];
    // Positive control: the needles do find keys where keys are delivered.
    expect(needles(bKeys.receive).filter((n) => JSON.stringify(toB).includes(n)).length).toBeGreaterThan(0);
    expect(all.length).toBeGreaterThan(100);
    for (const [where, text] of Object.entries(haystacks)) {
      const found = all.filter((n) => text.includes(n));
      expect([where, found]).toEqual([where, []]);
    }
  });
});
