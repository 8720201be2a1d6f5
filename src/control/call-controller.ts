/**
 * Call control for every front end: owns the key manager, the media relay and one `CallSession`
 * per call (in a private map; a session's close removes it). Front ends (the HTTP API today, the
 * ng protocol next) drive calls through `session(callId)` and the methods here; they never
 * reach past this folder. Relay events (latching, key limits, a dead worker) are routed to the
 * session that owns the relay leg. `close()` closes every session, then the relay and the key
 * manager; it is idempotent.
 */
import type { WebrtcWorkerEvent } from '../dtls/webrtc-events';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Call, type ClusterConfig, type FallbackPolicy, type MediaKind, type SecurityReport, type TransitionKind } from '../call';
import type { KeyManager } from '../keys';
import type { KeyLimitWorkerEvent, LatchEvent, MediaRelay, RelayCall, RemoteEndpoint } from '../relay';
import { barge, endBargeTone, type BargeRequest } from './barge-operation';
import { CallSession, type SessionContext } from './call-session';
import { addParticipant, bridgeKeys, openMeetMe, removeParticipant, startConference, validateMeetMe, type ConferenceRequest, type MeetMeRequest } from './conference-operations';
import { CONTROL_EVENT_TYPES, type CallCloseReason, type ControlEmitterMap } from './control-events';
import { EnhancedEmitter } from './enhanced-emitter';
import { ControlError, fieldError, fieldOf, withField } from './errors';
import { hold, insertResource, removeResource, resume, transfer, type HoldRequest, type InsertRequest, type TransferRequest } from './fallback-operations';
import { addLeg, legKeys, removeLeg, updateLeg } from './leg-operations';
import { validateCallLegs, type CreateCallRequest } from './call-legs';
import { validateLeg, type LegRequest, type StreamRequest } from './leg-setup';
import { rekeyLeg } from './rekey-operation';
import { addStream, removeStream } from './stream-operations';
import { processSdp, type SdpRequest } from './sdp-exchange';
import type { ParsedSdp } from './sdp-rewrite';
import type { KeySource } from './session-keys';
import { restoreSession } from './session-restore';
import type { SessionSnapshot } from './session-snapshot';
import type { BridgeKeysView, CallView, LegKeysView, LegView, OperationResult, SdpResult } from './session-view';

export interface CallControllerOptions {
  readonly keys: KeyManager;
  readonly relay: MediaRelay;
  readonly cluster: ClusterConfig;
  readonly logger: Logger;
  /** Address written into SDP (default: the relay's bind address). */
  readonly advertiseAddress?: string;
}

export class CallController extends EnhancedEmitter<ControlEmitterMap> {
  readonly keys: KeyManager;
  readonly relay: MediaRelay;
  readonly cluster: ClusterConfig;
  readonly logger: Logger;
  readonly advertiseAddress: string;
  readonly #sessions = new Map<string, CallSession>();
  readonly #context: SessionContext;
  readonly #onLatch = (e: LatchEvent): void => this.#sessions.get(e.callId)?.onLatch(e);
  readonly #onKeyLimit = (e: KeyLimitWorkerEvent): void => this.#sessions.get(e.callId)?.onKeyLimit(e);
  readonly #onWebrtc = (e: WebrtcWorkerEvent): void => this.#sessions.get(e.callId)?.onWebrtc(e);
  readonly #onWorkerDied = (e: { callIds: readonly string[] }): void => {
    for (const id of e.callIds) void this.closeCall(id, 'worker_died').catch(() => undefined);
  };
  /** Told of every completed operation of a live call (an HA store writes its snapshot: src/store). */
  onCommitted: ((session: CallSession) => void) | null = null;
  #closing: Promise<void> | null = null;
  /** Counters for metrics (small integers). */
  readonly totals = { callsCreated: 0, callsClosed: 0, securityChanges: { encrypted: 0, authenticated: 0, nonsecure: 0 } };

  constructor(options: CallControllerOptions) {
    super((event, err) => options.logger.error({ event, err }, 'control event listener threw'));
    this.keys = options.keys;
    this.relay = options.relay;
    this.cluster = options.cluster;
    this.logger = options.logger;
    this.advertiseAddress = options.advertiseAddress ?? (options.relay.bindAddress === '0.0.0.0' ? '127.0.0.1' : options.relay.bindAddress);
    this.#context = {
      keys: this.keys, cluster: this.cluster, logger: this.logger, advertiseAddress: this.advertiseAddress,
      assertOpen: () => this.#assertOpen(),
      dtlsCertificate: () => this.relay.dtlsCertificate(),
      committed: (session) => {
        try {
          this.onCommitted?.(session);
        } catch (err) {
          // The operation committed already: a store problem must not turn it into an error.
          this.logger.error({ callId: session.id, err }, 'commit listener threw');
        }
      },
    };
    this.relay.on('latch', this.#onLatch);
    this.relay.on('keylimit', this.#onKeyLimit);
    this.relay.on('dtls', this.#onWebrtc);
    this.relay.on('ice', this.#onWebrtc);
    this.relay.on('workerDied', this.#onWorkerDied);
  }

  get closed(): boolean {
    return this.#closing !== null;
  }

  callCount(): number {
    return this.#sessions.size;
  }

  sessions(): CallSession[] {
    return [...this.#sessions.values()];
  }

  findSession(callId: string): CallSession | undefined {
    return this.#sessions.get(callId);
  }

  /** The call's session; API_ERR_UNKNOWN_CALL when there is none. */
  session(callId: string): CallSession {
    const s = this.#sessions.get(callId);
    if (s === undefined) throw new ControlError('API_ERR_UNKNOWN_CALL', { field: 'callId' });
    return s;
  }

  // ── calls ──────────────────────────────────────────────────────────────────

  /**
   * A call, and with `legs` its legs in the same request (the SIP proxy knows both parties at
   * once): each leg as `addLeg` makes it, in order, and the call's view lists each leg as
   * `addLeg` answers it, paired as the call now stands (SDES answers in `streams[].crypto`,
   * WebRTC's in `webrtc.answer`). Every leg is validated before the call exists; a leg that fails
   * later ends the call again (its ports closed, its keys wiped) before the error is thrown, so
   * no half-made call is left.
   */
  async createCall(req: CreateCallRequest): Promise<CallView> {
    this.#assertOpen();
    const id = req.id ?? randomUUID();
    if (this.#sessions.has(id)) throw new ControlError('API_ERR_DUPLICATE_CALL', { field: 'id' });
    const model = withField('policy', () => Call.create({ id, legs: [], policy: req.policy ?? 'bridge' }, this.cluster));
    const legs = validateCallLegs(req.legs ?? []);
    const session = await this.#open(model, () => this.relay.createCall(id));
    if (legs.length === 0) return session.view();
    const views = new Map<string, LegView>();
    for (const l of legs) {
      try {
        views.set(l.req.id, await addLeg(session, l.req, l.prefix, l.validated));
      } catch (err) {
        await session.exclusive(() => this.closeCall(id, 'deleted')).catch((closeErr: unknown) => this.logger.error({ callId: id, err: closeErr }, 'closing a call whose leg failed'));
        // An error that names no field of its own (a relay failure) names the leg.
        throw fieldOf(err) === undefined ? fieldError(l.prefix.slice(0, -1), err) : err;
      }
    }
    const view = session.view();
    return { ...view, legs: view.legs.map((l) => withAnswers(l, views.get(l.id))) };
  }

  /**
   * A meet-me conference call (seed 004 Table 2 rows 4-5): the call, its initiator leg and its
   * bridge. An initiator below the minimum level is refused (403) before anything is created.
   */
  async createMeetMe(req: MeetMeRequest): Promise<OperationResult> {
    this.#assertOpen();
    if (this.#sessions.has(req.id)) throw new ControlError('API_ERR_DUPLICATE_CALL', { field: 'id' });
    const checked = validateMeetMe(this.cluster, req);
    const model = Call.createMeetMe({
      id: req.id, initiator: validateLeg(req.initiator, 'initiator.').spec, minimumLevel: req.minimumLevel, bridges: checked.devices,
      ...(req.policy !== undefined ? { policy: req.policy } : {}),
    }, this.cluster);
    const session = await this.#open(model, () => this.relay.createCall(req.id));
    try {
      return await openMeetMe(session, req, checked.chosen);
    } catch (err) {
      await this.closeCall(session.id, 'deleted');
      throw err;
    }
  }

  /** The call's snapshot, taken between operations (never half way through one). */
  snapshot(callId: string): Promise<SessionSnapshot> {
    const s = this.session(callId);
    return s.exclusive(async () => {
      s.assertLive();
      return s.snapshot();
    });
  }

  /**
   * Take over a call from its snapshot (session-snapshot.ts) on this controller's relay, on the
   * same ports. Managed key sets come from this controller's key manager, the others from `keys`.
   */
  async restore(snapshot: SessionSnapshot, keys: KeySource): Promise<CallSession> {
    this.#assertOpen();
    if (this.#sessions.has(snapshot.id)) throw new ControlError('API_ERR_DUPLICATE_CALL', { field: 'id' });
    const session = await restoreSession(this.#context, this.relay, snapshot, keys);
    if (this.#sessions.has(snapshot.id) || this.closed) {
      await session.close('deleted');
      throw new ControlError(this.closed ? 'API_ERR_SHUTTING_DOWN' : 'API_ERR_DUPLICATE_CALL', { field: 'id' });
    }
    this.#register(session);
    this.logger.info({ callId: session.id }, 'call restored');
    return session;
  }

  listCalls(): CallView[] {
    return this.sessions().map((s) => s.view());
  }

  getCall(callId: string): CallView {
    return this.session(callId).view();
  }

  /**
   * Ids of the legs `getCall(callId).legs` lists (in the model and open in the session), without
   * building the view: the API's request guards ask this on every leg request.
   */
  legIds(callId: string): string[] {
    const session = this.session(callId);
    return session.model.state.legs.filter((l) => session.leg(l.id) !== undefined).map((l) => l.id);
  }

  security(callId: string): SecurityReport {
    return this.session(callId).report;
  }

  async deleteCall(callId: string): Promise<void> {
    const s = this.session(callId);
    await s.exclusive(() => this.closeCall(s.id, 'deleted'));
  }

  updatePolicy(callId: string, policy: FallbackPolicy): Promise<OperationResult> {
    const s = this.session(callId);
    return s.operate(async () => {
      await s.model.setPolicy(policy);
    });
  }

  beginTransition(callId: string, kind: TransitionKind): Promise<OperationResult> {
    const s = this.session(callId);
    return s.operate(async () => {
      await s.model.beginTransition(kind);
    });
  }

  // ── legs and streams ───────────────────────────────────────────────────────

  addLeg(callId: string, req: LegRequest): Promise<LegView> {
    return addLeg(this.session(callId), req);
  }

  getLeg(callId: string, legId: string): LegView {
    const s = this.session(callId);
    return s.legView(s.mustLeg(legId));
  }

  updateLeg(callId: string, legId: string, streams: readonly { kind: MediaKind; remote: RemoteEndpoint }[]): Promise<LegView> {
    return updateLeg(this.session(callId), legId, streams);
  }

  removeLeg(callId: string, legId: string): Promise<OperationResult> {
    return removeLeg(this.session(callId), legId);
  }

  /** Video on (a stream added mid-call) and off. */
  addStream(callId: string, legId: string, req: StreamRequest): Promise<OperationResult> {
    return addStream(this.session(callId), legId, req);
  }

  removeStream(callId: string, legId: string, kind: MediaKind): Promise<OperationResult> {
    return removeStream(this.session(callId), legId, kind);
  }

  /** New keys for a managed leg (ROC carried over in the relay); the endpoint fetches them with `legKeys`. */
  rekeyLeg(callId: string, legId: string, stream?: MediaKind): Promise<OperationResult> {
    return rekeyLeg(this.session(callId), legId, stream);
  }

  legKeys(callId: string, legId: string): LegKeysView {
    return legKeys(this.session(callId), legId);
  }

  /** `parsed`: `parseEndpointSdp(req.sdp)` when the front end parsed it already. */
  processSdp(callId: string, legId: string, req: SdpRequest, parsed?: ParsedSdp): Promise<SdpResult> {
    return processSdp(this.session(callId), legId, req, parsed);
  }

  // ── fallback operations ────────────────────────────────────────────────────

  hold(callId: string, req: HoldRequest): Promise<OperationResult> {
    return hold(this.session(callId), req);
  }

  resume(callId: string): Promise<OperationResult> {
    return resume(this.session(callId));
  }

  insertTranscoder(callId: string, req: InsertRequest): Promise<OperationResult> {
    return insertResource(this.session(callId), req, 'transcoder');
  }

  insertMtp(callId: string, req: InsertRequest): Promise<OperationResult> {
    return insertResource(this.session(callId), req, 'mtp');
  }

  removeTranscoder(callId: string, resourceId: string): Promise<OperationResult> {
    return removeResource(this.session(callId), resourceId, 'transcoder');
  }

  removeMtp(callId: string, resourceId: string): Promise<OperationResult> {
    return removeResource(this.session(callId), resourceId, 'mtp');
  }

  transfer(callId: string, req: TransferRequest): Promise<OperationResult> {
    return transfer(this.session(callId), req);
  }

  // ── conferences and barge ──────────────────────────────────────────────────

  startConference(callId: string, req: ConferenceRequest): Promise<OperationResult> {
    return startConference(this.session(callId), req);
  }

  addParticipant(callId: string, req: LegRequest): Promise<OperationResult> {
    return addParticipant(this.session(callId), req);
  }

  removeParticipant(callId: string, legId: string): Promise<OperationResult> {
    return removeParticipant(this.session(callId), legId);
  }

  barge(callId: string, req: BargeRequest): Promise<OperationResult> {
    return barge(this.session(callId), req);
  }

  endBargeTone(callId: string): Promise<OperationResult> {
    return endBargeTone(this.session(callId));
  }

  conferenceKeys(callId: string): BridgeKeysView {
    return bridgeKeys(this.session(callId));
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────

  /** End one call (keys wiped, ports returned). Idempotent. */
  async closeCall(callId: string, reason: CallCloseReason): Promise<void> {
    await this.#sessions.get(callId)?.close(reason);
  }

  /** Close every call (keys wiped), then the relay and the key manager. Idempotent. */
  close(): Promise<void> {
    if (this.#closing === null) {
      this.#closing = (async () => {
        this.relay.off('latch', this.#onLatch);
        this.relay.off('keylimit', this.#onKeyLimit);
        this.relay.off('dtls', this.#onWebrtc);
        this.relay.off('ice', this.#onWebrtc);
        await Promise.all(this.sessions().map((s) => s.exclusive(() => s.close('shutdown')).catch(() => undefined)));
        this.relay.off('workerDied', this.#onWorkerDied);
        await this.relay.close();
        this.keys.close();
      })();
    }
    return this.#closing;
  }

  async #open(model: Call, createRelayCall: () => Promise<RelayCall>): Promise<CallSession> {
    const relayCall = await createRelayCall();
    if (this.#sessions.has(model.id) || this.closed) {
      await relayCall.close();
      throw new ControlError(this.closed ? 'API_ERR_SHUTTING_DOWN' : 'API_ERR_DUPLICATE_CALL', { field: 'id' });
    }
    const session = new CallSession(this.#context, model, relayCall);
    this.#register(session);
    this.totals.callsCreated += 1;
    this.logger.info({ callId: model.id, policy: model.state.policy }, 'call created');
    this.safeEmit('callcreated', { callId: model.id, policy: model.state.policy });
    return session;
  }

  #register(session: CallSession): void {
    this.#sessions.set(session.id, session);
    for (const type of CONTROL_EVENT_TYPES) {
      if (type === 'callcreated' || type === 'callclosed') continue;
      const forward = (payload: unknown): void => {
        if (type === 'securitychange') this.totals.securityChanges[(payload as { status: 'encrypted' | 'authenticated' | 'nonsecure' }).status] += 1;
        (this.safeEmit as (t: string, p: unknown) => boolean)(type, payload);
      };
      (session.on as (t: string, l: (p: unknown) => void) => unknown).call(session, type, forward);
    }
    session.on('close', (reason) => {
      if (this.#sessions.get(session.id) === session) this.#sessions.delete(session.id);
      this.totals.callsClosed += 1;
      this.logger.info({ callId: session.id, reason }, 'call closed');
      this.safeEmit('callclosed', { callId: session.id, reason });
    });
  }

  #assertOpen(): void {
    if (this.#closing !== null) throw new ControlError('API_ERR_SHUTTING_DOWN');
  }
}

/**
 * A leg as it stands now (paired), with the answers only its creation answered with: the SDES
 * answer lines (`streams[].crypto`) and the WebRTC answer.
 */
function withAnswers(now: LegView, created: LegView | undefined): LegView {
  if (created === undefined) return now;
  const streams = now.streams.map((s) => {
    const crypto = created.streams.find((c) => c.kind === s.kind)?.crypto;
    return crypto === undefined ? s : { ...s, crypto };
  });
  return { ...now, streams, ...(created.webrtc !== undefined ? { webrtc: created.webrtc } : {}) };
}
