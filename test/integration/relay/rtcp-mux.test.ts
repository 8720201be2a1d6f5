/**
 * rtcp-mux (RFC 5761): an SRTP leg with RTP and RTCP on one port bridged to a plain leg with
 * RTCP on its own port. Demultiplexing follows RFC 5761 §4 (second octet & 0x7f in 64..95 is
 * RTCP), so feedback packets (RTPFB 205, PSFB 206) are RTCP too, and dynamic RTP payload types
 * stay RTP.
 */
jest.setTimeout(30_000);

import { MediaRelay } from '../../../src/relay';
import { Endpoint, keysFor, protectRtcp, protectRtp, rtcpPacket, rtpPacket, SrtpContext, SrtpStatus, unprotect } from './helpers';
import { relayPortRange } from '../../helpers/port-ranges';

function feedback(pt: number, ssrc: number): Buffer {
  const p = Buffer.alloc(12);
  p[0] = 0x81; // V=2, FMT=1
  p[1] = pt;
  p.writeUInt16BE(2, 2);
  p.writeUInt32BE(ssrc, 4);
  p.writeUInt32BE(0x0badcafe, 8);
  return p;
}

describe('rtcp-mux', () => {
  it('demultiplexes RTP and SRTCP on one port and bridges them to separate plain ports', async () => {
    const relay = await MediaRelay.create({ portRange: relayPortRange(100), bindAddress: '127.0.0.1', workers: 1, logLevel: 'silent' });
    const [a, b, bRtcp] = [await Endpoint.open(), await Endpoint.open(), await Endpoint.open()];
    try {
      const kIn = keysFor('AEAD_AES_128_GCM');
      const kOut = keysFor('AEAD_AES_128_GCM');
      const aSend = new SrtpContext(kIn);
      const aRecv = new SrtpContext(kOut);
      const call = await relay.createCall('mux');
      const la = await call.addLeg({ id: 'a', remote: { address: '127.0.0.1', port: a.port }, rtcpMux: true, srtp: { inbound: kIn, outbound: kOut } });
      const lb = await call.addLeg({ id: 'b', remote: { address: '127.0.0.1', port: b.port, rtcpPort: bRtcp.port } });
      expect(la.rtcpPort).toBe(la.rtpPort);
      await call.connect('a', 'b');

      const rtp = [rtpPacket(1, 1, 160, 0), rtpPacket(1, 2, 160, 96), rtpPacket(1, 3, 160, 127)];
      const rtcp = [rtcpPacket(1), feedback(205, 1), feedback(206, 1)];
      for (let i = 0; i < 3; i++) {
        await a.send(protectRtp(aSend, rtp[i]), la.rtpPort);
        await a.send(protectRtcp(aSend, rtcp[i]), la.rtpPort);
      }
      await b.waitFor(3);
      await bRtcp.waitFor(3);
      expect(b.received).toEqual(rtp);
      expect(bRtcp.received).toEqual(rtcp);

      // Plain RTCP from b's RTCP port comes back muxed on a's single port, protected.
      await bRtcp.send(rtcpPacket(2), lb.rtcpPort);
      await b.send(rtpPacket(2, 1), lb.rtpPort);
      await a.waitFor(2);
      const kinds = a.received.map((p) => ((p[1] & 0x7f) >= 64 && (p[1] & 0x7f) <= 95 ? 'rtcp' : 'rtp')).sort();
      expect(kinds).toEqual(['rtcp', 'rtp']);
      for (const p of a.received) expect(unprotect(aRecv, p, (p[1] & 0x7f) >= 64 && (p[1] & 0x7f) <= 95).status).toBe(SrtpStatus.Ok);
      expect(a.sources.every((s) => s.port === la.rtpPort)).toBe(true);
      expect(call.stats().legs[0].counters).toMatchObject({ rtcpPacketsIn: 3, rtcpPacketsOut: 1, packetsIn: 6 });
    } finally {
      for (const e of [a, b, bRtcp]) e.close();
      await relay.close();
    }
  });
});
