/**
 * Issue cases 4 and 5: the relay sends only to unicast addresses its sockets can reach and the
 * policy allows — refused with API_ERR_REMOTE_REFUSED and the field, in legs, PATCH, MOH,
 * streams, transcoders, conference bridges, barge bridges and SDP c= / a=rtcp lines — and a
 * send that fails anyway is counted (`sendErrors`, not `packetsOut`) and logged at a rate limit.
 */
import pino from 'pino';
import type { RunningApi } from '../../src/api';
import { AddressPolicy, AddressVerdict, MediaRelay } from '../../src/relay';
import type { MediaLeg } from '../../src/relay/media-leg';
import { Client, LogCapture, startTestApi } from '../integration/api/helpers';
import { rtpPacket, sleep, UdpEndpoint } from './helpers';
import { relayPortRange } from '../helpers/port-ranges';

jest.setTimeout(30_000);

/** Every kind of address no endpoint of an IPv4 relay can have (issue case 5), and why. */
const REFUSED: readonly [string, AddressVerdict][] = [
  ['0.0.0.0', AddressVerdict.Unspecified],
  ['0.1.2.3', AddressVerdict.Unspecified],
  ['::', AddressVerdict.WrongFamily],
  ['255.255.255.255', AddressVerdict.Broadcast],
  ['224.0.0.1', AddressVerdict.Multicast],
  ['239.255.255.250', AddressVerdict.Multicast],
  ['ff02::1', AddressVerdict.WrongFamily],
  ['169.254.169.254', AddressVerdict.Denied],
  ['169.254.10.20', AddressVerdict.LinkLocal],
  ['fe80::1', AddressVerdict.WrongFamily],
  ['::ffff:127.0.0.1', AddressVerdict.Mapped],
  ['::ffff:169.254.169.254', AddressVerdict.Mapped],
  ['::1', AddressVerdict.WrongFamily],
];

describe('AddressPolicy', () => {
  const policy = new AddressPolicy();
  it.each(REFUSED)('refuses %s on an IPv4 relay', (address, verdict) => {
    expect(policy.judge(address, 4)).toBe(verdict);
  });

  it('judges IPv6 relays by the same rules', () => {
    expect(policy.judge('::', 6)).toBe(AddressVerdict.Unspecified);
    expect(policy.judge('ff02::1', 6)).toBe(AddressVerdict.Multicast);
    expect(policy.judge('fe80::1', 6)).toBe(AddressVerdict.LinkLocal);
    expect(policy.judge('fd00:ec2::254', 6)).toBe(AddressVerdict.Denied);
    expect(policy.judge('2001:db8::1', 6)).toBe(AddressVerdict.Ok);
    expect(policy.judge('127.0.0.1', 6)).toBe(AddressVerdict.WrongFamily);
  });

  it('accepts unicast, applies allow and deny lists, and link-local only when allowed', () => {
    expect(policy.judge('127.0.0.1', 4)).toBe(AddressVerdict.Ok);
    expect(policy.judge('192.0.2.10', 4)).toBe(AddressVerdict.Ok);
    const custom = new AddressPolicy({ allow: ['10.0.0.0/8', '169.254.0.0/16'], deny: ['10.9.0.0/16'], allowLinkLocal: true });
    expect(custom.judge('10.1.2.3', 4)).toBe(AddressVerdict.Ok);
    expect(custom.judge('10.9.2.3', 4)).toBe(AddressVerdict.Denied);
    expect(custom.judge('192.0.2.10', 4)).toBe(AddressVerdict.NotAllowed);
    expect(custom.judge('169.254.10.20', 4)).toBe(AddressVerdict.Ok);
    expect(custom.judge('224.0.0.1', 4)).toBe(AddressVerdict.Multicast);
    expect(() => new AddressPolicy({ deny: ['10.0.0.0/33'] })).toThrow(RangeError);
    expect(() => new AddressPolicy({ allow: ['nonsense'] })).toThrow(RangeError);
  });
});

describe('remote addresses in requests', () => {
  let api: RunningApi;
  let client: Client;
  const phone = (id: string) => ({ id, kind: 'ip_phone' });
  beforeAll(async () => {
    ({ api, client } = await startTestApi(relayPortRange(), { addressPolicy: { deny: ['169.254.169.254/32', '127.0.0.99/32'] } }));
    await client.ok('POST', '/v1/calls', { id: 'addr' });
    for (const id of ['A', 'B']) await client.ok('POST', '/v1/calls/addr/legs', { id, device: phone(id), keying: 'none', streams: [{ kind: 'audio', remote: { address: '127.0.0.1', port: 40000 } }] });
  });
  afterAll(async () => {
    await api.close();
  });

  const at = (address: string) => ({ address, port: 40002 });
  const requests = (address: string): [string, string, object, string][] => [
    ['POST', '/v1/calls/addr/legs', { id: 'C', device: phone('C'), keying: 'none', streams: [{ kind: 'audio', remote: at(address) }] }, 'streams[0].remote.address'],
    ['PATCH', '/v1/calls/addr/legs/A', { streams: [{ kind: 'audio', remote: at(address) }] }, 'streams[0].remote.address'],
    ['POST', '/v1/calls/addr/hold', { leg: 'A', moh: { id: 'moh1', remote: at(address) } }, 'moh.remote.address'],
    ['POST', '/v1/calls/addr/legs/A/streams', { kind: 'video', remote: at(address) }, 'remote.address'],
    ['POST', '/v1/calls/addr/transcoders', { id: 'x1', leg: 'A', remotes: { leg: at('127.0.0.1'), peer: at(address) } }, 'remotes.peer.address'],
    ['POST', '/v1/calls/addr/conference', { initiator: 'A', bridges: [{ id: 'cfb', remote: at(address) }] }, 'bridges[0].remote.address'],
    ['POST', '/v1/calls/addr/barge', { initiator: { id: 'C', keying: 'none', device: phone('C') }, target: 'B', bridge: { remote: at(address) } }, 'bridge.remote.address'],
  ];

  it.each(['0.0.0.0', '255.255.255.255', '224.0.0.1', '239.255.255.250', 'ff02::1', '169.254.169.254', '169.254.1.1', 'fe80::1', '::ffff:127.0.0.1', '::1', '127.0.0.99'])('refuses %s in every request that names a remote', async (address) => {
    for (const [method, url, body, field] of requests(address)) {
      const r = await client.call(method, url, body);
      expect([url, r.status, r.body.error.code, r.body.error.field]).toEqual([url, 400, 'API_ERR_REMOTE_REFUSED', field]);
    }
  });

  it('refuses them in SDP c= and a=rtcp lines (0.0.0.0 hold stays allowed)', async () => {
    const sdp = (c: string, extra = ''): string => ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', `c=IN IP4 ${c}`, 't=0 0', 'm=audio 4000 RTP/AVP 0', `a=rtpmap:0 PCMU/8000${extra}`, ''].join('\r\n');
    for (const c of ['224.0.0.1', '255.255.255.255', '169.254.169.254', '127.0.0.99']) {
      const r = await client.call('POST', '/v1/calls/addr/legs/A/sdp', { type: 'offer', sdp: sdp(c) });
      expect([c, r.status, r.body.error.code, r.body.error.field]).toEqual([c, 400, 'API_ERR_REMOTE_REFUSED', 'sdp']);
    }
    const rtcp = await client.call('POST', '/v1/calls/addr/legs/A/sdp', { type: 'offer', sdp: sdp('127.0.0.1', '\r\na=rtcp:4001 IN IP4 239.255.255.250') });
    expect([rtcp.status, rtcp.body.error.code]).toEqual([400, 'API_ERR_REMOTE_REFUSED']);
    expect((await client.call('POST', '/v1/calls/addr/legs/A/sdp', { type: 'offer', sdp: sdp('0.0.0.0') })).status).toBe(200);
    expect((await client.call('POST', '/v1/calls/addr/legs/A/sdp', { type: 'offer', sdp: sdp('127.0.0.1') })).status).toBe(200);
  });

  it('case 8: PATCH with a non-IP address names the field', async () => {
    const r = await client.call('PATCH', '/v1/calls/addr/legs/A', { streams: [{ kind: 'audio', remote: { address: 'not-an-ip', port: 4000 } }] });
    expect([r.status, r.body.error.code, r.body.error.field]).toEqual([400, 'API_ERR_BAD_REQUEST', 'streams[0].remote.address']);
  });

  it('counts the refusals', async () => {
    const metrics = (await client.call('GET', '/metrics')).text;
    expect(Number(/srtp_relay_limit_refusals_total\{limit="remote_address"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(77);
  });
});

describe('the relay itself', () => {
  it('refuses a refused remote at the relay too (RELAY_ERR_REMOTE_REFUSED)', async () => {
    const relay = await MediaRelay.create({ portRange: relayPortRange(), bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent' });
    try {
      const call = await relay.createCall('r');
      await expect(call.addLeg({ id: 'a', remote: { address: '224.0.0.1', port: 4000 } })).rejects.toMatchObject({ code: 'RELAY_ERR_REMOTE_REFUSED' });
      await call.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: 4000 } });
      await expect(call.setRemote('b', { address: '::1', port: 4000 })).rejects.toMatchObject({ code: 'RELAY_ERR_REMOTE_REFUSED' });
    } finally {
      await relay.close();
    }
  });

  it('case 4: a send that fails is a sendError (not packetsOut), logged at a rate limit', async () => {
    const logs = new LogCapture();
    const relay = await MediaRelay.create({ portRange: relayPortRange(), bindAddress: '127.0.0.1', workers: 0, logLevel: 'warn', logger: pino({ level: 'warn' }, logs) });
    const a = await UdpEndpoint.open();
    try {
      const call = await relay.createCall('send');
      const la = await call.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: a.port } });
      await call.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: 40000 } });
      await call.connect('a', 'b');
      // What the old PATCH allowed: an IPv6 remote on an IPv4 socket (set past every check,
      // as only a bug could now), so every send fails asynchronously.
      const engine = relay.inlineEngine() as unknown as { calls: Map<string, Map<string, MediaLeg>> };
      const legB = engine.calls.get('send')?.get('b') as MediaLeg;
      legB.rtpAddress = '::1';
      for (let i = 0; i < 50; i++) await a.send(rtpPacket(0xabc, i + 1), la.rtpPort);
      const deadline = Date.now() + 3000;
      while (call.stats().legs[1].counters.sendErrors < 50 && Date.now() < deadline) await sleep(10);
      const b = call.stats().legs[1].counters;
      expect({ sendErrors: b.sendErrors, packetsOut: b.packetsOut }).toEqual({ sendErrors: 50, packetsOut: 0 });
      const lines = logs.lines.filter((l) => l.includes('send failed'));
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(5);
      expect(lines[0]).toContain('"target":"::1"');
    } finally {
      a.close();
      await relay.close();
    }
  });
});
