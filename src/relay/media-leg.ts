/**
 * A leg as the media worker holds it: its UDP sockets, its two SRTP contexts, where it sends
 * (the remote, moved only by latching), its peer and the mode toward it, and its counters.
 * The packet path itself is in `packet-path.ts`.
 */
import { isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import type { WebrtcTransport } from '../dtls/webrtc-transport';
import { RelayError, RelayErrorCode } from './errors';
import { C } from './leg-counters';
import { unpackContextOptions, wipeKeyBytes } from './key-transfer';
import type { LatchingPolicy } from './latching';
import type { MediaSocket, PacketIo } from './io/packet-io';
import type { IndexGuard } from './index-guard';
import { createPacketContext, type PacketContext } from './packet-context';
import { PairMode } from './pair-mode';
import { RateLimitedLog } from './rate-limited-log';
import type { AddLegRequest, RemoteEndpoint } from './worker-messages';

/** SSRCs per direction whose ROC a rekey carries over (a phone has one; a bridge port a few). */
export const MAX_TRACKED_SSRCS = 16;

/**
 * Called by the packet path for every packet received on one of the leg's sockets. The
 * datagram is `packet[0, length)`; `length` defaults to `packet.length` (the native backend's
 * ring slots are longer than the datagrams in them, so it always passes it).
 */
export type PacketHandler = (leg: MediaLeg, packet: Buffer, address: string, port: number, onRtcpSocket: boolean, length?: number) => void;

export class MediaLeg {
  readonly callId: string;
  readonly legId: string;
  readonly rtcpMux: boolean;
  readonly latching: LatchingPolicy;
  readonly counters: Float64Array;
  /** Replaced only by `rekey` (never per packet). */
  inbound: PacketContext | null;
  outbound: PacketContext | null;
  /**
   * SSRCs this leg's contexts have handled (first few), so a rekey can carry their ROCs to the
   * new contexts: inbound ones from 0, outbound ones from MAX_TRACKED_SSRCS. One fixed-size
   * typed array (each costs some 200 bytes of heap beside its contents): recording one is a
   * short scan, no allocation.
   */
  private readonly ssrcs = new Uint32Array(2 * MAX_TRACKED_SSRCS);
  inboundSsrcCount = 0;
  outboundSsrcCount = 0;
  /** From the worker's packet I/O backend (`io/`): dgram or native batched. */
  readonly rtpSocket: MediaSocket;
  readonly rtcpSocket: MediaSocket;
  /** Address family the sockets can reach (the bind address's): remotes must match it. */
  readonly socketFamily: 4 | 6;
  readonly log: RateLimitedLog;
  /**
   * Send completions, one bound function per socket made once (no closure per packet): a
   * datagram counts as out only when the socket reports it sent; a failure (an asynchronous
   * EHOSTUNREACH, EACCES, a family the socket cannot reach) counts as `sendErrors` and is
   * logged at a rate limit, so a leg whose sends fail is visible instead of silently lossy.
   */
  readonly onRtpSent: (error: string | null, bytes: number) => void;
  readonly onRtcpSent: (error: string | null, bytes: number) => void;
  /** Where RTP (and muxed RTCP) goes; '' / 0 when unknown. */
  rtpAddress = '';
  rtpPort = 0;
  /** Where RTCP goes when not muxed. */
  rtcpAddress = '';
  rtcpPort = 0;
  /** A `first` leg locks once it has accepted a packet. */
  rtpLocked = false;
  rtcpLocked = false;
  peer: MediaLeg | null = null;
  /** SRTP index reservations (HA store only; docs/ha.md), set by the engine; null without. */
  guard: IndexGuard | null = null;
  /** Mode for packets arriving on this leg and leaving on `peer`. */
  mode: PairMode = PairMode.Forward;
  /** ICE-lite + DTLS-SRTP of a WebRTC leg (src/dtls); it sets `inbound`/`outbound` once keyed. */
  webrtc: WebrtcTransport | null = null;
  closed = false;

  private constructor(req: AddLegRequest, contexts: { inbound: PacketContext; outbound: PacketContext } | null, sockets: { rtp: MediaSocket; rtcp: MediaSocket }, logger: Logger) {
    this.callId = req.callId;
    this.legId = req.legId;
    this.rtcpMux = req.rtcpMux;
    this.latching = req.latching;
    this.counters = new Float64Array(req.counters);
    this.inbound = contexts?.inbound ?? null;
    this.outbound = contexts?.outbound ?? null;
    this.rtpSocket = sockets.rtp;
    this.rtcpSocket = sockets.rtcp;
    this.socketFamily = isIPv6(req.bindAddress) ? 6 : 4;
    this.log = new RateLimitedLog(logger, { callId: req.callId, legId: req.legId });
    this.onRtpSent = (error, bytes) => this.sent(error, bytes, false);
    this.onRtcpSent = (error, bytes) => this.sent(error, bytes, true);
    this.setRemote(req.remote);
  }

  private sent(error: string | null, bytes: number, rtcpSocket: boolean): void {
    const c = this.counters;
    if (error === null) {
      c[C.packetsOut] += 1;
      c[C.bytesOut] += bytes;
      return;
    }
    c[C.sendErrors] += 1;
    this.log.sendFailed(error, rtcpSocket ? this.rtcpAddress : this.rtpAddress, rtcpSocket ? this.rtcpPort : this.rtpPort);
  }

  /**
   * Build the contexts (then wipe the transferred key bytes), bind the sockets, and start
   * receiving. On any failure everything opened so far is closed again.
   */
  static async open(req: AddLegRequest, handler: PacketHandler, logger: Logger, io: PacketIo): Promise<MediaLeg> {
    let contexts: { inbound: PacketContext; outbound: PacketContext } | null = null;
    try {
      if (req.srtp !== null) {
        if (req.keyBytes === null) throw new RelayError(RelayErrorCode.BadSrtpOptions, 'SRTP leg without key bytes');
        const inbound = createPacketContext(unpackContextOptions(req.srtp.inbound, req.keyBytes));
        try {
          contexts = { inbound, outbound: createPacketContext(unpackContextOptions(req.srtp.outbound, req.keyBytes)) };
        } catch (err) {
          inbound.close();
          throw err;
        }
      }
    } finally {
      if (req.keyBytes !== null) wipeKeyBytes(req.keyBytes);
    }
    let sockets: { rtp: MediaSocket; rtcp: MediaSocket };
    try {
      sockets = await bindSockets(req, io);
    } catch (err) {
      contexts?.inbound.close();
      contexts?.outbound.close();
      throw err;
    }
    const leg = new MediaLeg(req, contexts, sockets, logger);
    leg.listen(handler);
    return leg;
  }

  private listen(handler: PacketHandler): void {
    // One closure per socket, made once: the per-packet path creates none. Send outcomes (and
    // anything else a dgram socket reports as an 'error' event) arrive through onRtpSent /
    // onRtcpSent and are counted, never thrown.
    const truncated = (length: number, address: string, port: number): void => {
      const c = this.counters;
      c[C.packetsIn] += 1;
      c[C.bytesIn] += length;
      c[C.malformed] += 1;
      this.log.drop('truncated', address, port, length);
    };
    this.rtpSocket.start({
      packet: (packet, length, address, port) => handler(this, packet, address, port, false, length),
      truncated,
      sent: this.onRtpSent,
    });
    if (this.rtcpSocket !== this.rtpSocket) {
      this.rtcpSocket.start({
        packet: (packet, length, address, port) => handler(this, packet, address, port, true, length),
        truncated,
        sent: this.onRtcpSent,
      });
    }
  }

  /** Signaled remote (or none). Unlocks a `first` leg so it can latch again. */
  setRemote(remote: RemoteEndpoint | null): void {
    this.rtpAddress = remote?.address ?? '';
    this.rtpPort = remote?.port ?? 0;
    this.rtcpAddress = this.rtpAddress;
    this.rtcpPort = remote === null ? 0 : this.rtcpMux ? remote.port : (remote.rtcpPort ?? remote.port + 1);
    this.rtpLocked = false;
    this.rtcpLocked = false;
  }

  /** Remember an SSRC the inbound (or outbound) context handled; no allocation. */
  noteSsrc(outbound: boolean, ssrc: number): void {
    const list = this.ssrcs;
    const base = outbound ? MAX_TRACKED_SSRCS : 0;
    const n = outbound ? this.outboundSsrcCount : this.inboundSsrcCount;
    for (let i = 0; i < n; i++) if (list[base + i] === ssrc) return;
    if (n >= MAX_TRACKED_SSRCS) return;
    list[base + n] = ssrc;
    if (outbound) this.outboundSsrcCount = n + 1;
    else this.inboundSsrcCount = n + 1;
  }

  /**
   * New contexts (a rekey): each known SSRC's ROC is carried over (RFC 3711 §3.3.1: the index
   * continues under the new master key), signaled ROCs are applied, then the contexts are
   * swapped and the old ones closed (keys wiped). A packet after the swap uses the new keys.
   */
  rekey(inbound: PacketContext, outbound: PacketContext, rocs: readonly { ssrc: number; direction: 'inbound' | 'outbound'; roc: number }[]): void {
    const oldIn = this.inbound;
    const oldOut = this.outbound;
    if (oldIn === null || oldOut === null) throw new RelayError(RelayErrorCode.BadSrtpOptions, 'a plain RTP leg has no keys to replace');
    for (let i = 0; i < this.inboundSsrcCount; i++) {
      const ssrc = this.ssrcs[i] as number;
      const roc = oldIn.getRoc(ssrc, 'inbound');
      if (roc !== undefined) inbound.setRoc(ssrc, roc, 'inbound');
    }
    for (let i = 0; i < this.outboundSsrcCount; i++) {
      const ssrc = this.ssrcs[MAX_TRACKED_SSRCS + i] as number;
      const roc = oldOut.getRoc(ssrc, 'outbound');
      if (roc !== undefined) outbound.setRoc(ssrc, roc, 'outbound');
    }
    for (const r of rocs) (r.direction === 'inbound' ? inbound : outbound).setRoc(r.ssrc, r.roc, r.direction);
    this.inbound = inbound;
    this.outbound = outbound;
    oldIn.close();
    oldOut.close();
  }

  /** Close sockets and contexts (which wipe their keys). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.webrtc?.close(); // close_notify goes out while the socket is still open
    this.closed = true;
    if (this.peer !== null && this.peer.peer === this) this.peer.peer = null;
    this.peer = null;
    this.rtpSocket.close();
    if (this.rtcpSocket !== this.rtpSocket) this.rtcpSocket.close();
    this.inbound?.close();
    this.outbound?.close();
  }
}

async function bindOne(io: PacketIo, family: 4 | 6, address: string, port: number): Promise<MediaSocket> {
  try {
    return await io.bind(family, address, port);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new RelayError(RelayErrorCode.BindFailed, `cannot bind ${address}:${port}: ${e.code ?? e.message}`);
  }
}

async function bindSockets(req: AddLegRequest, io: PacketIo): Promise<{ rtp: MediaSocket; rtcp: MediaSocket }> {
  const family = isIPv6(req.bindAddress) ? 6 : 4;
  const rtp = await bindOne(io, family, req.bindAddress, req.rtpPort);
  let rtcp = rtp;
  if (!req.rtcpMux) {
    try {
      rtcp = await bindOne(io, family, req.bindAddress, req.rtcpPort);
    } catch (err) {
      rtp.close();
      throw err;
    }
  }
  return { rtp, rtcp };
}
