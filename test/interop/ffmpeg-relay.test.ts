/**
 * Interop with an independent SRTP implementation: ffmpeg (libavformat's srtp protocol).
 *
 * 1. ffmpeg sends SRTP (AES_CM_128_HMAC_SHA1_80 and _32, plus SRTCP) into an SRTP leg; the relay
 *    bridges to a plain RTP leg; the RTP payloads received there are byte-identical to the
 *    mu-law stream ffmpeg encodes from the same deterministic source.
 * 2. The reverse: plain RTP into the relay, SRTP out to ffmpeg, which decrypts (SDP a=crypto)
 *    and writes the payloads to a file that must equal what was sent.
 *
 * ffmpeg is a required peer (scripts/install-peers.sh): without it these tests fail.
 */
jest.setTimeout(30_000);

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MediaRelay } from '../../src/relay';
import { Endpoint, keysFor, rtpPacket } from '../integration/relay/helpers';
import { relayPortRange } from '../helpers/port-ranges';

const SUITES = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const;
const SINE = 'sine=frequency=440:sample_rate=8000:duration=2';
const children = new Set<ChildProcess>();
let workDir: string;
let relay: MediaRelay;

function run(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`ffmpeg timed out: ${err.slice(-500)}`)); }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

/** RTP payload (RFC 3550 §5.1/§5.3.1: skip CSRCs and a header extension). */
function payloadOf(p: Buffer): Buffer {
  let off = 12 + (p[0] & 0x0f) * 4;
  if ((p[0] & 0x10) !== 0) off += 4 + p.readUInt16BE(off + 2) * 4;
  const pad = (p[0] & 0x20) !== 0 ? p[p.length - 1] : 0;
  return p.subarray(off, p.length - pad);
}

/** Whether some process has a UDP socket on `port` (Linux /proc). */
function udpPortBound(port: number): boolean {
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text = '';
    try { text = readFileSync(file, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      if (local !== undefined && parseInt(local.split(':').pop()!, 16) === port) return true;
    }
  }
  return false;
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  const probe = spawnSync('ffmpeg', ['-hide_banner', '-protocols'], { encoding: 'utf8' });
  if (probe.error !== undefined || !/\bsrtp\b/.test(probe.stdout)) {
    throw new Error('ffmpeg with the srtp protocol is required for interop tests: run scripts/install-peers.sh');
  }
  workDir = mkdtempSync(path.join(tmpdir(), 'relay-ffmpeg-'));
  relay = await MediaRelay.create({ portRange: relayPortRange(80), bindAddress: '127.0.0.1', workers: 1, logLevel: 'silent' });
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await relay?.close();
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

describe.each(SUITES)('ffmpeg %s', (suite) => {
  const srtcpTagLength = suite.endsWith('_32') ? 4 : 10; // ffmpeg uses the short tag for SRTCP too

  it('ffmpeg SRTP -> relay -> plain RTP: byte-identical payloads', async () => {
    const masterKey = randomBytes(16);
    const masterSalt = randomBytes(14);
    const rtp = await Endpoint.open();
    const rtcp = await Endpoint.open();
    try {
      const call = await relay.createCall(`ffmpeg-in-${suite}`);
      const srtpLeg = await call.addLeg({
        id: 'ffmpeg',
        remote: null, // learned by authenticated latching from ffmpeg's first packet
        srtp: { inbound: { profile: suite, keys: { key: masterKey, salt: masterSalt }, srtcpTagLength }, outbound: keysFor(suite, { srtcpTagLength }) },
      });
      await call.addLeg({ id: 'plain', remote: { address: '127.0.0.1', port: rtp.port, rtcpPort: rtcp.port } });
      expect(await call.connect('ffmpeg', 'plain')).toEqual({ 'ffmpeg->plain': 'decrypt', 'plain->ffmpeg': 'encrypt' });

      const reference = (await run(['-f', 'lavfi', '-i', SINE, '-c:a', 'pcm_mulaw', '-f', 'mulaw', '-'], 20_000)).stdout;
      expect(reference.length).toBe(16000);
      const params = Buffer.concat([masterKey, masterSalt]).toString('base64');
      const sent = await run(['-loglevel', 'error', '-f', 'lavfi', '-i', SINE, '-c:a', 'pcm_mulaw', '-f', 'rtp',
        '-srtp_out_suite', suite, '-srtp_out_params', params, `srtp://127.0.0.1:${srtpLeg.rtpPort}`], 20_000);
      expect(sent.code).toBe(0);

      await until(() => rtp.received.reduce((n, p) => n + payloadOf(p).length, 0) >= reference.length, 5000, 'all RTP payloads');
      const packets = [...rtp.received].sort((x, y) => ((x.readUInt16BE(2) - y.readUInt16BE(2)) << 16) >> 16);
      expect(packets.every((p) => (p[1] & 0x7f) === 0)).toBe(true); // PCMU
      expect(Buffer.concat(packets.map(payloadOf)).equals(reference)).toBe(true);

      // ffmpeg's SRTCP sender report came through in the clear (with a 32-bit tag for _32).
      await rtcp.waitFor(1, 3000);
      expect(rtcp.received[0][1]).toBe(200);
      const leg = call.stats().legs.find((l) => l.id === 'ffmpeg')!;
      expect(leg.counters).toMatchObject({ authFailures: 0, replays: 0, malformed: 0 });
      expect(leg.counters.latchEvents).toBeGreaterThanOrEqual(1);
      expect(leg.remote?.address).toBe('127.0.0.1');
      await call.close();
    } finally {
      rtp.close();
      rtcp.close();
    }
  }, 40_000);

  it('plain RTP -> relay -> SRTP -> ffmpeg decrypts byte-identical payloads', async () => {
    const masterKey = randomBytes(16);
    const masterSalt = randomBytes(14);
    // ffmpeg listens on a port named in its SDP file: an RTP/RTCP pair from this worker's block.
    const [ffmpegPort] = relayPortRange(2);
    const sender = await Endpoint.open();
    const outFile = path.join(workDir, `out-${suite}.raw`);
    const sdpFile = path.join(workDir, `in-${suite}.sdp`);
    try {
      const call = await relay.createCall(`ffmpeg-out-${suite}`);
      const srtpLeg = await call.addLeg({
        id: 'ffmpeg',
        remote: { address: '127.0.0.1', port: ffmpegPort, rtcpPort: ffmpegPort + 1 },
        srtp: { inbound: keysFor(suite, { srtcpTagLength }), outbound: { profile: suite, keys: { key: masterKey, salt: masterSalt }, srtcpTagLength } },
      });
      const plainLeg = await call.addLeg({ id: 'plain', remote: { address: '127.0.0.1', port: sender.port } });
      await call.connect('plain', 'ffmpeg');
      expect(srtpLeg.rtpPort).not.toBe(ffmpegPort);

      writeFileSync(sdpFile, [
        'v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=relay interop', 'c=IN IP4 127.0.0.1', 't=0 0',
        `m=audio ${ffmpegPort} RTP/SAVP 0`, 'a=rtpmap:0 PCMU/8000',
        `a=crypto:1 ${suite} inline:${Buffer.concat([masterKey, masterSalt]).toString('base64')}`, '',
      ].join('\r\n'));
      const receiving = run(['-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp,srtp', '-i', sdpFile, '-c', 'copy', '-t', '1', '-f', 'mulaw', '-y', outFile], 30_000);
      await until(() => udpPortBound(ffmpegPort), 10_000, 'ffmpeg to bind its RTP port');

      // 50 packets (1.0 s of PCMU) to compare, then 25 more so ffmpeg's `-t 1` output ends by
      // itself with everything before it written (a signal would cut its queue short).
      const packets = Array.from({ length: 75 }, (_, i) => rtpPacket(0x5eed, 100 + i, 160, 0));
      for (const p of packets) {
        await sender.send(p, plainLeg.rtpPort);
        await new Promise((r) => setTimeout(r, 2));
      }
      const expected = Buffer.concat(packets.slice(0, 50).map(payloadOf));
      const result = await receiving;
      expect(result.code).toBe(0);
      expect(result.stderr).not.toMatch(/HMAC mismatch|auth/i);
      expect(readFileSync(outFile).equals(expected)).toBe(true);
      await call.close();
    } finally {
      sender.close();
    }
  }, 40_000);
});
