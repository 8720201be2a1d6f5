/**
 * Hostile packets at a live WebRTC leg (node-datachannel as the genuine peer, an SDES endpoint on
 * the other side): from another port on the same host, a STUN check signed with a wrong password,
 * an unsigned one, a forged DTLS ClientHello and SRTP under a wrong key. Each is a counted drop;
 * none is answered, none moves the leg's remote, and the call's media carries on. Then a peer
 * whose certificate does not match the signalled fingerprint: the handshake is refused and the
 * leg never gets keys.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import nodeDataChannel from 'node-datachannel';
import { readWebrtcMedia } from '../../src/dtls/webrtc-sdp';
import { werift } from '../../src/dtls/werift-module';
import { MediaRelay } from '../../src/relay';
import { SrtpContext } from '../../src/srtp';
import { relayPortRange } from '../helpers/port-ranges';
import { addSipLeg, addWebrtcLeg, nextDtlsEvent } from './webrtc/bridge';
import { DataChannelPeer } from './webrtc/datachannel-peer';

jest.setTimeout(60_000);

let relay: MediaRelay;

beforeAll(async () => {
  relay = await MediaRelay.create({ portRange: relayPortRange(40), bindAddress: '127.0.0.1', workers: 1, logLevel: 'error', addressPolicy: { allow: ['127.0.0.0/8'] } });
});

afterAll(async () => {
  await relay?.close();
  nodeDataChannel.cleanup();
});

/** A syntactically valid DTLS 1.2 ClientHello record (RFC 6347 §4.1, §4.2.2), epoch 0. */
function forgedClientHello(): Buffer {
  const body = Buffer.concat([Buffer.from([0xfe, 0xfd]), randomBytes(32), Buffer.from([0, 0, 0, 2, 0xc0, 0x2b, 1, 0])]);
  const hs = Buffer.alloc(12);
  hs[0] = 1;
  hs.writeUIntBE(body.length, 1, 3);
  hs.writeUInt16BE(0, 4);
  hs.writeUIntBE(0, 6, 3);
  hs.writeUIntBE(body.length, 9, 3);
  const rec = Buffer.alloc(13);
  rec[0] = 22;
  rec[1] = 0xfe;
  rec[2] = 0xfd;
  rec.writeUInt16BE(hs.length + body.length, 11);
  return Buffer.concat([rec, hs, body]);
}

function stunCheck(username: string, pwd: string | null): Buffer {
  const { Message, methods, classes } = werift();
  const m = new Message(methods.BINDING, classes.REQUEST).setAttribute('USERNAME', username).setAttribute('PRIORITY', 1853824767).setAttribute('USE-CANDIDATE', null);
  return (pwd === null ? m : m.addMessageIntegrity(Buffer.from(pwd, 'utf8'))).addFingerprint().bytes;
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

test('wrong-password STUN, unsigned STUN, forged ClientHello and wrong-key SRTP from another port: counted drops, no answer, no latch', async () => {
  const call = await relay.createCall('hostile');
  const ndc = new DataChannelPeer('hostile-peer');
  const sip = await addSipLeg(call, 'sip', 'AES_CM_128_HMAC_SHA1_80');
  const attacker = dgram.createSocket('udp4');
  const answersToAttacker: Buffer[] = [];
  attacker.on('message', (m) => answersToAttacker.push(m));
  await new Promise<void>((r) => attacker.bind(0, '127.0.0.1', r));
  try {
    const offer = await ndc.offer();
    const { answer } = await addWebrtcLeg(relay, call, 'web', offer, { role: 'server', profiles: ['AES_CM_128_HMAC_SHA1_80'] });
    await call.connect('web', 'sip');
    const connected = nextDtlsEvent(relay, call.id, 'web');
    ndc.answer(answer);
    expect((await connected).state).toBe('connected');
    ndc.startTone();
    await until(() => sip.endpoint.loudFrames > 10, 10_000);
    expect(sip.endpoint.loudFrames).toBeGreaterThan(10);

    const webPort = call.leg('web')!.local.rtpPort;
    const before = call.stats().legs.find((l) => l.id === 'web')!;
    const relayUfrag = readWebrtcMedia(answer).ufrag;
    const peerUfrag = readWebrtcMedia(offer).ufrag;
    const send = (b: Buffer): Promise<void> => new Promise((r) => attacker.send(b, webPort, '127.0.0.1', () => r()));
    await send(stunCheck(`${relayUfrag}:${peerUfrag}`, 'x'.repeat(24)));
    await send(stunCheck(`${relayUfrag}:${peerUfrag}`, null));
    await send(forgedClientHello());
    // SRTP under a key the relay never agreed to, with the genuine peer's SSRC.
    const forger = new SrtpContext({ profile: 'AES_CM_128_HMAC_SHA1_80', keys: { key: randomBytes(16), salt: randomBytes(14) } });
    const rtp = Buffer.alloc(12 + 160);
    rtp[0] = 0x80;
    rtp.writeUInt16BE(60000, 2);
    rtp.writeUInt32BE(0x0dc00001, 8);
    expect(forger.protectRtp(rtp)).toBe(0);
    await send(Buffer.from(forger.output.subarray(0, forger.outputLength)));
    forger.close();
    const sipLoudBefore = sip.endpoint.loudFrames;
    await until(() => sip.endpoint.loudFrames > sipLoudBefore + 10, 5000);

    const after = call.stats().legs.find((l) => l.id === 'web')!;
    expect(after.counters.iceRejected - before.counters.iceRejected).toBe(2);
    expect(after.counters.dtlsRejected - before.counters.dtlsRejected).toBe(1);
    expect(after.counters.droppedBySource - before.counters.droppedBySource).toBe(1);
    expect(after.counters.latchEvents).toBe(before.counters.latchEvents);
    expect(after.remote).toEqual(before.remote);
    expect(after.remote?.port).not.toBe((attacker.address()).port);
    expect(answersToAttacker).toHaveLength(0);
    expect(after.counters.authFailures).toBe(0);
    // The genuine call carries on.
    expect(sip.endpoint.loudFrames).toBeGreaterThan(sipLoudBefore + 10);
  } finally {
    ndc.close();
    sip.endpoint.close();
    attacker.close();
    await call.close();
  }
});

test('a peer certificate that does not match a=fingerprint: handshake refused with a reason, the leg gets no keys', async () => {
  const call = await relay.createCall('bad-fingerprint');
  const ndc = new DataChannelPeer('bad-fingerprint-peer');
  const sip = await addSipLeg(call, 'sip', 'AES_CM_128_HMAC_SHA1_80');
  try {
    const offer = await ndc.offer();
    const wrong = offer.replace(/a=fingerprint:sha-256 ([0-9A-Fa-f:]+)/, (_m, fp: string) => `a=fingerprint:sha-256 ${fp.slice(0, -2)}${fp.endsWith('00') ? '01' : '00'}`);
    expect(wrong).not.toBe(offer);
    const { answer } = await addWebrtcLeg(relay, call, 'web', wrong, { role: 'server', profiles: ['AES_CM_128_HMAC_SHA1_80'] });
    await call.connect('web', 'sip');
    const failed = nextDtlsEvent(relay, call.id, 'web');
    ndc.answer(answer);
    const e = await failed;
    expect(e).toMatchObject({ state: 'failed', profile: null });
    expect(e.reason).toMatch(/fingerprint/);
    // The SIP side talks: with no keys toward the WebRTC peer the relay sends it nothing.
    sip.endpoint.startTone(sip.relayPort);
    await new Promise((r) => setTimeout(r, 500));
    const web = call.stats().legs.find((l) => l.id === 'web')!;
    expect(web.counters.forwarded).toBe(0);
    expect(web.counters.protectErrors).toBeGreaterThan(0);
    expect(ndc.received).toBe(0);
  } finally {
    ndc.close();
    sip.endpoint.close();
    await call.close();
  }
});
