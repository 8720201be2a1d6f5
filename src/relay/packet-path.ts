/**
 * The per-packet path of a media worker: source check → verify / unprotect / validate →
 * latch → protect → send, counting every outcome. No exceptions, no closures and no
 * allocation here (the dgram backend itself allocates a Buffer, rinfo and send request per
 * datagram; the native one nothing); send outcomes go to the peer leg's bound callbacks.
 * Output that is sent goes into the packet I/O's `sendBuffer()` (a native send slot, or the
 * dgram backend's scratch buffer); recrypt's intermediate clear packet into `scratch.unprotected`.
 */
import { SrtpStatus, srtpStatusName } from '../srtp/srtp-status';
import { AddressPolicy, AddressVerdict } from './address-policy';
import type { PacketIo } from './io/packet-io';
import { C } from './leg-counters';
import { judgeSource, SourceVerdict } from './latching';
import type { MediaLeg } from './media-leg';
import { isRtcpPacket, looksLikeRtcp, looksLikeRtp } from './packet-kind';
import { PairMode } from './pair-mode';
import type { ScratchBuffers } from './scratch-buffers';

/** Receives latch decisions (rare: allocation is fine there). */
export type LatchListener = (leg: MediaLeg, rtcp: boolean, address: string, port: number) => void;

const STATUS_COUNTER: number[] = [];
STATUS_COUNTER[SrtpStatus.TooShort] = C.malformed;
STATUS_COUNTER[SrtpStatus.Malformed] = C.malformed;
STATUS_COUNTER[SrtpStatus.OutputTooSmall] = C.malformed;
STATUS_COUNTER[SrtpStatus.AuthFailed] = C.authFailures;
STATUS_COUNTER[SrtpStatus.Replayed] = C.replays;
STATUS_COUNTER[SrtpStatus.TooOld] = C.tooOld;
STATUS_COUNTER[SrtpStatus.UnknownMki] = C.unknownMki;
STATUS_COUNTER[SrtpStatus.KeyExpired] = C.keyExpired;
STATUS_COUNTER[SrtpStatus.Closed] = C.droppedNoRoute;
STATUS_COUNTER[SrtpStatus.PolicyMismatch] = C.malformed;

export class PacketPath {
  constructor(
    private readonly scratch: ScratchBuffers,
    /** The worker's socket layer: where sent output is written (`sendBuffer`). */
    private readonly io: PacketIo,
    private readonly onLatch: LatchListener,
    /** Latched sources become remotes: they pass the same policy as signaled ones. */
    private readonly policy: AddressPolicy = new AddressPolicy(),
  ) {}

  /**
   * Bound once; handed to every leg as its packet handler. The datagram is `packet[0, length)`
   * (a native ring slot is longer than its datagram).
   */
  readonly handle = (from: MediaLeg, packet: Buffer, address: string, port: number, onRtcpSocket: boolean, length: number = packet.length): void => {
    const c = from.counters;
    c[C.packetsIn] += 1;
    c[C.bytesIn] += length;
    if (from.closed) return;
    // WebRTC legs: STUN and DTLS share the port (RFC 7983); media passes only once keyed.
    if (from.webrtc !== null && from.webrtc.intercept(packet, length, address, port)) return;
    const rtcp = onRtcpSocket || (from.rtcpMux && isRtcpPacket(packet, length));
    if (rtcp) c[C.rtcpPacketsIn] += 1;

    // 1. Source check (before any crypto): strict and locked legs drop strangers outright.
    const separateRtcp = rtcp && !from.rtcpMux;
    const fromRemote = separateRtcp
      ? address === from.rtcpAddress && port === from.rtcpPort
      : address === from.rtpAddress && port === from.rtpPort;
    const verdict = judgeSource(from.latching, fromRemote, separateRtcp ? from.rtcpLocked : from.rtpLocked);
    if (verdict === SourceVerdict.Reject) {
      c[C.droppedBySource] += 1;
      from.log.drop('source', address, port, length);
      return;
    }

    // 2. Authenticate (SRTP) or sanity-check (RTP). Nothing is committed for a failing packet.
    const peer = from.peer;
    const mode = peer === null ? PairMode.Passthrough : from.mode;
    let out: Buffer = packet;
    let outLength = length;
    const inbound = from.inbound;
    const candidate = verdict === SourceVerdict.Candidate;
    // A latch candidate's SSRC and that stream's highest accepted index before this packet
    // (rare: only packets from a source other than the remote pay for this lookup).
    let ssrc = 0;
    let highestBefore = -1;
    if (candidate && inbound !== null && length >= 12) {
      ssrc = rtcp ? packet.readUInt32BE(4) : packet.readUInt32BE(8);
      highestBefore = inbound.highestIndex(ssrc, rtcp);
    }
    if (inbound !== null) {
      let st: SrtpStatus;
      if (mode === PairMode.Passthrough) {
        st = rtcp ? inbound.verifyRtcp(packet, length) : inbound.verifyRtp(packet, length);
      } else {
        // Decrypt sends the clear packet: straight into the send buffer. Recrypt protects it
        // again first: the clear packet is an intermediate.
        out = mode === PairMode.Decrypt ? this.io.sendBuffer() : this.scratch.unprotected;
        st = rtcp ? inbound.unprotectRtcp(packet, out, length) : inbound.unprotectRtp(packet, out, length);
        outLength = inbound.outputLength;
      }
      if (st !== SrtpStatus.Ok) {
        c[STATUS_COUNTER[st] ?? C.malformed] += 1;
        from.log.drop(srtpStatusName(st), address, port, length);
        return;
      }
      if (!rtcp) from.noteSsrc(false, packet.readUInt32BE(8));
      if (from.guard !== null) {
        const inSsrc = rtcp ? packet.readUInt32BE(4) : packet.readUInt32BE(8);
        from.guard.noteInbound(inSsrc, rtcp, inbound.highestIndex(inSsrc, rtcp));
      }
    } else if (rtcp ? !looksLikeRtcp(packet, length) : !looksLikeRtp(packet, length)) {
      c[C.malformed] += 1;
      from.log.drop('malformed', address, port, length);
      return;
    }

    // 3. Latch: only now, after the packet authenticated (or the RTP policy accepted it), and
    // for SRTP only with a packet that advanced its stream: RFC 3711 §3.3.2 accepts a packet
    // that is merely inside the replay window and unseen, such as a genuine packet captured on
    // path and sent late from elsewhere, or a copy of one the kernel dropped. Such a packet is
    // forwarded (it is genuine) but cannot move the remote; nor can a source the address policy
    // refuses. Both count as latchRefused. See docs/relay.md "Latching".
    if (candidate) {
      const fresh = inbound === null || inbound.highestIndex(ssrc, rtcp) > highestBefore;
      if (fresh && this.policy.judge(address, from.socketFamily) === AddressVerdict.Ok) this.latch(from, separateRtcp, address, port);
      else c[C.latchRefused] += 1;
    } else if (verdict === SourceVerdict.Known && from.latching === 'first') {
      if (separateRtcp) from.rtcpLocked = true;
      else from.rtpLocked = true;
    }

    if (peer === null) {
      c[C.droppedNoRoute] += 1;
      return;
    }
    const peerSeparateRtcp = rtcp && !peer.rtcpMux;
    const toAddress = peerSeparateRtcp ? peer.rtcpAddress : peer.rtpAddress;
    const toPort = peerSeparateRtcp ? peer.rtcpPort : peer.rtpPort;
    if (toPort === 0) {
      c[C.droppedNoRoute] += 1;
      return;
    }

    // 4. Protect toward the peer when its leg needs it.
    if (mode === PairMode.Recrypt || mode === PairMode.Encrypt) {
      const outbound = peer.outbound;
      if (outbound === null) {
        peer.counters[C.protectErrors] += 1;
        return;
      }
      // HA store: only indexes a persisted reservation covers (docs/ha.md, RFC 3711 §9.1).
      if (peer.guard !== null && !peer.guard.allowProtect(outbound, out as Buffer, rtcp)) {
        peer.counters[C.indexReservationDrops] += 1;
        return;
      }
      const target = this.io.sendBuffer();
      const st = rtcp ? outbound.protectRtcp(out, target, outLength) : outbound.protectRtp(out, target, outLength);
      if (st !== SrtpStatus.Ok) {
        peer.counters[C.protectErrors] += 1;
        peer.log.drop(srtpStatusName(st), toAddress, toPort, outLength);
        return;
      }
      out = target;
      outLength = outbound.outputLength;
      if (!rtcp) peer.noteSsrc(true, target.readUInt32BE(8));
    }

    // 5. Send. The peer's bound callback counts packetsOut / sendErrors (no closure here);
    // the native backend sends when the batch ends, with one sendmmsg per socket.
    const socket = peerSeparateRtcp ? peer.rtcpSocket : peer.rtpSocket;
    socket.send(out, 0, outLength, toPort, toAddress);
    c[C.forwarded] += 1;
    if (rtcp) peer.counters[C.rtcpPacketsOut] += 1;
  };

  private latch(leg: MediaLeg, separateRtcp: boolean, address: string, port: number): void {
    if (separateRtcp) {
      leg.rtcpAddress = address;
      leg.rtcpPort = port;
      if (leg.latching === 'first') leg.rtcpLocked = true;
    } else {
      leg.rtpAddress = address;
      leg.rtpPort = port;
      if (leg.rtcpMux) {
        leg.rtcpAddress = address;
        leg.rtcpPort = port;
      }
      if (leg.latching === 'first') leg.rtpLocked = true;
    }
    leg.counters[C.latchEvents] += 1;
    this.onLatch(leg, separateRtcp, address, port);
  }
}
