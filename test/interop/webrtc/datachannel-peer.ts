/**
 * A second, independent WebRTC stack: node-datachannel (libdatachannel + libjuice ICE + its own
 * DTLS-SRTP over libsrtp). One sendrecv audio track with PCMU; it sends a μ-law tone as RTP
 * (libdatachannel protects it) and keeps the RMS of what it receives (libdatachannel unprotects).
 * Bound to 127.0.0.1 so its candidates and checks stay on loopback.
 */
import { Audio, PeerConnection, type Track } from 'node-datachannel';
import { ulawRms, ulawToneFrame } from './tone';

export class DataChannelPeer {
  readonly pc: PeerConnection;
  readonly track: Track;
  private timer: NodeJS.Timeout | null = null;
  private seq = 1;
  private ts = 0;
  private readonly ssrc = 0x0dc00001;
  received = 0;
  loudFrames = 0;
  peakRms = 0;
  state = 'new';
  private offerSdp: Promise<string>;

  constructor(name: string) {
    this.pc = new PeerConnection(name, { iceServers: [], bindAddress: '127.0.0.1', disableAutoNegotiation: true });
    this.pc.onStateChange((s: string) => {
      this.state = s;
    });
    const audio = new Audio('0', 'SendRecv');
    audio.addAudioCodec(0, 'PCMU');
    audio.addSSRC(this.ssrc, 'relay-test', 'relay-test-stream', 'relay-test-track');
    this.track = this.pc.addTrack(audio);
    this.track.onMessage((msg: Buffer) => this.onRtp(msg));
    this.offerSdp = new Promise((resolve) => {
      this.pc.onGatheringStateChange((g: string) => {
        if (g === 'complete') resolve(this.pc.localDescription()?.sdp ?? '');
      });
    });
  }

  /** The offer after candidate gathering (on 127.0.0.1 only). */
  offer(): Promise<string> {
    this.pc.setLocalDescription('offer');
    return this.offerSdp;
  }

  answer(sdp: string): void {
    this.pc.setRemoteDescription(sdp, 'answer');
  }

  private onRtp(msg: Buffer): void {
    if (msg.length < 12) return;
    const pt = msg[1] & 0x7f;
    if (pt >= 64 && pt <= 95) return; // RTCP
    this.received++;
    if (pt !== 0) return;
    const cc = msg[0] & 0x0f;
    let offset = 12 + 4 * cc;
    if ((msg[0] & 0x10) !== 0 && msg.length >= offset + 4) offset += 4 + 4 * msg.readUInt16BE(offset + 2);
    const rms = ulawRms(msg.subarray(offset));
    if (rms > this.peakRms) this.peakRms = rms;
    if (rms > 300) this.loudFrames++;
  }

  /** Send the PCMU tone every 20 ms while the track is open. */
  startTone(): void {
    this.timer = setInterval(() => {
      if (!this.track.isOpen()) return;
      const rtp = Buffer.alloc(12 + 160);
      rtp[0] = 0x80;
      rtp[1] = this.seq === 1 ? 0x80 : 0x00;
      rtp.writeUInt16BE(this.seq & 0xffff, 2);
      rtp.writeUInt32BE(this.ts >>> 0, 4);
      rtp.writeUInt32BE(this.ssrc, 8);
      ulawToneFrame(this.ts).copy(rtp, 12);
      this.seq++;
      this.ts += 160;
      this.track.sendMessageBinary(rtp);
    }, 20);
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    try {
      this.track.close();
    } catch {
      // already closed
    }
    this.pc.close();
  }
}
