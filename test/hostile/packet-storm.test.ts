/**
 * Issue case 6 and the packet storm: against a live SRTP ↔ RTP call in a media worker thread,
 * an attacker on another loopback address (127.0.0.2) sends 200,000 garbage datagrams, 20,000
 * forged SRTP packets, 1,000 replays of captured genuine packets, and late genuine packets the
 * phone's network "dropped" (authentic, never seen, but older than the highest index accepted:
 * the latching race). The genuine stream arrives complete and intact, the latch never moves,
 * and not one packet is sent to the attacker. A fresh genuine packet from a source the address
 * policy denies is forwarded but does not move the latch either.
 */
import { randomBytes } from 'node:crypto';
import { MediaRelay, type RelayCall } from '../../src/relay';
import { SrtpContext, SrtpStatus } from '../../src/srtp';
import { keysFor, protectRtp, rtpPacket as relayRtp } from '../integration/relay/helpers';
import { rtpPacket, sleep, UdpEndpoint } from './helpers';
import { relayPortRange } from '../helpers/port-ranges';

jest.setTimeout(60_000);

const ROUNDS = 50;
const GARBAGE_PER_ROUND = 4000;
const FORGED_PER_ROUND = 400;
const REPLAYS_PER_ROUND = 20;
/** Every LATE_EVERY-th round plays the latching race (10 times in all). */
const LATE_EVERY = 5;
const SSRC = 0x5eed;

/** Send many datagrams, a chunk at a time, awaiting the chunk's completions (bounded queue). */
async function blast(from: UdpEndpoint, packets: readonly Buffer[], port: number, count: number): Promise<void> {
  const CHUNK = 250;
  for (let i = 0; i < count; i += CHUNK) {
    const n = Math.min(CHUNK, count - i);
    await Promise.all(Array.from({ length: n }, (_, j) => from.send(packets[(i + j) % packets.length] as Buffer, port)));
  }
}

/** Wait until the leg's packetsIn has not moved for three polls (the worker drained its socket). */
async function drained(call: RelayCall, leg: number): Promise<void> {
  let last = -1;
  let still = 0;
  for (let i = 0; i < 300 && still < 3; i++) {
    const now = call.stats().legs[leg].counters.packetsIn;
    still = now === last ? still + 1 : 0;
    last = now;
    await sleep(10);
  }
}

/**
 * Send one packet until `arrived()` (the kernel may still drop it when the storm filled the
 * relay's socket buffer on a busy machine). A copy that did arrive makes the next one a replay,
 * dropped by the relay: the far end still sees each packet once.
 */
async function deliver(from: UdpEndpoint, packet: Buffer, port: number, arrived: () => boolean): Promise<number> {
  for (let attempt = 1; attempt <= 10; attempt++) {
    await from.send(packet, port);
    for (let i = 0; i < 40 && !arrived(); i++) await sleep(10);
    if (arrived()) return attempt;
  }
  throw new Error('a packet never arrived in 10 attempts');
}

describe('packet storm against a live call', () => {
  it('forwards only the genuine stream, never moves the latch, sends nothing to the attacker', async () => {
    const relay = await MediaRelay.create({ portRange: relayPortRange(), bindAddress: '127.0.0.1', workers: 1, logLevel: 'silent' });
    const phone = await UdpEndpoint.open('127.0.0.1');
    const far = await UdpEndpoint.open('127.0.0.1');
    const attacker = await UdpEndpoint.open('127.0.0.2');
    try {
      const kIn = keysFor('AES_CM_128_HMAC_SHA1_80');
      const kOut = keysFor('AES_CM_128_HMAC_SHA1_80');
      const phoneSend = new SrtpContext(kIn);
      const phoneRecv = new SrtpContext(kOut);
      const call = await relay.createCall('storm');
      const la = await call.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: phone.port }, rtcpMux: true, srtp: { inbound: kIn, outbound: kOut } });
      const lb = await call.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: far.port }, rtcpMux: true });
      await call.connect('a', 'b');

      let seq = 0;
      const captured: Buffer[] = [];
      const expected = new Map<number, Buffer>();
      const genuine = (): Buffer => {
        seq += 1;
        const payload = randomBytes(160);
        expected.set(seq, payload);
        const p = protectRtp(phoneSend, rtpPacket(SSRC, seq, payload));
        captured.push(p);
        return p;
      };
      const garbage = Array.from({ length: 64 }, (_, i) => {
        const g = randomBytes(1 + ((i * 37) % 200));
        if (i % 2 === 0 && g.length >= 12) g[0] = 0x80; // some look like RTP
        return g;
      });
      let lateSent = 0;
      let towardPhone = 0;
      const t0 = Date.now();
      for (let round = 0; round < ROUNDS; round++) {
        // Forged: the phone's SSRC, fresh indexes, random tags.
        const forged = Array.from({ length: FORGED_PER_ROUND }, (_, i) => Buffer.concat([relayRtp(SSRC, seq + 2 + i, 160).subarray(0, 12), randomBytes(170)]));
        await blast(attacker, garbage, la.rtpPort, GARBAGE_PER_ROUND);
        await blast(attacker, forged, la.rtpPort, FORGED_PER_ROUND);
        const replays = Array.from({ length: REPLAYS_PER_ROUND }, (_, i) => captured[(round * 7 + i * 13) % captured.length] as Buffer);
        if (replays.length > 0 && captured.length > 0) await blast(attacker, replays, la.rtpPort, REPLAYS_PER_ROUND);
        // The latching race, every LATE_EVERY-th round: the phone's packet k is lost on its path, the
        // phone goes on with k+1; the attacker, who captured k, sends it late from elsewhere.
        if (round % LATE_EVERY === 2) {
          const lost = genuine();
          const lostSeq = seq;
          await drained(call, 0);
          const next = genuine();
          await deliver(phone, next, la.rtpPort, () => far.received.some((d) => d.readUInt16BE(2) === lostSeq + 1));
          await deliver(attacker, lost, la.rtpPort, () => far.received.some((d) => d.readUInt16BE(2) === lostSeq));
          lateSent += 1;
        }
        await drained(call, 0);
        // Media toward the phone goes to the phone (never to the attacker).
        await far.send(rtpPacket(0xfa, round + 1), lb.rtpPort);
        towardPhone += 1;
        // The genuine stream goes on and arrives.
        const p = genuine();
        const pSeq = seq;
        await deliver(phone, p, la.rtpPort, () => far.received.some((d) => d.readUInt16BE(2) === pSeq));
      }
      await phone.waitFor(towardPhone);
      const stormMs = Date.now() - t0;
      await sleep(100);

      // The genuine stream: every packet exactly once, payload intact (the late ones included:
      // they are authentic, just not allowed to move the latch).
      const got = new Map<number, Buffer>();
      for (const d of far.received) {
        const s = d.readUInt16BE(2);
        expect(got.has(s)).toBe(false);
        got.set(s, d.subarray(12));
      }
      expect(got.size).toBe(expected.size);
      for (const [s, payload] of expected) expect(got.get(s)?.equals(payload)).toBe(true);
      // Toward the phone: all of it, decryptable with the phone's keys; nothing to the attacker.
      expect(phone.received).toHaveLength(towardPhone);
      expect(phone.received.every((d) => phoneRecv.unprotectRtp(d) === SrtpStatus.Ok)).toBe(true);
      expect(attacker.received).toHaveLength(0);

      const a = call.stats().legs[0];
      expect(a.remote).toEqual({ address: '127.0.0.1', port: phone.port });
      expect(a.counters.latchEvents).toBe(0);
      expect(a.counters.latchRefused).toBe(lateSent);
      expect(a.counters.forwarded).toBe(expected.size);
      // Whatever of the storm the kernel delivered was dropped and counted.
      const dropped = a.counters.authFailures + a.counters.malformed + a.counters.replays + a.counters.tooOld;
      expect(dropped).toBe(a.counters.packetsIn - a.counters.forwarded);
      expect(a.counters.replays).toBeGreaterThan(0);
      expect(a.counters.authFailures).toBeGreaterThan(FORGED_PER_ROUND * ROUNDS * 0.5);
      console.log(`packet storm: sent ${GARBAGE_PER_ROUND * ROUNDS} garbage, ${FORGED_PER_ROUND * ROUNDS} forged, ${REPLAYS_PER_ROUND * ROUNDS} replays, ${lateSent} late genuine (latch race) in ${stormMs} ms; relay received ${a.counters.packetsIn}, dropped ${dropped} (authFailures ${a.counters.authFailures}, malformed ${a.counters.malformed}, replays ${a.counters.replays}, tooOld ${a.counters.tooOld}), latchRefused ${a.counters.latchRefused}, latchEvents 0; genuine ${expected.size}/${expected.size} intact; packets to the attacker: ${attacker.received.length}`);
    } finally {
      for (const e of [phone, far, attacker]) e.close();
      await relay.close();
    }
  });

  it('a fresh authentic packet moves the latch (NAT rebinding), but never to a source the policy denies', async () => {
    const relay = await MediaRelay.create({ portRange: relayPortRange(), bindAddress: '127.0.0.1', workers: 0, logLevel: 'silent', addressPolicy: { deny: ['127.0.0.3/32'] } });
    const phone = await UdpEndpoint.open('127.0.0.1');
    const far = await UdpEndpoint.open('127.0.0.1');
    const denied = await UdpEndpoint.open('127.0.0.3');
    const moved = await UdpEndpoint.open('127.0.0.4');
    try {
      const kIn = keysFor('AES_CM_128_HMAC_SHA1_80');
      const send = new SrtpContext(kIn);
      const call = await relay.createCall('latch');
      const la = await call.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: phone.port }, rtcpMux: true, srtp: { inbound: kIn, outbound: keysFor('AES_CM_128_HMAC_SHA1_80') } });
      const lb = await call.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: far.port }, rtcpMux: true });
      await call.connect('a', 'b');
      await phone.send(protectRtp(send, rtpPacket(SSRC, 1)), la.rtpPort);
      await denied.send(protectRtp(send, rtpPacket(SSRC, 2)), la.rtpPort);
      await far.waitFor(2);
      expect(call.stats().legs[0].remote).toEqual({ address: '127.0.0.1', port: phone.port });
      expect(call.stats().legs[0].counters).toMatchObject({ latchEvents: 0, latchRefused: 1 });
      await moved.send(protectRtp(send, rtpPacket(SSRC, 3)), la.rtpPort);
      await far.waitFor(3);
      expect(call.stats().legs[0].remote).toEqual({ address: '127.0.0.4', port: moved.port });
      await far.send(rtpPacket(0xfa, 1), lb.rtpPort);
      await moved.waitFor(1);
      expect(denied.received).toHaveLength(0);
    } finally {
      for (const e of [phone, far, denied, moved]) e.close();
      await relay.close();
    }
  });
});
