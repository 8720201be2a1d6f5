/**
 * The SIP harness's own measuring tools (test/sip), checked on synthetic input so that the
 * interop checks built on them can fail: the tone detector, µ-law decoding, the pcap reader,
 * the media analysis and the generated Kamailio config.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kamailioConfig } from '../../sip/kamailio';
import { analyseMedia, type LegSpec } from '../../sip/media-checks';
import { readPcapUdp, type UdpDatagram } from '../../sip/pcap';
import { detectTone, ulawToLinear } from '../../sip/tone-detector';
import { readWav, writeToneWav } from '../../sip/wav';

function tone(freq: number, seconds: number, rate = 8000): Int16Array {
  const out = new Int16Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(8000 * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}

/** µ-law encoding (G.711) of one sample, to build plain RTP payloads. */
function linearToUlaw(sample: number): number {
  const BIAS = 0x84;
  let s = Math.max(-32635, Math.min(32635, sample));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

describe('SIP harness: tone detection', () => {
  it('finds a tone for its duration and not another frequency', () => {
    const t = tone(600, 4);
    expect(detectTone(t, 8000, 600).toneSeconds).toBeCloseTo(4, 1);
    expect(detectTone(t, 8000, 1400).toneSeconds).toBe(0);
  });

  it('does not find a tone in silence or in noise', () => {
    expect(detectTone(new Int16Array(8000 * 2), 8000, 600)).toEqual({ toneSeconds: 0, signalSeconds: 0, totalSeconds: 2 });
    const noise = new Int16Array(8000 * 2).map(() => Math.round((Math.random() - 0.5) * 20000));
    const r = detectTone(noise, 8000, 600);
    expect(r.signalSeconds).toBeCloseTo(2, 1);
    expect(r.toneSeconds).toBe(0);
  });

  it('decodes µ-law (G.711) and finds the tone in encoded audio, but not in random bytes', () => {
    expect(ulawToLinear(0xff)).toBe(0);
    expect(ulawToLinear(0x80)).toBe(32124);
    expect(ulawToLinear(0x00)).toBe(-32124);
    const encoded = Array.from(tone(1400, 2), linearToUlaw);
    expect(detectTone(encoded.map(ulawToLinear), 8000, 1400).toneSeconds).toBeGreaterThan(1.9);
    const random = Array.from({ length: 16000 }, () => Math.floor(Math.random() * 256));
    expect(detectTone(random.map(ulawToLinear), 8000, 1400).toneSeconds).toBeLessThan(0.2);
  });

  it('writes and reads back a tone WAV', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sip-harness-'));
    try {
      writeToneWav(join(dir, 't.wav'), 600, 1);
      const wav = readWav(join(dir, 't.wav'));
      expect(wav.sampleRate).toBe(8000);
      expect(wav.samples.length).toBe(8000);
      expect(detectTone(wav.samples, 8000, 600).toneSeconds).toBeCloseTo(1, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function pcapFile(datagrams: readonly UdpDatagram[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // Ethernet
  const records = datagrams.map((d) => {
    const eth = Buffer.alloc(14);
    eth.writeUInt16BE(0x0800, 12);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + 8 + d.payload.length, 2);
    ip[8] = 64;
    ip[9] = 17;
    d.src.split('.').forEach((o, i) => { ip[12 + i] = Number(o); });
    d.dst.split('.').forEach((o, i) => { ip[16 + i] = Number(o); });
    const udp = Buffer.alloc(8);
    udp.writeUInt16BE(d.srcPort, 0);
    udp.writeUInt16BE(d.dstPort, 2);
    udp.writeUInt16BE(8 + d.payload.length, 4);
    const frame = Buffer.concat([eth, ip, udp, d.payload]);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(d.time), 0);
    rec.writeUInt32LE(Math.round((d.time % 1) * 1e6), 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    return Buffer.concat([rec, frame]);
  });
  return Buffer.concat([header, ...records]);
}

function rtp(seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h.writeUInt16BE(seq, 2);
  return Buffer.concat([h, payload]);
}

describe('SIP harness: capture analysis', () => {
  const caller = { address: '127.0.0.1', port: 20000 };
  const callee = { address: '127.0.0.1', port: 30000 };
  const relayA = { address: '127.0.0.2', port: 40000 };
  const relayB = { address: '127.0.0.2', port: 40002 };
  const legs: [LegSpec, LegSpec] = [
    { label: 'caller leg', phone: caller, relay: relayA, tagBytes: null, sendsTone: 600, receivesTone: 1400 },
    { label: 'callee leg', phone: callee, relay: relayB, tagBytes: 10, sendsTone: 1400, receivesTone: 600 },
  ];

  function packets(): UdpDatagram[] {
    const out: UdpDatagram[] = [];
    const audio = Array.from(tone(600, 4), linearToUlaw);
    for (let i = 0; i < 200; i++) {
      const pcmu = Buffer.from(audio.slice(i * 160, i * 160 + 160));
      const srtpPayload = Buffer.from(Array.from({ length: 170 }, () => Math.floor(Math.random() * 256)));
      out.push({ time: 1000 + i * 0.02, src: caller.address, srcPort: caller.port, dst: relayA.address, dstPort: relayA.port, payload: rtp(i, pcmu) });
      out.push({ time: 1000 + i * 0.02, src: relayB.address, srcPort: relayB.port, dst: callee.address, dstPort: callee.port, payload: rtp(i, srtpPayload) });
    }
    return out;
  }

  it('reads UDP datagrams back from a pcap file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sip-harness-'));
    try {
      const written = packets().slice(0, 3);
      writeFileSync(join(dir, 'c.pcap'), pcapFile(written));
      const read = readPcapUdp(join(dir, 'c.pcap'));
      expect(read.map((d) => [d.src, d.srcPort, d.dst, d.dstPort, d.payload.length])).toEqual(written.map((d) => [d.src, d.srcPort, d.dst, d.dstPort, d.payload.length]));
      expect(read[1].payload).toEqual(written[1].payload);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sees a plain leg carrying the tone and an SRTP leg carrying ciphertext with its tag', () => {
    const r = analyseMedia(packets(), legs);
    expect(r.directPackets).toBe(0);
    expect(r.strayPackets).toBe(0);
    const [aOut, , , bIn] = r.flows;
    expect(aOut).toMatchObject({ packets: 200, expectedLength: 200 });
    expect(aOut.toneSeconds).toBeGreaterThan(3.5);
    expect(bIn).toMatchObject({ packets: 200, expectedLength: 200, toneSeconds: 0 });
  });

  it('counts media packets between the phones and media packets to anywhere else, not other datagrams', () => {
    const extra: UdpDatagram[] = [
      { time: 1, src: caller.address, srcPort: caller.port, dst: callee.address, dstPort: callee.port, payload: rtp(1, Buffer.alloc(160)) },
      // An RTCP receiver report (V=2, PT=201) from the callee's RTCP port to somewhere else: stray.
      { time: 1, src: callee.address, srcPort: callee.port + 1, dst: '127.0.0.3', dstPort: 5000, payload: Buffer.concat([Buffer.from([0x81, 201, 0, 7]), Buffer.alloc(28)]) },
      // Not media (a SIP probe aimed at a phone's media port): not counted either way.
      { time: 1, src: '127.0.0.1', srcPort: 40000, dst: caller.address, dstPort: caller.port, payload: Buffer.from('OPTIONS sip:127.0.0.1 SIP/2.0\r\n\r\n') },
    ];
    const r = analyseMedia([...packets(), ...extra], legs);
    expect(r.directPackets).toBeGreaterThan(0);
    expect(r.strayPackets).toBe(1);
  });
});

describe('SIP harness: Kamailio config', () => {
  it('points the rtpengine module at the relay and puts the flags in the routes', () => {
    const cfg = kamailioConfig({ dir: '/tmp/x', sipPort: 5070, ngAddress: '127.0.0.1', ngPort: 2223, offerFlags: 'replace-origin RTP/AVP', answerFlags: 'SDES-pad', modulesDir: '/nonexistent/modules' });
    expect(cfg).toContain('mpath="/nonexistent/modules/"');
    expect(cfg).toContain('modparam("rtpengine", "rtpengine_sock", "udp:127.0.0.1:2223")');
    expect(cfg).toContain('listen=udp:127.0.0.1:5070');
    expect(cfg).toContain('rtpengine_offer("replace-origin RTP/AVP")');
    expect(cfg).toContain('rtpengine_answer("SDES-pad")');
    expect(cfg).toContain('rtpengine_delete()');
    expect(() => kamailioConfig({ dir: '/tmp/x', sipPort: 1, ngAddress: '127.0.0.1', ngPort: 2, offerFlags: 'a"b', answerFlags: '', modulesDir: '/m' })).toThrow(/quotes/);
  });
});
