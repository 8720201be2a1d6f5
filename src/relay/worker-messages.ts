/**
 * The small typed messages between the control plane and a media worker. Requests carry a
 * `seq` and get exactly one reply; the worker also sends unsolicited events (latch). Key bytes
 * only ever travel in `AddLegRequest.keyBytes` / `RekeyLegRequest.keyBytes`, transferred ArrayBuffers.
 */
import type { WebrtcWorkerEvent } from '../dtls/webrtc-events';
import type { WebrtcLegParams } from '../dtls/webrtc-leg-params';
import type { IoBackendChoice, IoBackendName } from './io/packet-io';
import type { AddressPolicyConfig } from './address-policy';
import type { WireError } from './errors';
import type { WireContextOptions } from './key-transfer';
import type { LatchingPolicy } from './latching';
import type { PairMode } from './pair-mode';

export interface RemoteEndpoint {
  readonly address: string;
  readonly port: number;
  /** RTCP port when not muxed; default `port + 1` (RFC 3550 §11). */
  readonly rtcpPort?: number;
}

export interface AddLegRequest {
  readonly op: 'addLeg';
  readonly callId: string;
  readonly legId: string;
  readonly bindAddress: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly rtcpMux: boolean;
  readonly remote: RemoteEndpoint | null;
  readonly latching: LatchingPolicy;
  readonly srtp: { readonly inbound: WireContextOptions; readonly outbound: WireContextOptions } | null;
  /** Transferred; the worker zero-fills it once its contexts hold the keys. */
  readonly keyBytes: ArrayBuffer | null;
  /** Shared with the control plane, which reads the counters from it. */
  readonly counters: SharedArrayBuffer;
  /** A WebRTC leg (ICE-lite + DTLS-SRTP, src/dtls): `srtp` is null, the worker exports the keys. */
  readonly webrtc?: WebrtcLegParams | null;
  /** SRTP index reservation block (docs/ha.md); absent or 0: no reservations (no HA store). */
  readonly indexBlock?: number;
}

/**
 * Replace an SRTP leg's contexts with new keys (rekey). The worker carries each SSRC's ROC from
 * the old contexts to the new ones (RFC 3711 §3.3.1), applies `rocs` on top, swaps, then closes
 * (wipes) the old contexts. Key bytes only in the transferred `keyBytes`.
 */
export interface RekeyLegRequest {
  readonly op: 'rekeyLeg';
  readonly callId: string;
  readonly legId: string;
  readonly srtp: { readonly inbound: WireContextOptions; readonly outbound: WireContextOptions };
  /** Transferred; the worker zero-fills it once its contexts hold the keys. */
  readonly keyBytes: ArrayBuffer;
  /** ROCs signaled for SSRCs (override what is carried over). */
  readonly rocs: readonly SignaledRoc[];
}

export interface SignaledRoc {
  readonly ssrc: number;
  readonly direction: 'inbound' | 'outbound';
  readonly roc: number;
}

export interface ConnectRequest {
  readonly op: 'connect';
  readonly callId: string;
  readonly a: string;
  readonly b: string;
  /** Mode for packets arriving on `a` and leaving on `b`, and the reverse. */
  readonly modeAB: PairMode;
  readonly modeBA: PairMode;
}

export interface DisconnectRequest {
  readonly op: 'disconnect';
  readonly callId: string;
  readonly legId: string;
}

export interface SetRemoteRequest {
  readonly op: 'setRemote';
  readonly callId: string;
  readonly legId: string;
  readonly remote: RemoteEndpoint | null;
}

/** Close one leg: its sockets and contexts (keys wiped). */
export interface RemoveLegRequest {
  readonly op: 'removeLeg';
  readonly callId: string;
  readonly legId: string;
}

export interface CloseCallRequest {
  readonly op: 'closeCall';
  readonly callId: string;
}

/** One SSRC's confirmed index reservation (docs/ha.md): protect up to `upTo`, not beyond. */
export interface IndexGrant {
  readonly ssrc: number;
  readonly rtcp: boolean;
  readonly upTo: number;
}

/**
 * Where an SSRC's stream stands in the store (docs/ha.md): `outbound`, the old node's reserved
 * limit (the stream continues above it); `inbound`, its last checkpoint (the replay window and
 * ROC restart from it).
 */
export interface IndexFloor {
  readonly ssrc: number;
  readonly rtcp: boolean;
  readonly direction: 'inbound' | 'outbound';
  readonly index: number;
}

/** Grants (`grants`) and takeover floors (`floors`) for a leg's index guard. */
export interface IndexStateRequest {
  readonly op: 'indexState';
  readonly callId: string;
  readonly legId: string;
  readonly grants: readonly IndexGrant[];
  readonly floors: readonly IndexFloor[];
}

export interface ShutdownRequest {
  readonly op: 'shutdown';
}

export type WorkerRequest = AddLegRequest | RekeyLegRequest | ConnectRequest | DisconnectRequest | SetRemoteRequest | RemoveLegRequest | CloseCallRequest | IndexStateRequest | ShutdownRequest;
export type SequencedRequest = WorkerRequest & { readonly seq: number };

/** Requests posted in one turn of the control thread's event loop (message-batch.ts), applied in order. */
export interface RequestBatch {
  readonly op: 'batch';
  readonly requests: readonly SequencedRequest[];
}

export type WorkerReply =
  | { readonly type: 'reply'; readonly seq: number; readonly ok: true }
  | { readonly type: 'reply'; readonly seq: number; readonly ok: false; readonly error: WireError };

/** A leg moved its remote after an authenticated (or policy-accepted) packet from a new source. */
export interface LatchEvent {
  readonly type: 'latch';
  readonly callId: string;
  readonly legId: string;
  readonly rtcp: boolean;
  readonly address: string;
  readonly port: number;
}

/**
 * One of a leg's contexts reached a key's soft limit or lifetime (RFC 3711 §9.2): the
 * controller rekeys (by MKI, or by re-negotiating). Never carries key bytes.
 */
export interface KeyLimitWorkerEvent {
  readonly type: 'keylimit';
  readonly callId: string;
  readonly legId: string;
  /** `inbound`: the key the endpoint sends with; `outbound`: the key the relay sends with. */
  readonly direction: 'inbound' | 'outbound';
  readonly kind: 'keysoftlimit' | 'keyexpired';
  readonly keyIndex: number;
  readonly mki: string | null;
  readonly stream: 'srtp' | 'srtcp';
  readonly used: number;
  readonly lifetime: number;
}

/**
 * The worker asks for an index reservation (docs/ha.md): persist "SSRC may be protected up to
 * `upTo`", then grant it (IndexStateRequest). Until then packets beyond the old limit drop.
 */
export interface IndexReserveEvent {
  readonly type: 'indexreserve';
  readonly callId: string;
  readonly legId: string;
  readonly ssrc: number;
  readonly rtcp: boolean;
  readonly upTo: number;
}

/** An inbound stream's highest accepted index passed a checkpoint (every half block). */
export interface IndexCheckpointEvent {
  readonly type: 'indexcheckpoint';
  readonly callId: string;
  readonly legId: string;
  readonly ssrc: number;
  readonly rtcp: boolean;
  readonly index: number;
}

export interface ReadyEvent {
  readonly type: 'ready';
  /** The packet I/O backend the worker runs on, and why `auto` fell back to dgram (or null). */
  readonly io: IoBackendName;
  readonly ioFallback: string | null;
}

export type WorkerMessage = WorkerReply | LatchEvent | KeyLimitWorkerEvent | IndexReserveEvent | IndexCheckpointEvent | WebrtcWorkerEvent | ReadyEvent;

/** Replies and events of one turn of the worker's event loop (message-batch.ts), in the order they happened. */
export interface MessageBatchEvent {
  readonly type: 'batch';
  readonly messages: readonly WorkerMessage[];
}

/** Unsolicited worker events the control plane forwards. */
export type WorkerEvent = LatchEvent | KeyLimitWorkerEvent | IndexReserveEvent | IndexCheckpointEvent | WebrtcWorkerEvent;

/** Start-up data of a worker thread. */
export interface MediaWorkerData {
  readonly index: number;
  readonly logLevel: string;
  /** Rebuilt in the worker: latched sources pass the same policy as signaled remotes. */
  readonly addressPolicy: AddressPolicyConfig;
  /** Packet I/O backend to use (io/select-backend.ts). */
  readonly io: IoBackendChoice;
}
