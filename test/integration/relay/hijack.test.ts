/**
 * Media hijack attempts against an SRTP leg with authenticated latching: forged and replayed
 * packets from another address change nothing (no forwarding, no latch, media keeps going to
 * the real phone), while the real phone moving address (NAT rebinding) is followed.
 */
jest.setTimeout(30_000);

import { MediaRelay } from '../../../src/relay';
import { Endpoint, keysFor, protectRtp, rtpPacket, settle, SrtpContext } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

describe('hijack attempt on an SRTP leg', () => {
  it('ignores forged and replayed packets from another address, follows the authentic phone', async () => {
    const relay = await MediaRelay.create({ portRange: relayPortRange(100), bindAddress: '127.0.0.1', workers: 1, logLevel: 'silent' });
    const [a, b, attacker] = [await Endpoint.open(), await Endpoint.open(), await Endpoint.open()];
    const a2 = await Endpoint.open();
    try {
      const kA = keysFor('AES_CM_128_HMAC_SHA1_80');
      const kAout = keysFor('AES_CM_128_HMAC_SHA1_80');
      const aSend = new SrtpContext(kA);
      const call = await relay.createCall('hijack');
      const la = await call.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: a.port }, rtcpMux: true, srtp: { inbound: kA, outbound: kAout } });
      const lb = await call.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: b.port }, rtcpMux: true });
      await call.connect('a', 'b');
      const latches: unknown[] = [];
      relay.on('latch', (e) => latches.push(e));

      // The real phone talks; the attacker captures its packet.
      const captured = protectRtp(aSend, rtpPacket(0xfeed, 1));
      await a.send(captured, la.rtpPort);
      await b.waitFor(1);

      // Attacker: a replay of the captured packet, a bit-flipped copy, and random bytes with a valid RTP header.
      await attacker.send(captured, la.rtpPort);
      const flipped = Buffer.from(captured);
      flipped.writeUInt16BE(7, 2); // a fresh index, so it is the tag that fails, not the replay check
      flipped[20] ^= 0x10;
      await attacker.send(flipped, la.rtpPort);
      const junk = Buffer.concat([rtpPacket(0xfeed, 2, 0), Buffer.alloc(170, 0x5a)]);
      for (let i = 0; i < 20; i++) await attacker.send(junk, la.rtpPort);
      await settle();

      expect(b.received).toHaveLength(1);
      let leg = call.stats().legs[0];
      expect(leg.remote).toEqual({ address: '127.0.0.1', port: a.port });
      expect(leg.counters).toMatchObject({ replays: 1, authFailures: 21, latchEvents: 0, forwarded: 1 });
      expect(latches).toHaveLength(0);

      // Media toward the phone still goes to the phone, not the attacker.
      await b.send(rtpPacket(0xbeef, 1), lb.rtpPort);
      await a.waitFor(1);
      await settle();
      expect(attacker.received).toHaveLength(0);

      // The phone's NAT rebinds: an authentic packet from the new address moves the leg.
      await a2.send(protectRtp(aSend, rtpPacket(0xfeed, 3)), la.rtpPort);
      await b.waitFor(2);
      await settle(50);
      leg = call.stats().legs[0];
      expect(leg.remote).toEqual({ address: '127.0.0.1', port: a2.port });
      expect(leg.counters.latchEvents).toBe(1);
      expect(latches).toEqual([{ type: 'latch', callId: 'hijack', legId: 'a', rtcp: false, address: '127.0.0.1', port: a2.port }]);
      await b.send(rtpPacket(0xbeef, 2), lb.rtpPort);
      await a2.waitFor(1);
      expect(a.received).toHaveLength(1);
    } finally {
      for (const e of [a, b, attacker, a2]) e.close();
      await relay.close();
    }
  });
});
