/**
 * A leg as the control plane sees it: local ports, remote (kept current from latch events),
 * suite names, the peer and mode, and the counters the media worker writes into shared memory.
 * Holds no key material: only keyed fingerprints (`key-fingerprint.ts`).
 */
import { readCounters, type LegCounterValues } from './leg-counters';
import type { LatchingPolicy } from './latching';
import type { LegKeying } from './pair-mode';
import { pairModeName, type PairMode, type PairModeName } from './pair-mode';
import type { PortAllocation } from './port-pool';
import type { LatchEvent, RemoteEndpoint } from './worker-messages';
import type { LegSrtpOptions } from './key-transfer';
import type { WebrtcLegParams } from '../dtls/webrtc-leg-params';

export interface AddLegOptions {
  readonly id: string;
  /** Where to send, from signaling; null or absent until known (then only latching can set it). */
  readonly remote?: RemoteEndpoint | null;
  /** RTP and RTCP on one port (RFC 5761). Default false. */
  readonly rtcpMux?: boolean;
  /** SRTP contexts of this leg, or null/absent for a plain RTP leg. */
  readonly srtp?: LegSrtpOptions | null;
  /** Default: `authenticated` for SRTP legs, `strict` for RTP legs (see latching.ts). */
  readonly latching?: LatchingPolicy;
  /**
   * Ports reserved earlier with `RelayCall.reservePorts` (an SDP offer names them before the
   * answer brings the peer's SDES key). Used as they are: no other ports are tried.
   */
  readonly reservation?: PortReservation;
  /**
   * A WebRTC leg (ICE-lite + DTLS-SRTP, src/dtls, docs/webrtc.md): `srtp` must be absent, rtcp-mux
   * on; the media worker runs ICE and DTLS and builds the leg's contexts from the exported keys.
   * Media goes only to the address an authenticated ICE check came from (latching `strict`).
   */
  readonly webrtc?: WebrtcLegParams;
}

/** Ports held for a leg not opened yet; released when used, cancelled, or the call closes. */
export interface PortReservation {
  readonly callId: string;
  readonly address: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly rtcpMux: boolean;
}

export interface LegLocal {
  readonly address: string;
  readonly rtpPort: number;
  /** Equal to rtpPort with rtcp-mux. */
  readonly rtcpPort: number;
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface LegStats {
  readonly id: string;
  readonly local: LegLocal;
  readonly rtcpMux: boolean;
  readonly remote: Endpoint | null;
  readonly rtcpRemote: Endpoint | null;
  readonly latching: LatchingPolicy;
  /** Profile names (never keys); null for a plain RTP leg. */
  readonly suite: { readonly inbound: string; readonly outbound: string } | null;
  readonly peer: string | null;
  /** What happens to packets arriving on this leg on their way to the peer. */
  readonly mode: PairModeName | null;
  readonly counters: LegCounterValues;
}

export class RelayLeg {
  readonly id: string;
  readonly local: LegLocal;
  readonly rtcpMux: boolean;
  readonly latching: LatchingPolicy;
  /** Replaced by a rekey (fingerprints only). */
  keying: LegKeying | null;
  readonly ports: PortAllocation;
  remote: Endpoint | null;
  rtcpRemote: Endpoint | null;
  peerId: string | null = null;
  mode: PairMode | null = null;
  private readonly counters: Float64Array;

  constructor(init: {
    id: string;
    local: LegLocal;
    rtcpMux: boolean;
    latching: LatchingPolicy;
    keying: LegKeying | null;
    ports: PortAllocation;
    remote: RemoteEndpoint | null;
    counters: SharedArrayBuffer;
  }) {
    this.id = init.id;
    this.local = init.local;
    this.rtcpMux = init.rtcpMux;
    this.latching = init.latching;
    this.keying = init.keying;
    this.ports = init.ports;
    this.remote = null;
    this.rtcpRemote = null;
    this.counters = new Float64Array(init.counters);
    this.setRemote(init.remote);
  }

  setRemote(remote: RemoteEndpoint | null): void {
    this.remote = remote === null ? null : { address: remote.address, port: remote.port };
    this.rtcpRemote = remote === null ? null : { address: remote.address, port: this.rtcpMux ? remote.port : (remote.rtcpPort ?? remote.port + 1) };
  }

  applyLatch(e: LatchEvent): void {
    const to = { address: e.address, port: e.port };
    if (e.rtcp) this.rtcpRemote = to;
    else {
      this.remote = to;
      if (this.rtcpMux) this.rtcpRemote = to;
    }
  }

  /** Counters straight from shared memory: no message to the worker. */
  counterValues(): LegCounterValues {
    return readCounters(this.counters);
  }

  stats(): LegStats {
    return {
      id: this.id,
      local: this.local,
      rtcpMux: this.rtcpMux,
      remote: this.remote,
      rtcpRemote: this.rtcpRemote,
      latching: this.latching,
      suite: this.keying === null ? null : { inbound: this.keying.inbound.profile, outbound: this.keying.outbound.profile },
      peer: this.peerId,
      mode: this.mode === null ? null : pairModeName(this.mode),
      counters: readCounters(this.counters),
    };
  }
}
