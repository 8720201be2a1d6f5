/**
 * ng wired into the running service (startApiServer, as `srtp-relay serve` runs it): UDP and
 * TCP listeners on ports from the OS, `POST /ng` behind the API token, calls made over ng
 * visible in the REST API and on /v1/events, and shutdown closing the ng listeners.
 */
import dgram from 'node:dgram';
import { bdecode, bencode, NgClient, type NgDict } from '../../../src/ng';
import { relayPortRange } from '../../helpers/port-ranges';
import { EventCollector, startTestApi, TOKEN, type Client } from '../api/helpers';
import type { RunningApi } from '../../../src/api';

const RANGE: [number, number] = relayPortRange(100);
const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

let api: RunningApi;
let client: Client;

beforeEach(async () => {
  ({ api, client } = await startTestApi(RANGE, { ng: { udp: { host: '127.0.0.1', port: 0 }, tcp: { host: '127.0.0.1', port: 0 } } }));
});

afterEach(async () => {
  await api.close();
});

async function postNg(body: Buffer, token: string | null = TOKEN): Promise<{ status: number; body: Buffer }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-rtpengine-ng' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${api.url}/ng`, { method: 'POST', headers, body });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

describe('ng in the running service', () => {
  it('a call offered over UDP is the REST API\'s call and is announced on /v1/events', async () => {
    const events = await EventCollector.open(api.url);
    try {
      const ng = await NgClient.connect('127.0.0.1', (api.ng.udp as { port: number }).port);
      try {
        const r = await ng.request('offer', { 'call-id': 'rest-visible', 'from-tag': 'a', 'sdp': SDP, 'transport-protocol': 'RTP/SAVP' });
        expect(r.result).toBe('ok');
        const call = await client.ok('GET', '/v1/calls/rest-visible');
        expect(call.legs.map((l: { id: string }) => l.id)).toEqual(['caller', 'callee']);
        await events.waitFor((e) => e.type === 'callcreated' && e.callId === 'rest-visible');
        expect((await ng.request('delete', { 'call-id': 'rest-visible', 'from-tag': 'a' })).result).toBe('ok');
        expect((await client.call('GET', '/v1/calls/rest-visible')).status).toBe(404);
      } finally {
        ng.close();
      }
    } finally {
      events.close();
    }
  });

  it('POST /ng answers with the token and refuses without it', async () => {
    const ping = await postNg(Buffer.concat([Buffer.from('h1 '), bencode({ command: 'ping' })]));
    expect(ping.status).toBe(200);
    expect(ping.body.subarray(0, 3).toString()).toBe('h1 ');
    expect((bdecode(ping.body.subarray(3)) as NgDict).result).toBe('pong');
    const offer = await postNg(Buffer.concat([Buffer.from('h2 '), bencode({ 'command': 'offer', 'call-id': 'over-http', 'from-tag': 'a', 'sdp': SDP })]));
    expect((bdecode(offer.body.subarray(3)) as NgDict).result).toBe('ok');
    expect(api.service.findSession('over-http')).toBeDefined();
    const refused = await postNg(Buffer.concat([Buffer.from('h3 '), bencode({ 'command': 'offer', 'call-id': 'sneaky', 'from-tag': 'a', 'sdp': SDP })]), null);
    expect(refused.status).toBe(401);
    expect(api.service.findSession('sneaky')).toBeUndefined();
  });

  it('TCP carries ng too, and shutdown closes the ng listeners', async () => {
    const { connect } = await import('node:net');
    const port = (api.ng.tcp as { port: number }).port;
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        const body = Buffer.concat([Buffer.from('t1 '), bencode({ command: 'ping' })]);
        socket.write(body);
      });
      const chunks: Buffer[] = [];
      socket.on('data', (d) => {
        chunks.push(d);
        const all = Buffer.concat(chunks);
        if (all.includes(Buffer.from('pong'))) {
          socket.destroy();
          resolve(all);
        }
      });
      socket.on('error', reject);
    });
    expect(reply.toString()).toContain('pong');
    const udpPort = (api.ng.udp as { port: number }).port;
    await api.close();
    // The UDP port is free again: the listener is gone.
    const probe = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.bind(udpPort, '127.0.0.1', () => resolve());
    });
    probe.close();
  });
});
