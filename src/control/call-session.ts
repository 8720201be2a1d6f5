/**
 * One call under control: owns its call model (`Call`, src/call), its relay call (`RelayCall`),
 * the key sets its relay legs use (`SessionKeys`), and its children in private maps — legs
 * (with their streams), media resources (MOH, transcoders, MTPs) and the conference bridge
 * (with its ports). A child's close removes it here; `close()` cascades and is idempotent
 * (mediasoup's Router is the model).
 *
 * Every operation runs one at a time per call (`operate`): validate (the pure model operation on
 * the current state) → create what it needs (relay legs, keys) → commit to the model → apply
 * the model's media plan to the relay. A refused request changes nothing; what a failed step
 * created is closed again. Events are emitted with `safeEmit`, so a listener that throws
 * cannot leave an operation half applied.
 *
 * The operations themselves live in small modules (leg-operations.ts, fallback-operations.ts,
 * conference-operations.ts, barge-operation.ts, stream-operations.ts, rekey-operation.ts,
 * sdp-exchange.ts); this class holds what they share.
 */
import type { WebrtcWorkerEvent } from '../dtls/webrtc-events';
import { commitDtlsState, dtlsKeyState } from './dtls-status';
import type { DtlsCertificate } from '../dtls/dtls-certificate';
import type { Logger } from 'pino';
import type { Call, ClusterConfig, Device, MediaKind, SecurityReport, SegmentTransport } from '../call';
import type { KeyManager } from '../keys';
import type { LatchEvent, KeyLimitWorkerEvent, RelayCall, RemoteEndpoint } from '../relay';
import { leaveCall } from './call-keying';
import { ConferenceBridge } from './conference-bridge';
import type { CallCloseReason, ControlEmitterMap, ControlEventMap, ControlEventType } from './control-events';
import { EnhancedEmitter } from './enhanced-emitter';
import { ControlError } from './errors';
import { LegKeying } from './leg-keying';
import { planPairs } from './media-plumbing';
import { RelayLegs, type ResourceRole } from './relay-legs';
import { SessionKeys } from './session-keys';
import { SessionLeg, type LegSpecOfSession } from './session-leg';
import { SessionResource, type SessionResourceKind } from './session-resource';
import { bridgeView, callView, legView, type CallView, type LegView, type OperationResult } from './session-view';
import { snapshotSession, type SessionSnapshot } from './session-snapshot';

/** What every session of a controller shares. */
export interface SessionContext {
  readonly keys: KeyManager;
  readonly cluster: ClusterConfig;
  readonly logger: Logger;
  /** Address written into SDP. */
  readonly advertiseAddress: string;
  /** Throws API_ERR_SHUTTING_DOWN once the controller is closing. */
  assertOpen(): void;
  /** The relay's DTLS certificate, for WebRTC legs (keying `dtls`). */
  dtlsCertificate(): Promise<DtlsCertificate>;
  /**
   * Called after each operation that ran to completion on a live session (synchronously, before
   * the next one starts), so an HA store can write the session's snapshot (src/store).
   */
  committed?(session: CallSession): void;
}

export type SessionEvents = ControlEmitterMap & { close: [CallCloseReason] };

/** What an operation adds to its answer; computed after the plan is applied. */
export type OperationExtra = Partial<Pick<OperationResult, 'resource' | 'leg'>>;
export type Finish = () => OperationExtra;

export class CallSession extends EnhancedEmitter<SessionEvents> {
  readonly id: string;
  readonly createdAt: string;
  readonly model: Call;
  readonly context: SessionContext;
  readonly keying: LegKeying;
  readonly keys: SessionKeys;
  readonly relayLegs: RelayLegs;
  readonly #legs = new Map<string, SessionLeg>();
  readonly #resources = new Map<string, SessionResource>();
  #bridge: ConferenceBridge | null = null;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(context: SessionContext, model: Call, relayCall: RelayCall, createdAt = new Date().toISOString()) {
    super((event, err) => context.logger.error({ callId: model.id, event, err }, 'session event listener threw'));
    this.id = model.id;
    this.createdAt = createdAt;
    this.model = model;
    this.context = context;
    this.keying = new LegKeying(context.keys, model.id);
    this.keys = new SessionKeys(this.keying);
    this.relayLegs = new RelayLegs(relayCall, this.keys, context.logger);
    // The model commits its state before it emits: a listener error must not reach it.
    model.on('securitychange', (e) => {
      this.notify('securitychange', { callId: e.callId, previousStatus: e.previousStatus, status: e.status, reasons: e.reasons, report: e.report });
    });
  }

  get closed(): boolean { return this.#closed; }
  get relayCall(): RelayCall { return this.relayLegs.call; }
  get bridge(): ConferenceBridge | null { return this.#bridge; }
  get report(): SecurityReport { return this.model.report; }

  // ── children ──────────────────────────────────────────────────────────────

  leg(legId: string): SessionLeg | undefined {
    return this.#legs.get(legId);
  }

  legs(): SessionLeg[] {
    return [...this.#legs.values()];
  }

  mustLeg(legId: string): SessionLeg {
    const leg = this.#legs.get(legId);
    if (leg === undefined) throw new ControlError('API_ERR_UNKNOWN_LEG', { field: 'legId' });
    return leg;
  }

  resource(id: string): SessionResource | undefined {
    return this.#resources.get(id);
  }

  resources(): SessionResource[] {
    return [...this.#resources.values()];
  }

  /** A leg not yet in the call: its streams are opened by leg-setup.ts, then `adoptLeg`. */
  createLeg(spec: LegSpecOfSession): SessionLeg {
    return new SessionLeg(spec, this.relayLegs, this.keys);
  }

  /** The leg joined the call (after the model accepted it). */
  adoptLeg(leg: SessionLeg): void {
    this.#legs.set(leg.id, leg);
    leg.on('@close', () => {
      if (this.#legs.get(leg.id) === leg) this.#legs.delete(leg.id);
    });
  }

  /**
   * The leg left the call: its bridge ports and relay legs closed, its keys wiped. Call keys it
   * held are rekeyed first for the phone that stays (call-keying.ts), so the departed phone's
   * keys verify nowhere.
   */
  async dropLeg(leg: SessionLeg): Promise<void> {
    await leaveCall(this, leg);
    await this.#bridge?.closePorts(leg.id);
    // A barge ends with its initiator or target (the model drops it): so does the built-in bridge.
    if (this.#bridge !== null && this.model.state.conference === null) await this.closeBridge();
    await leg.close();
    this.notify('legremoved', { callId: this.id, legId: leg.id });
  }

  /** Plain RTP relay legs for a media resource (seed 003: MOH, transcoders and MTPs are RTP). */
  async openResource(spec: { id: string; kind: SessionResourceKind; legId: string | null; stream: MediaKind }, remotes: Partial<Record<ResourceRole, RemoteEndpoint>>): Promise<SessionResource> {
    const r = await SessionResource.open(this.relayLegs, spec, remotes);
    this.adoptResource(r);
    this.notify('resourceadded', { callId: this.id, resourceId: r.id, kind: r.kind });
    return r;
  }

  adoptResource(r: SessionResource): void {
    this.#resources.set(r.id, r);
    r.on('@close', () => {
      if (this.#resources.get(r.id) === r) this.#resources.delete(r.id);
    });
  }

  /** The resource left the call: its relay legs closed and their ports returned. */
  async dropResource(id: string): Promise<void> {
    const r = this.#resources.get(id);
    if (r === undefined) return;
    await r.close();
    this.notify('resourceremoved', { callId: this.id, resourceId: id });
  }

  /** The conference (or barge) bridge; its ports are opened per leg by the operations. */
  openBridge(spec: { id: string; device: Device; secure: boolean; remote: RemoteEndpoint }): ConferenceBridge {
    const b = new ConferenceBridge(spec, this.relayLegs, this.keying);
    this.#bridge = b;
    b.on('@close', () => {
      if (this.#bridge === b) this.#bridge = null;
    });
    return b;
  }

  async closeBridge(): Promise<void> {
    await this.#bridge?.close();
  }

  // ── operations ────────────────────────────────────────────────────────────

  /** Run one operation at a time per call, in arrival order. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn).then((value) => {
      if (!this.#closed) this.context.committed?.(this);
      return value;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Throws when the controller is closing or the session is closed. */
  assertLive(): void {
    this.context.assertOpen();
    if (this.#closed) throw new ControlError('API_ERR_UNKNOWN_CALL', { field: 'callId' });
  }

  /** Validate, create, commit (in `fn`), then apply the plan; answer with call, security and `fn`'s extras. */
  operate(fn: () => Promise<Finish | void>): Promise<OperationResult> {
    return this.perform(async () => {
      const finish = await fn();
      return () => ({ call: this.view(), security: this.model.report, ...(finish === undefined ? {} : finish()) });
    });
  }

  /**
   * `operate` for an operation that answers with something of its own instead of the whole
   * call (adding a leg answers with the leg): the call's view is not built for nothing.
   * `fn` validates, creates and commits, and returns how to build the answer once the plan is
   * applied.
   */
  perform<T>(fn: () => Promise<() => T>): Promise<T> {
    return this.exclusive(async () => {
      this.assertLive();
      const answer = await fn();
      // Resources the model dropped with a leg or hold (e.g. removeLeg of the holding leg).
      for (const r of this.resources()) if (!this.model.state.resources.some((m) => m.id === r.id)) await this.dropResource(r.id);
      await this.applyPlan();
      return answer();
    });
  }

  /**
   * Make the relay carry the model's media plan (`Call.report.media`, computed when the model
   * committed): open a stream's RTP relay leg the first time the plan drops it to RTP (policy
   * `rtp`) and close it when it no longer does, then re-pair only the relay legs whose pairing
   * differs from the plan. SRTP contexts are never recreated, so ROC and replay state survive
   * every hold, transcoder, MTP and transfer.
   */
  async applyPlan(): Promise<void> {
    const state = this.model.state;
    const report = this.model.report;
    const plan = { policy: report.policy, streams: report.media };
    const segmentOf = (legId: string, kind: MediaKind): SegmentTransport | undefined =>
      plan.streams.find((s) => s.kind === kind)?.segments.find((seg) => seg.endpoint === 'leg' && seg.id === legId)?.transport;
    for (const leg of this.#legs.values()) {
      for (const media of leg.streams()) {
        const rtp = segmentOf(leg.id, media.kind) === 'rtp';
        if (rtp && media.rtpRelayLeg === null) await media.openRtp();
        if (!rtp) await media.closeRtpFallback();
      }
    }
    const plumbing = planPairs(state, plan, {
      legEnd: (legId, kind, transport) => {
        const m = this.#legs.get(legId)?.stream(kind);
        return m === undefined ? null : transport === 'srtp' ? m.srtpRelayLeg : m.rtpRelayLeg;
      },
      resource: (id) => this.#resources.get(id),
      bridgePort: (legId, kind) => this.#bridge?.port(legId, kind)?.relayLegId ?? null,
    });
    const relay = this.relayLegs.call;
    const desired = new Map<string, string>();
    for (const [a, b] of plumbing.pairs) {
      desired.set(a, b);
      desired.set(b, a);
    }
    for (const [a, b] of plumbing.pairs) {
      if (relay.leg(a)?.peerId !== b || relay.leg(b)?.peerId !== a) await relay.connect(a, b);
    }
    for (const id of [...this.relayLegs.ids()]) {
      const peer = relay.leg(id)?.peerId ?? null;
      if (peer !== null && desired.get(id) !== peer) await relay.disconnect(id);
    }
    for (const leg of this.#legs.values()) {
      for (const m of leg.streams()) {
        const planned = plumbing.ends.get(leg.id)?.get(m.kind);
        m.setTransport(planned?.transport ?? null);
        const next = planned !== undefined ? planned.active : m.active !== null && this.relayLegs.has(m.active) ? m.active : null;
        if (next === m.active) continue;
        const moved = m.active !== null && next !== null;
        m.setActive(next);
        if (moved) {
          const transport = planned?.transport ?? 'rtp';
          this.notify('legmedia', { callId: this.id, legId: leg.id, stream: m.kind, transport, local: next === null ? null : this.relayLegs.local(next) ?? null });
        }
      }
    }
  }

  /** Emit a control event; a throwing listener is logged, never propagated. */
  notify<K extends ControlEventType>(type: K, payload: ControlEventMap[K]): void {
    (this.safeEmit as (event: K, payload: ControlEventMap[K]) => boolean)(type, payload);
  }

  // ── views ─────────────────────────────────────────────────────────────────

  view(): CallView {
    return callView(this, this.model.state, this.model.report);
  }

  /** The leg's view plus SDES answer lines (secret) for the caller that made the leg. */
  legView(leg: SessionLeg, answers?: ReadonlyMap<MediaKind, string>, webrtcAnswer?: string): LegView {
    return legView(this, leg, answers, webrtcAnswer);
  }

  bridgeView(): ReturnType<typeof bridgeView> {
    return bridgeView(this);
  }

  /**
   * A plain, versioned description of the call: no key bytes, only key set ids
   * (session-snapshot.ts). Synchronous: take it between operations (`CallController.snapshot`).
   */
  snapshot(): SessionSnapshot {
    return snapshotSession(this);
  }

  // ── events from the relay (routed by the controller) ───────────────────────

  onLatch(e: LatchEvent): void {
    const owner = this.relayLegs.owner(e.legId);
    if (owner === undefined) return;
    const where = owner.type === 'leg' ? { legId: owner.legId, stream: owner.stream } : { resourceId: owner.resourceId };
    this.context.logger.info({ callId: this.id, ...where, rtcp: e.rtcp, address: e.address, port: e.port }, 'latched');
    this.notify('latch', { callId: this.id, ...where, rtcp: e.rtcp, address: e.address, port: e.port });
  }

  /**
   * The SRTP engine counts packets per master key and reports once at the soft limit and once
   * at the lifetime (RFC 3711 §9.2): mapped back to the leg and stream. No key bytes involved.
   */
  onKeyLimit(e: KeyLimitWorkerEvent): void {
    const owner = this.relayLegs.owner(e.legId);
    if (owner === undefined || owner.type !== 'leg') return;
    const payload = {
      callId: this.id, legId: owner.legId, stream: owner.stream, direction: e.direction,
      keyIndex: e.keyIndex, mki: e.mki, protocol: e.stream, used: e.used, lifetime: e.lifetime,
    };
    const type = e.kind === 'keysoftlimit' ? 'keyexpiring' : 'keyexpired';
    this.context.logger.warn({ ...payload }, type === 'keyexpiring' ? 'master key near its lifetime' : 'master key reached its lifetime');
    this.notify(type, payload);
  }

  /** A dtls leg's relay leg reported its handshake or its ICE peer: re-emitted with the session's leg and stream. */
  onWebrtc(e: WebrtcWorkerEvent): void {
    const owner = this.relayLegs.owner(e.legId);
    if (owner === undefined || owner.type !== 'leg') return;
    if (e.type === 'ice') {
      this.notify('ice', { callId: this.id, legId: owner.legId, stream: owner.stream, address: e.address, port: e.port, nominated: e.nominated });
      return;
    }
    const payload = { callId: this.id, legId: owner.legId, stream: owner.stream, state: e.state, role: e.role, profile: e.profile, reason: e.reason, connectMs: e.connectMs };
    if (e.state === 'failed') this.context.logger.warn(payload, 'WebRTC leg failed');
    else this.context.logger.info(payload, e.state === 'connected' ? 'WebRTC leg connected' : 'WebRTC peer closed DTLS');
    this.notify('dtls', payload);
    // Security status follows the handshake (dtls-status.ts); an error there is logged, never thrown at the worker.
    const next = dtlsKeyState(e.state);
    if (next !== null && !this.#closed) {
      commitDtlsState(this, owner.legId, owner.stream, next).catch((err: unknown) => {
        this.context.logger.error({ callId: this.id, legId: owner.legId, err }, 'DTLS state not committed to the call');
      });
    }
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────

  /**
   * End the call: every secret the session holds wiped, the relay call closed (sockets,
   * contexts, reservations), the call's managed keys released. Idempotent; emits `close` once.
   * Does not wait for the media worker: the call is gone from the control plane at once (a
   * delete answers without a worker round trip), the worker closes the sockets and wipes its
   * keys next, and the ports return to the pool when it confirms (relay-call.ts `close`).
   */
  async close(reason: CallCloseReason): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // The children first (secrets wiped, marked closed); the relay call closes their sockets.
    for (const leg of this.#legs.values()) leg.callClosed();
    for (const r of this.#resources.values()) r.callClosed();
    this.#bridge?.callClosed();
    this.keys.close();
    this.relayLegs.clear();
    this.model.close();
    void this.relayLegs.call.close(); // never rejects: a dead worker took the sockets with it
    this.context.keys.releaseCall(this.id);
    this.#legs.clear();
    this.#resources.clear();
    this.#bridge = null;
    this.safeEmit('close', reason);
    this.removeAllListeners();
  }
}
