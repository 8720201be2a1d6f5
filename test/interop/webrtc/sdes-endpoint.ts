/**
 * The SIP side of the bridge: an SDES-SRTP (or plain RTP) endpoint on a loopback UDP socket whose
 * SRTP is werift-rtp's (an independent implementation, not our engine). It sends a PCMU tone every
 * 20 ms and decrypts what the relay sends it with the keys SDES gave it, keeping the decoded
 * audio's RMS so a test can tell Chromium's tone from silence.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { ProtectionProfileAeadAes128Gcm, ProtectionProfileAes128CmHmacSha1_80, RtpHeader, RtpPacket, SrtpSession } from 'werift-rtp';
import { ulawRms, ulawToneFrame } from './tone';

export interface SdesKeys {
  /** What the endpoint sends with (the relay's inbound on this leg). */
  readonly send: { key: Buffer; salt: Buffer };
  /** What the relay sends with (the relay's outbound on this leg). */
  readonly receive: { key: Buffer; salt: Buffer };
}

const WERIFT_PROFILE: Record<string, number> = {
  AES_CM_128_HMAC_SHA1_80: ProtectionProfileAes128CmHmacSha1_80,
  AEAD_AES_128_GCM: ProtectionProfileAeadAes128Gcm,
};

export class SipEndpoint {
  readonly socket: dgram.Socket;
  private tx: SrtpSession | null;
  private rx: SrtpSession | null;
  private timer: NodeJS.Timeout | null = null;
  private seq = 1;
  private ts = 0;
  private sample = 0;
  /** Random, as RFC 3550 §8.1 wants: two endpoints behind one relay leg in turn must differ. */
  private ssrc = randomBytes(4).readUInt32BE(0);
  received = 0;
  decrypted = 0;
  failed = 0;
  /** Highest RMS of a decoded 20 ms frame from the relay. */
  peakRms = 0;
  /** Frames with RMS above 300 (a tone, not comfort noise or silence). */
  loudFrames = 0;

  private constructor(socket: dgram.Socket, profile: string | null, keys: SdesKeys | null) {
    this.socket = socket;
    this.tx = null;
    this.rx = null;
    this.useSrtp(profile, keys);
    socket.on('message', (msg) => this.onPacket(msg));
  }

  /** Switch to SRTP with these keys (an SDES exchange finished), or to plain RTP (nulls). */
  useSrtp(profile: string | null, keys: SdesKeys | null): void {
    if (profile !== null && keys !== null) {
      const p = WERIFT_PROFILE[profile];
      if (p === undefined) throw new Error(`werift-rtp has no ${profile}`);
      const cfg = (local: { key: Buffer; salt: Buffer }, remote: { key: Buffer; salt: Buffer }) => ({
        profile: p as 1,
        keys: { localMasterKey: local.key, localMasterSalt: local.salt, remoteMasterKey: remote.key, remoteMasterSalt: remote.salt },
      });
      this.tx = new SrtpSession(cfg(keys.send, keys.receive));
      this.rx = new SrtpSession(cfg(keys.send, keys.receive));
    } else {
      this.tx = null;
      this.rx = null;
    }
  }

  /** `profile`/`keys` null: a plain RTP endpoint. */
  static async open(profile: string | null, keys: SdesKeys | null): Promise<SipEndpoint> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new SipEndpoint(socket, profile, keys);
  }

  get port(): number {
    return (this.socket.address() as AddressInfo).port;
  }

  private onPacket(msg: Buffer): void {
    this.received++;
    if (msg.length < 12 || (msg[1] & 0x7f) >= 64 && (msg[1] & 0x7f) <= 95) return; // RTCP
    let plain: Buffer;
    if (this.rx !== null) {
      try {
        plain = this.rx.decrypt(msg);
      } catch {
        this.failed++;
        return;
      }
    } else plain = msg;
    let pkt: RtpPacket;
    try {
      pkt = RtpPacket.deSerialize(plain);
    } catch {
      this.failed++;
      return;
    }
    this.decrypted++;
    if (pkt.header.payloadType !== 0) return;
    const rms = ulawRms(pkt.payload);
    if (rms > this.peakRms) this.peakRms = rms;
    if (rms > 300) this.loudFrames++;
  }

  /** Send the PCMU tone to `port` on loopback every 20 ms until stopped. */
  startTone(port: number): void {
    this.stopTone();
    this.timer = setInterval(() => {
      const header = new RtpHeader({ payloadType: 0, sequenceNumber: this.seq & 0xffff, timestamp: this.ts >>> 0, ssrc: this.ssrc, marker: this.seq === 1 });
      const payload = ulawToneFrame(this.sample);
      this.seq++;
      this.ts += 160;
      this.sample += 160;
      const out = this.tx !== null ? this.tx.encrypt(payload, header) : new RtpPacket(header, payload).serialize();
      this.socket.send(out, port, '127.0.0.1');
    }, 20);
  }

  /** A new SSRC (RFC 3550 §8.2: a source may change it), as a B2BUA's phone after a re-INVITE may. */
  newSsrc(): void {
    this.ssrc = randomBytes(4).readUInt32BE(0);
  }

  stopTone(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  close(): void {
    this.stopTone();
    this.socket.close();
  }
}
