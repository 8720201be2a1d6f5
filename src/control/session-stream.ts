/**
 * One media stream of a session leg (audio or video) and the relay legs that carry it: its SRTP
 * relay leg (keys from the key manager or SDES) and, only while policy `rtp` drops the segment
 * to RTP, a plain RTP relay leg on other ports (the controller re-INVITEs the endpoint there).
 * The SRTP relay leg is never recreated, so its contexts keep ROC and replay state across every
 * fallback change. `close()` removes the relay legs, wipes the keys the stream holds and tells
 * the leg (`@close`), which drops it.
 *
 * Seed 003 "Digest authentication and encryption": SRTP is negotiated per leg and stream, so an
 * SRTP-keyed leg may carry RTP video (seed 003 Table 4 row 2).
 */
import type { WebrtcLegParams } from '../dtls/webrtc-leg-params';
import type { WebrtcSide } from './webrtc-side';
import type { PendingWebrtcOffer } from './webrtc-offer';
import type { MediaKind, SegmentTransport } from '../call';
import type { MasterKeySet, SdesOffer } from '../keys';
import type { LatchingPolicy, PortReservation, RemoteEndpoint } from '../relay';
import { EnhancedEmitter } from './enhanced-emitter';
import type { CallKeyBinding, StreamKeyRefs } from './leg-keying';
import type { RelayLegs } from './relay-legs';
import type { SessionKeys } from './session-keys';

/** `dtls`: a WebRTC leg (ICE-lite + DTLS-SRTP, docs/webrtc.md): keys exported in the media worker. */
export type Keying = 'managed' | 'sdes' | 'none' | 'dtls';

/** The relay's SDES offer to an endpoint that has no keys yet: ports promised, keys per tag. */
export interface PendingSdesOffer {
  readonly reservation: PortReservation;
  /** Our send set per offered tag (secret); the answer picks one, the rest are wiped. */
  readonly offer: SdesOffer;
}

/** What a stream knows of its leg. */
export interface StreamOwner {
  readonly id: string;
  readonly keying: Keying;
  readonly latching: LatchingPolicy | undefined;
}

/** The plain description of a stream (snapshot.ts). Relay leg ids refer to `RelayLegs`. */
export interface StreamState {
  readonly kind: MediaKind;
  readonly srtp: boolean;
  readonly rtcpMux: boolean;
  readonly remote: RemoteEndpoint | null;
  readonly keyLegId: string | null;
  /** Call-scoped keys (seed 003): the side this endpoint is and the keys' reference (no key bytes). */
  readonly callKeys: CallKeyBinding | null;
  readonly srtpRelayLeg: string | null;
  readonly rtpRelayLeg: string | null;
  readonly suite: string | null;
  /** SDES: the tag and key set id of our a=crypto line toward the endpoint. */
  readonly sdesSend: { readonly tag: number; readonly keySetId: string } | null;
  readonly offerTag: number | null;
  readonly active: string | null;
}

export class SessionStream extends EnhancedEmitter<{ '@close': [] }> {
  readonly kind: MediaKind;
  readonly srtp: boolean;
  readonly rtcpMux: boolean;
  #remote: RemoteEndpoint | null;
  #keyLegId: string | null = null;
  #callKeys: CallKeyBinding | null = null;
  #srtpRelayLeg: string | null = null;
  #rtpRelayLeg: string | null = null;
  #suite: string | null = null;
  #sdesSend: { readonly tag: number; readonly keySetId: string } | null = null;
  #sdesInbound: string | null = null;
  #offerTag: number | null = null;
  #active: string | null = null;
  #transport: SegmentTransport | null = null;
  #pending: PendingSdesOffer | null = null;
  #offeredKeys: ReadonlyMap<number, MasterKeySet> | null = null;
  #closed = false;

  constructor(
    private readonly leg: StreamOwner,
    spec: { kind: MediaKind; srtp: boolean; rtcpMux: boolean; remote: RemoteEndpoint | null },
    private readonly relayLegs: RelayLegs,
    private readonly keys: SessionKeys,
  ) {
    super();
    this.kind = spec.kind;
    this.srtp = spec.srtp;
    this.rtcpMux = spec.rtcpMux;
    this.#remote = spec.remote;
  }

  get closed(): boolean { return this.#closed; }
  get remote(): RemoteEndpoint | null { return this.#remote; }
  /** Key manager leg holding this stream's managed keys (the leg's, or its own for a stream added later). */
  get keyLegId(): string | null { return this.#keyLegId; }
  /** Call-scoped keys: this endpoint's side and the current generation's reference (null: leg keys or none). */
  get callKeys(): CallKeyBinding | null { return this.#callKeys; }
  /** Relay leg with SRTP contexts (managed / sdes once negotiated); null for `none` or SDES not yet negotiated. */
  get srtpRelayLeg(): string | null { return this.#srtpRelayLeg; }
  /** Plain RTP relay leg: the only one for `none`, the fallback one for SRTP legs under policy `rtp`. */
  get rtpRelayLeg(): string | null { return this.#rtpRelayLeg; }
  /** Negotiated suite (never keys). */
  get suite(): string | null { return this.#suite; }
  get sdesSend(): { readonly tag: number; readonly keySetId: string } | null { return this.#sdesSend; }
  /** Tag of the endpoint's offered a=crypto line the answer must repeat (managed keying in SDP). */
  get offerTag(): number | null { return this.#offerTag; }
  /** Relay leg the endpoint should currently send to (follows the media plan). */
  get active(): string | null { return this.#active; }
  /** Transport of this leg's segment under the plan last applied (null: not in the plan). */
  get transport(): SegmentTransport | null { return this.#transport; }
  /** SDES: the relay offered to this endpoint and waits for its answer (sdes-offer.ts). */
  get pending(): PendingSdesOffer | null { return this.#pending; }
  /** SRTP on this leg but no keys yet (an SDES leg waiting for an offer or answer). */
  get awaitingKeys(): boolean { return this.srtp && this.#srtpRelayLeg === null; }
  /** Session id of the endpoint's send set (our inbound) once SDES is negotiated. */
  get sdesInbound(): string | null { return this.#sdesInbound; }
  /**
   * Verified passthrough (sdp-exchange.ts, `offerPeerKeys`): this endpoint's offered key sets per
   * tag, passed on to the other leg; the stream opens when that leg's answer picks one.
   */
  get offeredKeys(): ReadonlyMap<number, MasterKeySet> | null { return this.#offeredKeys; }

  setOfferedKeys(sets: ReadonlyMap<number, MasterKeySet>): void {
    this.releaseOfferedKeys();
    this.#offeredKeys = sets;
  }

  /** Take the offered sets (the caller consumes or wipes them). */
  takeOfferedKeys(): ReadonlyMap<number, MasterKeySet> | null {
    const sets = this.#offeredKeys;
    this.#offeredKeys = null;
    return sets;
  }

  releaseOfferedKeys(): void {
    for (const set of this.takeOfferedKeys()?.values() ?? []) set.release();
  }

  /** Managed keys: the key manager leg whose sets this stream uses. */
  useKeyLeg(keyLegId: string): void {
    this.#keyLegId = keyLegId;
  }

  /** Call-scoped keys (leg-keying.ts): this stream is side `binding.side` of its call stream; null: it left. */
  useCallKeys(binding: CallKeyBinding | null): void {
    this.#callKeys = binding;
  }

  /** Open the SRTP relay leg (on reserved ports when our SDES offer already named them). */
  async openSrtp(keySetIds: StreamKeyRefs, suite: string, reservation?: PortReservation): Promise<void> {
    this.#srtpRelayLeg = await this.relayLegs.open(`${this.leg.id}.${this.kind}`, {
      owner: { type: 'leg', legId: this.leg.id, stream: this.kind, variant: 'srtp' },
      remote: this.#remote, rtcpMux: this.rtcpMux, keySetIds,
      ...(this.leg.latching !== undefined ? { latching: this.leg.latching } : {}),
      ...(reservation !== undefined ? { reservation } : {}),
    });
    this.#suite = suite;
  }

  /**
   * SDES keys negotiated: the endpoint's send set is our inbound, ours (with its tag, repeated
   * in SDP) our outbound. The session holds both until the stream ends.
   */
  async openSdes(endpointSend: MasterKeySet, relaySend: MasterKeySet, tag: number, reservation?: PortReservation): Promise<void> {
    const inbound = this.keys.hold(endpointSend);
    const outbound = this.keys.hold(relaySend);
    try {
      await this.openSrtp({ inbound, outbound }, endpointSend.profile.name, reservation);
    } catch (err) {
      this.keys.release(inbound);
      this.keys.release(outbound);
      throw err;
    }
    this.#sdesInbound = inbound;
    this.#sdesSend = { tag, keySetId: outbound };
  }

  /**
   * Undo `openSdes` (it succeeded, but the open it went with failed: sdp-exchange.ts
   * `openAnswered`): the SRTP relay leg removed, its SDES keys wiped; the stream waits for keys
   * again, as before the open.
   */
  async undoSdes(suiteBefore: string | null): Promise<void> {
    const id = this.#srtpRelayLeg;
    this.keys.release(this.#sdesInbound);
    this.keys.release(this.#sdesSend?.keySetId ?? null);
    this.#sdesInbound = null;
    this.#sdesSend = null;
    this.#srtpRelayLeg = null;
    this.#suite = suiteBefore;
    if (id !== null) await this.relayLegs.close(id);
  }

  /**
   * A WebRTC stream: its SRTP relay leg runs ICE-lite and DTLS in the media worker, which builds
   * the contexts from the exported keys; no key set of the session is involved.
   */
  /**
   * A WebRTC stream: what the relay writes toward its peer (ICE credentials, fingerprint, role,
   * mid, the peer's offered codecs), so an SDP exchange can write the peer's answer once the
   * other side has chosen its codecs (webrtc-exchange.ts). No key material.
   */
  webrtcSide: WebrtcSide | null = null;
  /** The relay's WebRTC offer to this stream's peer, waiting for its answer (webrtc-offer.ts): ports reserved, no keys. */
  webrtcOffer: PendingWebrtcOffer | null = null;

  async openWebrtc(webrtc: WebrtcLegParams, suite: string, reservation?: PortReservation): Promise<void> {
    this.#srtpRelayLeg = await this.relayLegs.open(`${this.leg.id}.${this.kind}`, {
      owner: { type: 'leg', legId: this.leg.id, stream: this.kind, variant: 'srtp' },
      remote: null, rtcpMux: true, webrtc, ...(reservation !== undefined ? { reservation } : {}),
    });
    this.#suite = suite;
  }

  /** Open a plain RTP relay leg (keying `none`, or the RTP fallback of an SRTP leg). */
  async openRtp(): Promise<void> {
    // Secure by default: only the signaled address; with none known, lock onto the first sender.
    const configured = this.leg.keying === 'none' ? this.leg.latching : undefined;
    const latching: LatchingPolicy = configured !== undefined && configured !== 'authenticated' ? configured : this.#remote !== null ? 'strict' : 'first';
    this.#rtpRelayLeg = await this.relayLegs.open(`${this.leg.id}.${this.kind}.rtp`, {
      owner: { type: 'leg', legId: this.leg.id, stream: this.kind, variant: 'rtp' }, remote: this.#remote, rtcpMux: this.rtcpMux, latching,
    });
  }

  /**
   * The RTP fallback ended: an SRTP leg's RTP port is closed again. `active` keeps naming it
   * until the plan moves the endpoint back (the session reports that move as `legmedia`).
   */
  async closeRtpFallback(): Promise<void> {
    const id = this.#rtpRelayLeg;
    if (id === null || this.#srtpRelayLeg === null) return;
    this.#rtpRelayLeg = null;
    await this.relayLegs.close(id);
  }

  /** A new remote from signaling, for every relay leg of the stream. */
  async setRemote(remote: RemoteEndpoint | null): Promise<void> {
    this.#remote = remote;
    if (remote === null) return;
    for (const id of [this.#srtpRelayLeg, this.#rtpRelayLeg]) if (id !== null) await this.relayLegs.setRemote(id, remote);
  }

  setOfferTag(tag: number): void {
    this.#offerTag = tag;
  }

  setActive(relayLegId: string | null): void {
    this.#active = relayLegId;
  }

  setTransport(transport: SegmentTransport | null): void {
    this.#transport = transport;
  }

  /** Our SDES offer toward this endpoint is waiting for its answer. */
  setPending(pending: PendingSdesOffer): void {
    this.#pending = pending;
  }

  /** Take the pending offer (answered, declined or superseded): the caller consumes it. */
  takePending(): PendingSdesOffer | null {
    const p = this.#pending;
    this.#pending = null;
    return p;
  }

  /** Wipe the SDES secrets the stream holds and give back reserved ports (the relay closes the sockets). */
  wipeSecrets(): void {
    this.keys.release(this.#sdesInbound);
    this.keys.release(this.#sdesSend?.keySetId ?? null);
    this.#sdesInbound = null;
    this.#sdesSend = null;
    this.releaseOfferedKeys();
    const offer = this.webrtcOffer;
    this.webrtcOffer = null;
    if (offer !== null && !this.relayLegs.closed) this.relayLegs.call.cancelReservation(offer.reservation);
    const pending = this.takePending();
    if (pending !== null) {
      for (const set of pending.offer.sets.values()) set.release();
      if (!this.relayLegs.closed) this.relayLegs.call.cancelReservation(pending.reservation);
    }
  }

  /** Restore: the stream's fields as a snapshot describes them (relay legs already reopened). */
  restoreState(s: StreamState, sdesInbound: string | null): void {
    this.#keyLegId = s.keyLegId;
    this.#callKeys = s.callKeys ?? null;
    this.#srtpRelayLeg = s.srtpRelayLeg;
    this.#rtpRelayLeg = s.rtpRelayLeg;
    this.#suite = s.suite;
    this.#sdesSend = s.sdesSend;
    this.#sdesInbound = sdesInbound;
    this.#offerTag = s.offerTag;
    this.#active = s.active;
  }

  state(): StreamState {
    return {
      kind: this.kind, srtp: this.srtp, rtcpMux: this.rtcpMux, remote: this.#remote, keyLegId: this.#keyLegId, callKeys: this.#callKeys,
      srtpRelayLeg: this.#srtpRelayLeg, rtpRelayLeg: this.#rtpRelayLeg, suite: this.#suite, sdesSend: this.#sdesSend,
      offerTag: this.#offerTag, active: this.#active,
    };
  }

  /**
   * The call closed (mediasoup's `transportClosed()`): the relay closes every socket of the call
   * itself, so only the secrets are wiped and the stream marks itself closed. No `@close`.
   */
  callClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.wipeSecrets();
    this.#srtpRelayLeg = null;
    this.#rtpRelayLeg = null;
    this.#active = null;
    this.removeAllListeners();
  }

  /**
   * The stream ends: its relay legs removed, its SDES keys wiped, its own managed keys released
   * (`releaseKeyLeg`: false when the key manager leg is the leg's and other streams use it).
   * Idempotent.
   */
  async close(releaseKeyLeg: boolean): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.wipeSecrets();
    if (releaseKeyLeg && this.#keyLegId !== null) this.keys.managed.release(this.#keyLegId);
    const ids = [this.#srtpRelayLeg, this.#rtpRelayLeg];
    this.#srtpRelayLeg = null;
    this.#rtpRelayLeg = null;
    this.#active = null;
    for (const id of ids) if (id !== null) await this.relayLegs.close(id);
    this.safeEmit('@close');
    this.removeAllListeners();
  }
}
