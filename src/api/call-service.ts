/**
 * The service layer behind the routes: owns the key manager, the media relay and the call
 * records; runs each operation as validate → create what is needed → commit to the call model
 * → re-plumb the relay from the new media plan. Operations of one call run one at a time.
 *
 * Its parts, one concept each: call-plumbing.ts (model → relay pairs, resources),
 * fallback-operations.ts (hold, transcoder, MTP, transfer), sdp-exchange.ts and sdes-offer.ts
 * (SDP offer/answer, the relay as SDES offerer), key-limit-watch.ts (key lifetime events),
 * leg-setup.ts / leg-teardown.ts (a leg's relay legs and keys, opened and closed).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Call, type ClusterConfig, type FallbackPolicy, type MediaKind, type SecurityReport, type TransitionKind } from '../call';
import { formatCryptoAttribute, type KeyManager } from '../keys';
import type { LatchEvent, MediaRelay, RemoteEndpoint } from '../relay';
import { BargeOperations, type BargeRequest } from './barge-operations';
import { CallPlumbing } from './call-plumbing';
import { ConferenceOperations, type ConferenceRequest, type MeetMeRequest } from './conference-operations';
import { CallRecord, type LegRecord, type StreamMedia } from './call-record';
import { ApiError, withField } from './errors';
import type { EventHub } from './event-hub';
import { FallbackOperations, type HoldRequest, type InsertRequest, type TransferRequest } from './fallback-operations';
import { KeyLimitWatch } from './key-limit-watch';
import { prepareLeg, validateLeg, type LegRequest, type StreamRequest } from './leg-setup';
import { releaseLegMedia, wipeLegSecrets } from './leg-teardown';
import { SdpExchange, type SdpRequest } from './sdp-exchange';
import { RekeyOperation } from './rekey-operation';
import { StreamOperations } from './stream-operations';
import type { Operation, OperationResult, ServiceHost, Shape } from './service-host';
import { callView, legView } from './views';

export type { BargeRequest, ConferenceRequest, HoldRequest, InsertRequest, MeetMeRequest, OperationResult, TransferRequest };

export interface CallServiceOptions {
  readonly keys: KeyManager;
  readonly relay: MediaRelay;
  readonly cluster: ClusterConfig;
  readonly events: EventHub;
  readonly logger: Logger;
  /** Address written into SDP (default: the relay's bind address). */
  readonly advertiseAddress?: string;
}

export class CallService implements ServiceHost {
  private readonly calls = new Map<string, CallRecord>();
  readonly keys: KeyManager;
  readonly relay: MediaRelay;
  readonly cluster: ClusterConfig;
  readonly events: EventHub;
  readonly logger: Logger;
  readonly advertiseAddress: string;
  readonly plumbing: CallPlumbing;
  private readonly fallback: FallbackOperations;
  private readonly conference: ConferenceOperations;
  private readonly bargeOps: BargeOperations;
  private readonly streamOps: StreamOperations;
  private readonly rekeyOp: RekeyOperation;
  private readonly sdp: SdpExchange;
  private readonly keyLimits: KeyLimitWatch;
  private closing: Promise<void> | null = null;
  /** Counters for metrics (small integers, STYLE). */
  readonly totals = { callsCreated: 0, callsClosed: 0, securityChanges: { encrypted: 0, authenticated: 0, nonsecure: 0 } };

  constructor(options: CallServiceOptions) {
    this.keys = options.keys;
    this.relay = options.relay;
    this.cluster = options.cluster;
    this.events = options.events;
    this.logger = options.logger;
    this.advertiseAddress = options.advertiseAddress ?? (options.relay.bindAddress === '0.0.0.0' ? '127.0.0.1' : options.relay.bindAddress);
    this.plumbing = new CallPlumbing(this.cluster, this.events, this.logger);
    this.fallback = new FallbackOperations(this);
    this.conference = new ConferenceOperations(this);
    this.bargeOps = new BargeOperations(this, this.conference);
    this.streamOps = new StreamOperations(this, this.conference);
    this.rekeyOp = new RekeyOperation(this);
    this.sdp = new SdpExchange(this);
    this.keyLimits = new KeyLimitWatch(this.relay, (id) => this.calls.get(id), this.events, this.logger);
    this.relay.on('latch', (e) => this.onLatch(e));
    this.relay.on('workerDied', (e) => {
      for (const id of e.callIds) void this.closeCall(id, 'worker_died').catch(() => undefined);
    });
  }

  get closed(): boolean {
    return this.closing !== null;
  }

  callCount(): number {
    return this.calls.size;
  }

  records(): IterableIterator<CallRecord> {
    return this.calls.values();
  }

  // ── calls ──────────────────────────────────────────────────────────────────

  async createCall(req: { id?: string; policy?: FallbackPolicy }): Promise<object> {
    this.assertOpen();
    const id = req.id ?? randomUUID();
    if (this.calls.has(id)) throw new ApiError('API_ERR_DUPLICATE_CALL', { field: 'id' });
    const model = withField('policy', () => Call.create({ id, legs: [], policy: req.policy ?? 'bridge' }, this.cluster));
    const rec = this.register(model, await this.relay.createCall(id));
    return this.view(rec);
  }

  /**
   * A meet-me conference call (seed 004 Table 2 rows 4-5): the call, its initiator leg and its
   * bridge. An initiator below the minimum level is refused (403) before anything is created.
   */
  async createMeetMe(req: MeetMeRequest): Promise<OperationResult> {
    this.assertOpen();
    if (this.calls.has(req.id)) throw new ApiError('API_ERR_DUPLICATE_CALL', { field: 'id' });
    const chosen = this.conference.validateMeetMe(req);
    const model = Call.createMeetMe({
      id: req.id, initiator: validateLeg(req.initiator, 'initiator.').spec, minimumLevel: req.minimumLevel, bridges: chosen.devices,
      ...(req.policy !== undefined ? { policy: req.policy } : {}),
    }, this.cluster);
    const relayCall = await this.relay.createCall(req.id);
    if (this.calls.has(req.id)) {
      await relayCall.close();
      throw new ApiError('API_ERR_DUPLICATE_CALL', { field: 'id' });
    }
    const rec = this.register(model, relayCall);
    try {
      return await rec.exclusive(async () => {
        const opened = await this.conference.openMeetMe(rec, req, chosen);
        return { call: this.view(rec), security: rec.model.report, ...opened };
      });
    } catch (err) {
      await rec.exclusive(() => this.closeCall(rec.id, 'deleted'));
      throw err;
    }
  }

  private register(model: Call, relayCall: Awaited<ReturnType<MediaRelay['createCall']>>): CallRecord {
    const id = model.id;
    const rec = new CallRecord(model, relayCall);
    this.calls.set(id, rec);
    model.on('securitychange', (e) => {
      this.totals.securityChanges[e.status] += 1;
      this.events.publish('securitychange', { callId: e.callId, previousStatus: e.previousStatus, status: e.status, reasons: e.reasons, report: e.report });
    });
    this.totals.callsCreated += 1;
    this.logger.info({ callId: id, policy: model.state.policy }, 'call created');
    this.events.publish('callcreated', { callId: id, policy: model.state.policy });
    return rec;
  }

  listCalls(): object[] {
    return [...this.calls.values()].map((rec) => this.view(rec));
  }

  getCall(callId: string): object {
    return this.view(this.mustCall(callId));
  }

  security(callId: string): SecurityReport {
    return this.mustCall(callId).model.report;
  }

  async deleteCall(callId: string): Promise<void> {
    const rec = this.mustCall(callId);
    await rec.exclusive(() => this.closeCall(rec.id, 'deleted'));
  }

  updatePolicy(callId: string, policy: FallbackPolicy): Promise<OperationResult> {
    return this.operate(callId, async (rec) => {
      await rec.model.setPolicy(policy);
    });
  }

  beginTransition(callId: string, kind: TransitionKind): Promise<OperationResult> {
    return this.operate(callId, async (rec) => {
      await rec.model.beginTransition(kind);
    });
  }

  // ── legs ───────────────────────────────────────────────────────────────────

  addLeg(callId: string, req: LegRequest): Promise<object> {
    const rec = this.mustCall(callId);
    return rec.exclusive(async () => {
      this.assertLive(rec);
      const v = validateLeg(req);
      if (rec.model.state.legs.some((l) => l.id === req.id)) throw new ApiError('API_ERR_BAD_REQUEST', { field: 'id', detail: `leg ${req.id} exists` });
      // A third party joins through a conference (POST .../participants) or a barge.
      if (rec.model.state.legs.length >= 2) throw new ApiError('API_ERR_MULTIPARTY_UNSUPPORTED', { field: 'id' });
      const prepared = await prepareLeg(this.keys, this.logger, rec, req, v);
      try {
        await rec.model.addLeg(prepared.spec);
      } catch (err) {
        await releaseLegMedia(rec, prepared.record, this.keys, this.logger);
        throw err;
      }
      rec.legs.set(req.id, prepared.record);
      await this.plumbing.replumb(rec);
      this.logger.info({ callId, legId: req.id, keying: req.keying }, 'leg added');
      this.events.publish('legadded', { callId, legId: req.id, keying: req.keying });
      return this.legWithAnswers(rec, prepared.record, prepared.answers);
    });
  }

  getLeg(callId: string, legId: string): object {
    const rec = this.mustCall(callId);
    return legView(rec, this.mustLeg(rec, legId), rec.transports);
  }

  updateLeg(callId: string, legId: string, streams: readonly { kind: MediaKind; remote: RemoteEndpoint }[]): Promise<object> {
    const rec = this.mustCall(callId);
    return rec.exclusive(async () => {
      this.assertLive(rec);
      const leg = this.mustLeg(rec, legId);
      streams.forEach((s, i) => {
        if (!leg.streams.has(s.kind)) throw new ApiError('API_ERR_UNKNOWN_STREAM', { field: `streams[${i}].kind` });
      });
      for (const s of streams) await this.plumbing.setRemote(rec, leg.streams.get(s.kind) as StreamMedia, s.remote);
      this.events.publish('legupdated', { callId, legId });
      return legView(rec, leg, rec.transports);
    });
  }

  removeLeg(callId: string, legId: string): Promise<OperationResult> {
    return this.operate(callId, async (rec) => {
      const leg = this.mustLeg(rec, legId);
      await rec.model.removeLeg(legId);
      await this.dropLeg(rec, leg);
    });
  }

  /** Video on (a stream added mid-call) and off. */
  addStream(callId: string, legId: string, req: StreamRequest): Promise<OperationResult> {
    return this.streamOps.add(callId, legId, req);
  }

  removeStream(callId: string, legId: string, kind: MediaKind): Promise<OperationResult> {
    return this.streamOps.remove(callId, legId, kind);
  }

  /** New keys for a managed leg (ROC carried over in the relay); the endpoint fetches them at .../keys. */
  rekeyLeg(callId: string, legId: string, stream?: MediaKind): Promise<OperationResult> {
    return this.rekeyOp.rekey(callId, legId, stream);
  }

  /** Key delivery for a managed leg: the endpoint's send and receive sets as a=crypto lines. */
  legKeys(callId: string, legId: string): object {
    const rec = this.mustCall(callId);
    const leg = this.mustLeg(rec, legId);
    if (leg.keying !== 'managed') throw new ApiError('API_ERR_NO_KEYS', { field: 'legId' });
    // Per stream: its key leg (streams added later and rekeyed streams have their own).
    const streams = [...leg.streams.values()].flatMap((m) =>
      m.keyLegId === null ? [] : this.keys.endpointKeys(rec.id, 'A', m.keyLegId).filter((k) => k.stream === m.kind));
    if (streams.length === 0) throw new ApiError('API_ERR_NO_KEYS', { field: 'legId' });
    return {
      leg: leg.id,
      streams: streams.map((k) => ({ kind: k.stream, suite: k.profile.name, send: formatCryptoAttribute(1, k.send), receive: formatCryptoAttribute(1, k.receive) })),
    };
  }

  processSdp(callId: string, legId: string, req: SdpRequest): Promise<object> {
    return this.sdp.process(callId, legId, req);
  }

  // ── fallback operations (fallback-operations.ts) ───────────────────────────

  hold(callId: string, req: HoldRequest): Promise<OperationResult> {
    return this.fallback.hold(callId, req);
  }

  resume(callId: string): Promise<OperationResult> {
    return this.fallback.resume(callId);
  }

  insertTranscoder(callId: string, req: InsertRequest): Promise<OperationResult> {
    return this.fallback.insert(callId, req, 'transcoder');
  }

  insertMtp(callId: string, req: InsertRequest): Promise<OperationResult> {
    return this.fallback.insert(callId, req, 'mtp');
  }

  removeTranscoder(callId: string, resourceId: string): Promise<OperationResult> {
    return this.fallback.remove(callId, resourceId, 'transcoder');
  }

  removeMtp(callId: string, resourceId: string): Promise<OperationResult> {
    return this.fallback.remove(callId, resourceId, 'mtp');
  }

  transfer(callId: string, req: TransferRequest): Promise<OperationResult> {
    return this.fallback.transfer(callId, req);
  }

  // ── conferences (conference-operations.ts) ─────────────────────────────────

  startConference(callId: string, req: ConferenceRequest): Promise<OperationResult> {
    return this.conference.start(callId, req);
  }

  addParticipant(callId: string, req: LegRequest): Promise<OperationResult> {
    return this.conference.addParticipant(callId, req);
  }

  removeParticipant(callId: string, legId: string): Promise<OperationResult> {
    return this.conference.removeParticipant(callId, legId);
  }

  barge(callId: string, req: BargeRequest): Promise<OperationResult> {
    return this.bargeOps.barge(callId, req);
  }

  endBargeTone(callId: string): Promise<OperationResult> {
    return this.bargeOps.endTone(callId);
  }

  conferenceKeys(callId: string): object {
    return this.conference.bridgeKeys(callId);
  }

  // ── ServiceHost ────────────────────────────────────────────────────────────

  /** Validate, mutate, re-plumb, and answer with the call and its security. */
  operate(callId: string, fn: Operation, shape?: Shape): Promise<OperationResult> {
    const rec = this.mustCall(callId);
    return rec.exclusive(async () => {
      this.assertLive(rec);
      const extra = (await fn(rec)) ?? undefined;
      // Resources the model dropped with a leg or hold (e.g. removeLeg of the holding leg).
      await this.plumbing.dropStaleResources(rec);
      await this.plumbing.replumb(rec);
      const shaped = shape !== undefined ? shape(rec, extra) : extra === undefined ? {} : { resource: extra };
      return { call: this.view(rec), security: rec.model.report, ...shaped };
    });
  }

  async dropLeg(rec: CallRecord, leg: LegRecord): Promise<void> {
    rec.legs.delete(leg.id);
    await this.conference.closePorts(rec, leg.id);
    // A barge ends with its initiator or target (the model drops it): so does the built-in bridge port.
    if (rec.bridge !== null && rec.model.state.conference === null) {
      for (const p of [...rec.bridge.ports.values()]) await this.conference.closePorts(rec, p.legId);
      rec.bridge = null;
    }
    await releaseLegMedia(rec, leg, this.keys, this.logger);
    this.events.publish('legremoved', { callId: rec.id, legId: leg.id });
  }

  legWithAnswers(rec: CallRecord, leg: LegRecord, answers: ReadonlyMap<MediaKind, string>): object {
    const view = legView(rec, leg, rec.transports) as { streams: { kind: MediaKind }[] };
    return { ...view, streams: view.streams.map((s) => (answers.has(s.kind) ? { ...s, crypto: answers.get(s.kind) } : s)) };
  }

  findCall(callId: string): CallRecord | undefined {
    return this.calls.get(callId);
  }

  mustCall(callId: string): CallRecord {
    const rec = this.calls.get(callId);
    if (rec === undefined) throw new ApiError('API_ERR_UNKNOWN_CALL', { field: 'callId' });
    return rec;
  }

  mustLeg(rec: CallRecord, legId: string): LegRecord {
    const leg = rec.legs.get(legId);
    if (leg === undefined) throw new ApiError('API_ERR_UNKNOWN_LEG', { field: 'legId' });
    return leg;
  }

  assertLive(rec: CallRecord): void {
    this.assertOpen();
    if (rec.closed) throw new ApiError('API_ERR_UNKNOWN_CALL', { field: 'callId' });
  }

  // ── events from the relay ──────────────────────────────────────────────────

  private onLatch(e: LatchEvent): void {
    const owner = this.calls.get(e.callId)?.relayLegs.get(e.legId);
    if (owner === undefined) return;
    const where = owner.type === 'leg' ? { legId: owner.legId, stream: owner.stream } : { resourceId: owner.resourceId };
    this.logger.info({ callId: e.callId, ...where, rtcp: e.rtcp, address: e.address, port: e.port }, 'latched');
    this.events.publish('latch', { callId: e.callId, ...where, rtcp: e.rtcp, address: e.address, port: e.port });
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────

  private async closeCall(callId: string, reason: 'deleted' | 'shutdown' | 'worker_died'): Promise<void> {
    const rec = this.calls.get(callId);
    if (rec === undefined || rec.closed) return;
    rec.closed = true;
    this.calls.delete(callId);
    // The relay closes every socket, context and reservation of the call; we wipe what we hold.
    for (const leg of rec.legs.values()) wipeLegSecrets(rec, leg);
    rec.model.close();
    try {
      await rec.relay.close();
    } finally {
      this.keys.releaseCall(callId);
      this.totals.callsClosed += 1;
      this.logger.info({ callId, reason }, 'call closed');
      this.events.publish('callclosed', { callId, reason });
    }
  }

  /** Close every call (keys wiped), then the relay and the key manager. Idempotent. */
  close(): Promise<void> {
    if (this.closing === null) {
      this.closing = (async () => {
        this.keyLimits.close();
        await Promise.all([...this.calls.values()].map((rec) => rec.exclusive(() => this.closeCall(rec.id, 'shutdown')).catch(() => undefined)));
        await this.relay.close();
        this.keys.close();
      })();
    }
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing !== null) throw new ApiError('API_ERR_SHUTTING_DOWN');
  }

  private view(rec: CallRecord): object {
    return callView(rec, rec.model.report, rec.transports);
  }
}
