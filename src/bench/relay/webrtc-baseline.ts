/**
 * Reference point: WebRTC media with node-datachannel (libdatachannel). Two PeerConnections on
 * loopback negotiate an audio track (ICE on host candidates, DTLS-SRTP), then one peer sends
 * 172-byte RTP packets as fast as it can for a while and the other counts what arrives, after
 * SRTP unprotect in libdatachannel. Runs in its own process (forked from dist/) so a native
 * crash cannot take the benchmark down.
 */
import { performance } from 'node:perf_hooks';
import { serveIpc } from './ipc-channel';
import { loadOptionalPeer } from '../optional-peer';
import { packageVersion } from '../package-version';

export interface WebrtcBaseline {
  readonly ok: boolean;
  /** What failed, exactly, when ok is false. */
  readonly error: string | null;
  readonly library: string;
  readonly durationMs: number;
  readonly sent: number;
  readonly received: number;
  /** Received RTP packets per second (one direction, one track). */
  readonly pps: number;
  readonly lossPct: number;
  /** CPU of the process holding both peers, in cores. */
  readonly cpu: number;
}

export type WebrtcRequest = { readonly op: 'run'; readonly durationMs: number };

const BATCH = 64;
/** Stop sending while this many packets are in flight (sent, not yet received). */
const MAX_IN_FLIGHT = 2000;
/** With nothing received for this long, what is in flight is counted as lost. */
const STALL_MS = 50;

function rtp(seq: number, ssrc: number): Buffer {
  const p = Buffer.alloc(172, 0xff);
  p[0] = 0x80;
  p[1] = 0;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE((seq * 160) >>> 0, 4);
  p.writeUInt32BE(ssrc, 8);
  return p;
}

export async function runWebrtcBaseline(durationMs: number): Promise<WebrtcBaseline> {
  const library = `node-datachannel ${packageVersion('node-datachannel')}`;
  const fail = (error: string): WebrtcBaseline => ({ ok: false, error, library, durationMs: 0, sent: 0, received: 0, pps: 0, lossPct: 0, cpu: 0 });
  let ndc: typeof import('node-datachannel');
  try {
    ndc = loadOptionalPeer<typeof import('node-datachannel')>('node-datachannel', 'the WebRTC baseline of `bench:relay`');
  } catch (err) {
    return fail((err as Error).message);
  }
  const ssrc = 0x1234abcd;
  const offerer = new ndc.PeerConnection('offerer', { iceServers: [], bindAddress: '127.0.0.1', enableIceUdpMux: false });
  const answerer = new ndc.PeerConnection('answerer', { iceServers: [], bindAddress: '127.0.0.1', enableIceUdpMux: false });
  // The remote Track must stay referenced from JS: a Track object that is garbage-collected
  // closes the native track, and its packets stop arriving after the first few.
  const remoteTracks: import('node-datachannel').Track[] = [];
  try {
    let received = 0;
    let lastReceiveAt = performance.now();
    offerer.onLocalDescription((sdp, type) => answerer.setRemoteDescription(sdp, type));
    offerer.onLocalCandidate((c, mid) => answerer.addRemoteCandidate(c, mid));
    answerer.onLocalDescription((sdp, type) => offerer.setRemoteDescription(sdp, type));
    answerer.onLocalCandidate((c, mid) => offerer.addRemoteCandidate(c, mid));
    const remoteTrack = new Promise<void>((resolve) => {
      answerer.onTrack((track) => {
        remoteTracks.push(track);
        track.onMessage((msg) => {
          lastReceiveAt = performance.now();
          // RTCP (PT 200..206 in the second octet) does not count, only RTP.
          const pt = msg[1] & 0x7f;
          if (!(pt >= 72 && pt <= 78)) received += 1;
        });
        resolve();
      });
    });
    const audio = new ndc.Audio('0', 'SendRecv');
    audio.addAudioCodec(0, 'PCMU');
    audio.addSSRC(ssrc, 'bench');
    const track = offerer.addTrack(audio);
    const opened = new Promise<void>((resolve, reject) => {
      track.onOpen(resolve);
      track.onError((e) => reject(new Error(`track error: ${e}`)));
    });
    offerer.setLocalDescription();
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no DTLS-SRTP media track within 10 s (offerer state ${offerer.state()}, answerer state ${answerer.state()})`)), 10_000));
    await Promise.race([Promise.all([opened, remoteTrack]), timeout]);

    const packets = Array.from({ length: 1024 }, (_, i) => rtp(i, ssrc));
    let sent = 0;
    let sendFailures = 0;
    /** Packets given up as lost (nothing arrived for a while), so they stop counting as in flight. */
    let writtenOff = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const loop = (): void => {
        if (performance.now() - t0 >= durationMs) {
          resolve();
          return;
        }
        const now = performance.now();
        if (sent - received - writtenOff >= MAX_IN_FLIGHT && now - lastReceiveAt > STALL_MS) writtenOff = sent - received;
        if (sent - received - writtenOff < MAX_IN_FLIGHT) {
          for (let i = 0; i < BATCH; i++) {
            const p = packets[sent & 1023];
            p.writeUInt16BE(sent & 0xffff, 2);
            if (track.sendMessageBinary(p)) sent += 1;
            else sendFailures += 1;
          }
        }
        setImmediate(loop);
      };
      loop();
    });
    await new Promise((r) => setTimeout(r, 200));
    const elapsed = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (sent === 0) return fail(`track.sendMessageBinary accepted no packet (${sendFailures} refused)`);
    if (received === 0) return fail(`sent ${sent} RTP packets on an open track; the peer's onMessage received none`);
    return {
      ok: true,
      error: null,
      library,
      durationMs: Math.round(elapsed),
      sent,
      received,
      pps: received / (elapsed / 1000),
      lossPct: (100 * Math.max(0, sent - received)) / sent,
      cpu: (cpu.user + cpu.system) / 1000 / elapsed,
    };
  } catch (err) {
    return fail((err as Error).message);
  } finally {
    offerer.close();
    answerer.close();
    remoteTracks.length = 0;
  }
}

export function main(): void {
  serveIpc<WebrtcRequest>(async (req) => runWebrtcBaseline(req.durationMs));
}

if (require.main === module) main();
