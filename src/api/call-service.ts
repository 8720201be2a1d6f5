/**
 * The service layer behind the routes: owns the key manager, the media relay and the call
 * records; runs each operation as validate → create what is needed → commit to the call model
 * → re-plumb the relay from the new media plan. Operations of one call run one at a time.
 *
 * Re-plumbing only re-pairs existing relay legs (and opens a leg's RTP relay leg the first time
 * policy `rtp` needs it): SRTP contexts are never recreated, so ROC and replay state survive
 * every hold, transcoder, MTP and transfer.
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import {
  Call, defineDevice, hold as holdOp, insertMtp as insertMtpOp, insertTranscoder as insertTranscoderOp, planMedia, transfer as transferOp, forward as forwardOp,
  type ClusterConfig, type DeviceSpec, type FallbackPolicy, type MediaKind, type SecurityReport, type TransitionKind, type TransitionResult,
} from '../call';
import { formatCryptoAttribute, type KeyManager } from '../keys';
import type { LatchEvent, MediaRelay, RemoteEndpoint } from '../relay';
import { CallRecord, type LegRecord, type ResourceRecord, type StreamMedia } from './call-record';
import { ApiError, withField } from './errors';
import type { EventHub } from './event-hub';
import { openRtpRelayLeg, openSrtpRelayLeg, prepareLeg, retireLeg, validateLeg, type LegRequest } from './leg-setup';
import { planPairs } from './media-plumbing';
import { parseEndpointSdp, writeSdpFor, type SdpTarget } from './sdp-rewrite';
import { callView, legView } from './views';

export interface CallServiceOptions {
  readonly keys: KeyManager;
  readonly relay: MediaRelay;
  readonly cluster: ClusterConfig;
  readonly events: EventHub;
  readonly logger: Logger;
  /** Address written into SDP (default: the relay's bind address). */
  readonly advertiseAddress?: string;
  /** How often key usage is compared with key lifetimes; 0 turns `keyexpiring` off. Default 1000 ms. */
  readonly keyWatchIntervalMs?: number;
}

export interface OperationResult {
  readonly call: object;
  readonly security: SecurityReport;
  readonly resource?: object;
  readonly leg?: object;
}

export interface InsertRequest {
  readonly id: string;
  readonly leg: string;
  readonly stream?: MediaKind;
  readonly device?: DeviceSpec;
  readonly remotes: { readonly leg: RemoteEndpoint; readonly peer: RemoteEndpoint };
}

export interface HoldRequest {
  readonly leg: string;
  readonly moh?: { readonly id: string; readonly device?: DeviceSpec; readonly remote: RemoteEndpoint };
}

export class CallService {
  private readonly calls = new Map<string, CallRecord>();
  private readonly keys: KeyManager;
  readonly relay: MediaRelay;
  private readonly cluster: ClusterConfig;
  private readonly events: EventHub;
  private readonly logger: Logger;
  private readonly advertiseAddress: string;
  private readonly keyWatch: NodeJS.Timeout | null;
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
    this.relay.on('latch', (e) => this.onLatch(e));
    this.relay.on('workerDied', (e) => {
      for (const id of e.callIds) void this.closeCall(id, 'worker_died').catch(() => undefined);
    });
    const interval = options.keyWatchIntervalMs ?? 1000;
    this.keyWatch = interval > 0 ? setInterval(() => this.checkKeyUsage(), interval) : null;
    this.keyWatch?.unref();
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
    const relayCall = await this.relay.createCall(id);
    const rec = new CallRecord(model, relayCall);
    this.calls.set(id, rec);
    model.on('securitychange', (e) => {
      this.totals.securityChanges[e.status] += 1;
      this.events.publish('securitychange', { callId: e.callId, previousStatus: e.previousStatus, status: e.status, reasons: e.reasons, report: e.report });
    });
    this.totals.callsCreated += 1;
    this.logger.info({ callId: id, policy: model.state.policy }, 'call created');
    this.events.publish('callcreated', { callId: id, policy: model.state.policy });
    return this.view(rec);
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
      if (rec.model.state.legs.length >= 2) throw new ApiError('API_ERR_MULTIPARTY_UNSUPPORTED', { field: 'id' });
      const prepared = await prepareLeg(this.keys, rec, req, v);
      try {
        await rec.model.addLeg(prepared.spec);
      } catch (err) {
        retireLeg(rec, prepared.record);
        throw err;
      }
      rec.legs.set(req.id, prepared.record);
      await this.replumb(rec);
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
      for (const s of streams) await this.setRemote(rec, leg.streams.get(s.kind) as StreamMedia, s.remote);
      this.events.publish('legupdated', { callId, legId });
      return legView(rec, leg, rec.transports);
    });
  }

  removeLeg(callId: string, legId: string): Promise<OperationResult> {
    return this.operate(callId, async (rec) => {
      const leg = this.mustLeg(rec, legId);
      await rec.model.removeLeg(legId);
      this.dropLeg(rec, leg);
    });
  }

  /** Key delivery for a managed leg: the endpoint's send and receive sets as a=crypto lines. */
  legKeys(callId: string, legId: string): object {
    const rec = this.mustCall(callId);
    const leg = this.mustLeg(rec, legId);
    if (leg.keyLegId === null) throw new ApiError('API_ERR_NO_KEYS', { field: 'legId' });
    const streams = this.keys.endpointKeys(rec.id, 'A', leg.keyLegId);
    return {
      leg: leg.id,
      streams: streams.map((k) => ({ kind: k.stream, suite: k.profile.name, send: formatCryptoAttribute(1, k.send), receive: formatCryptoAttribute(1, k.receive) })),
    };
  }

  // ── SDP ────────────────────────────────────────────────────────────────────

  processSdp(callId: string, legId: string, req: { type: 'offer' | 'answer'; sdp: string; to?: string }): Promise<object> {
    const rec = this.mustCall(callId);
    return rec.exclusive(async () => {
      this.assertLive(rec);
      const leg = this.mustLeg(rec, legId);
      const others = [...rec.legs.values()].filter((l) => l.id !== legId);
      const other = req.to !== undefined ? rec.legs.get(req.to) : others.length === 1 ? others[0] : undefined;
      if (other === undefined || other.id === legId) throw new ApiError('API_ERR_NO_PEER_LEG', { field: 'to' });
      const parsed = parseEndpointSdp(req.sdp);
      // Validate everything before changing anything.
      for (const m of parsed.media) {
        const own = leg.streams.get(m.kind);
        if (own === undefined) throw new ApiError('API_ERR_UNKNOWN_STREAM', { field: 'sdp', detail: `leg ${legId} has no ${m.kind} stream` });
        const theirs = other.streams.get(m.kind);
        if (theirs === undefined) throw new ApiError('API_ERR_UNKNOWN_STREAM', { field: 'to', detail: `leg ${other.id} has no ${m.kind} stream` });
        if (leg.keying === 'sdes' && own.srtpRelayLeg === null) {
          if (req.type === 'answer') throw new ApiError('API_ERR_NO_PENDING_OFFER', { field: 'type' });
          if (m.crypto.length === 0) throw new ApiError('API_ERR_MISSING_CRYPTO', { field: 'sdp', detail: `${m.kind} m-line` });
        }
        if (other.keying === 'sdes' && theirs.srtpRelayLeg === null) throw new ApiError('API_ERR_SDES_PENDING', { field: 'to' });
      }
      // This side: SDES answer for a first offer, remote address for every stream.
      for (const m of parsed.media) {
        const own = leg.streams.get(m.kind) as StreamMedia;
        if (leg.keying === 'sdes' && own.srtpRelayLeg === null) {
          const answer = withField('sdp', () => this.keys.sdesAnswer(m.crypto));
          own.remote = m.remote;
          try {
            await openSrtpRelayLeg(rec, leg, own, answer.receive, answer.send);
          } catch (err) {
            answer.send.release();
            throw err;
          } finally {
            answer.receive.release();
          }
          own.sdesSend = { tag: answer.tag, set: answer.send };
        } else if (m.remote !== null) {
          await this.setRemote(rec, own, m.remote);
        }
        if (req.type === 'offer' && m.firstCryptoTag !== null) own.offerTag = m.firstCryptoTag;
      }
      await this.replumb(rec);
      // The other side: relay address and ports, its transport and its a=crypto line.
      const targets = new Map<number, SdpTarget>();
      for (const m of parsed.media) {
        const theirs = other.streams.get(m.kind) as StreamMedia;
        const relayLeg = theirs.active ?? theirs.srtpRelayLeg ?? theirs.rtpRelayLeg;
        const local = relayLeg === null ? undefined : rec.locals.get(relayLeg);
        if (relayLeg === null || local === undefined) continue;
        const srtp = relayLeg === theirs.srtpRelayLeg;
        targets.set(m.index, { address: this.advertiseAddress, rtpPort: local.rtpPort, rtcpPort: local.rtcpPort, rtcpMux: theirs.rtcpMux, srtp, crypto: srtp ? this.cryptoLineFor(rec, other, theirs) : null });
      }
      this.events.publish('legupdated', { callId, legId });
      return { type: req.type, for: other.id, sdp: writeSdpFor(parsed, targets, this.advertiseAddress) };
    });
  }

  /** Our a=crypto line toward an endpoint: SDES, the relay's send set; managed, the endpoint's receive set. */
  private cryptoLineFor(rec: CallRecord, leg: LegRecord, media: StreamMedia): string | null {
    if (media.sdesSend !== null) return formatCryptoAttribute(media.sdesSend.tag, media.sdesSend.set);
    if (leg.keyLegId !== null) {
      const k = this.keys.endpointKeys(rec.id, 'A', leg.keyLegId).find((s) => s.stream === media.kind);
      if (k !== undefined) return formatCryptoAttribute(media.offerTag ?? 1, k.receive);
    }
    return null;
  }

  // ── fallback operations ────────────────────────────────────────────────────

  hold(callId: string, req: HoldRequest): Promise<OperationResult> {
    return this.operate(callId, async (rec) => {
      const moh = req.moh;
      if (moh === undefined) {
        await rec.model.hold({ holdingLegId: req.leg });
        return undefined;
      }
      const device = withField('moh.device', () => defineDevice(moh.device ?? { id: moh.id, kind: 'moh_server' }));
      this.checkRemote(moh.remote, 'moh.remote.address');
      holdOp(rec.model.state, this.cluster, { holdingLegId: req.leg, moh: { id: moh.id, device } });
      const r = await this.openResource(rec, moh.id, 'moh_server', null, 'audio', { moh: moh.remote });
      try {
        await rec.model.hold({ holdingLegId: req.leg, moh: { id: moh.id, device } });
      } catch (err) {
        this.dropResource(rec, r.id);
        throw err;
      }
      return this.resourceView(rec, r);
    });
  }

  resume(callId: string): Promise<OperationResult> {
    return this.operate(callId, async (rec) => {
      const mohId = rec.model.state.hold?.mohResourceId ?? null;
      await rec.model.resume();
      if (mohId !== null) this.dropResource(rec, mohId);
    });
  }

  insertTranscoder(callId: string, req: InsertRequest): Promise<OperationResult> {
    return this.insert(callId, req, 'transcoder');
  }

  insertMtp(callId: string, req: InsertRequest): Promise<OperationResult> {
    return this.insert(callId, req, 'mtp');
  }

  removeTranscoder(callId: string, resourceId: string): Promise<OperationResult> {
    return this.operate(callId, async (rec) => {
      await rec.model.removeTranscoder(resourceId);
      this.dropResource(rec, resourceId);
    });
  }

  removeMtp(callId: string, resourceId: string): Promise<OperationResult> {
    return this.operate(callId, async (rec) => {
      await rec.model.removeMtp(resourceId);
      this.dropResource(rec, resourceId);
    });
  }

  private insert(callId: string, req: InsertRequest, kind: 'transcoder' | 'mtp'): Promise<OperationResult> {
    return this.operate(callId, async (rec) => {
      const device = withField('device', () => defineDevice(req.device ?? { id: req.id, kind }));
      this.checkRemote(req.remotes.leg, 'remotes.leg.address');
      this.checkRemote(req.remotes.peer, 'remotes.peer.address');
      const options = { id: req.id, device, legId: req.leg, ...(req.stream !== undefined ? { stream: req.stream } : {}) };
      (kind === 'transcoder' ? insertTranscoderOp : insertMtpOp)(rec.model.state, this.cluster, options);
      const r = await this.openResource(rec, req.id, kind, req.leg, req.stream ?? 'audio', { near: req.remotes.leg, far: req.remotes.peer });
      try {
        if (kind === 'transcoder') await rec.model.insertTranscoder(options);
        else await rec.model.insertMtp(options);
      } catch (err) {
        this.dropResource(rec, r.id);
        throw err;
      }
      return this.resourceView(rec, r);
    });
  }

  transfer(callId: string, req: { from: string; to: LegRequest; kind?: 'transfer' | 'forward' }): Promise<OperationResult> {
    return this.operate(callId, async (rec) => {
      const old = this.mustLeg(rec, req.from);
      const v = validateLeg(req.to, 'to.');
      if (req.to.id !== req.from && rec.legs.has(req.to.id)) throw new ApiError('API_ERR_BAD_REQUEST', { field: 'to.id', detail: `leg ${req.to.id} exists` });
      const op = req.kind === 'forward' ? forwardOp : transferOp;
      op(rec.model.state, this.cluster, { fromLegId: req.from, to: v.spec });
      const prepared = await prepareLeg(this.keys, rec, req.to, v, 'to.');
      try {
        if (req.kind === 'forward') await rec.model.forward({ fromLegId: req.from, to: v.spec });
        else await rec.model.transfer({ fromLegId: req.from, to: v.spec });
      } catch (err) {
        retireLeg(rec, prepared.record);
        throw err;
      }
      this.dropLeg(rec, old);
      rec.legs.set(req.to.id, prepared.record);
      this.events.publish('legadded', { callId, legId: req.to.id, keying: req.to.keying });
      return prepared;
    }, (rec, extra) => {
      const prepared = extra as { record: LegRecord; answers: ReadonlyMap<MediaKind, string> };
      return { leg: this.legWithAnswers(rec, prepared.record, prepared.answers) };
    });
  }

  // ── plumbing ───────────────────────────────────────────────────────────────

  /** Validate, mutate, re-plumb, and answer with the call and its security. */
  private operate(callId: string, fn: (rec: CallRecord) => Promise<object | undefined | void>, shape?: (rec: CallRecord, extra: object | undefined) => object): Promise<OperationResult> {
    const rec = this.mustCall(callId);
    return rec.exclusive(async () => {
      this.assertLive(rec);
      const extra = (await fn(rec)) ?? undefined;
      // Resources the model dropped with a leg or hold (e.g. removeLeg of the holding leg).
      for (const id of [...rec.resources.keys()]) if (!rec.model.state.resources.some((r) => r.id === id)) this.dropResource(rec, id);
      await this.replumb(rec);
      const shaped = shape !== undefined ? shape(rec, extra) : extra === undefined ? {} : { resource: extra };
      return { call: this.view(rec), security: rec.model.report, ...shaped };
    });
  }

  private async replumb(rec: CallRecord): Promise<void> {
    const state = rec.model.state;
    const plan = planMedia(state, this.cluster);
    // Open a leg's RTP relay leg the first time the plan drops it to RTP (policy `rtp`).
    for (const stream of plan.streams) {
      for (const seg of stream.segments) {
        if (seg.endpoint !== 'leg' || seg.transport !== 'rtp') continue;
        const leg = rec.legs.get(seg.id);
        const media = leg?.streams.get(stream.kind);
        if (leg !== undefined && media !== undefined && media.rtpRelayLeg === null) await openRtpRelayLeg(rec, leg, media);
      }
    }
    const plumbing = planPairs(state, plan, {
      legEnd: (legId, kind, transport) => {
        const m = rec.legs.get(legId)?.streams.get(kind);
        return m === undefined ? null : transport === 'srtp' ? m.srtpRelayLeg : m.rtpRelayLeg;
      },
      resource: (id) => rec.resources.get(id),
    });
    const desired = new Map<string, string>();
    for (const [a, b] of plumbing.pairs) {
      desired.set(a, b);
      desired.set(b, a);
    }
    for (const [a, b] of plumbing.pairs) {
      if (rec.relay.leg(a)?.peerId !== b || rec.relay.leg(b)?.peerId !== a) await rec.relay.connect(a, b);
    }
    for (const id of rec.relayLegs.keys()) {
      const peer = rec.relay.leg(id)?.peerId ?? null;
      if (peer !== null && desired.get(id) !== peer) await rec.relay.disconnect(id);
    }
    rec.transports = plumbing.transports;
    for (const leg of rec.legs.values()) {
      for (const m of leg.streams.values()) {
        const key = `${leg.id}/${m.kind}`;
        const next = plumbing.active.get(key) ?? m.active;
        if (next === m.active) continue;
        const moved = m.active !== null && next !== null;
        m.active = next;
        if (moved) {
          const transport = plumbing.transports.get(key) ?? 'rtp';
          this.events.publish('legmedia', { callId: rec.id, legId: leg.id, stream: m.kind, transport, local: next === null ? null : rec.locals.get(next) ?? null });
        }
      }
    }
  }

  private async openResource(rec: CallRecord, id: string, kind: ResourceRecord['kind'], legId: string | null, stream: MediaKind, remotes: Partial<Record<'moh' | 'near' | 'far', RemoteEndpoint>>): Promise<ResourceRecord> {
    const relayLegs: Partial<Record<'moh' | 'near' | 'far', string>> = {};
    const r: ResourceRecord = { id, kind, legId, stream, relayLegs };
    try {
      for (const [role, remote] of Object.entries(remotes) as ['moh' | 'near' | 'far', RemoteEndpoint][]) {
        const relayId = rec.nextId(`${id}.${role}`);
        // Media resources are plain RTP (seed 003): only the signaled address is accepted.
        const local = await rec.relay.addLeg({ id: relayId, remote, latching: 'strict' });
        rec.relayLegs.set(relayId, { type: 'resource', resourceId: id, role });
        rec.locals.set(relayId, local);
        relayLegs[role] = relayId;
      }
    } catch (err) {
      for (const relayId of Object.values(relayLegs)) rec.retired.add(relayId);
      throw err;
    }
    rec.resources.set(id, r);
    this.events.publish('resourceadded', { callId: rec.id, resourceId: id, kind });
    return r;
  }

  private dropResource(rec: CallRecord, id: string): void {
    const r = rec.resources.get(id);
    if (r === undefined) return;
    for (const relayId of Object.values(r.relayLegs)) rec.retired.add(relayId);
    rec.resources.delete(id);
    this.events.publish('resourceremoved', { callId: rec.id, resourceId: id });
  }

  private dropLeg(rec: CallRecord, leg: LegRecord): void {
    retireLeg(rec, leg);
    rec.legs.delete(leg.id);
    this.events.publish('legremoved', { callId: rec.id, legId: leg.id });
  }

  private resourceView(rec: CallRecord, r: ResourceRecord): object {
    return { id: r.id, kind: r.kind, leg: r.legId, stream: r.stream, local: Object.fromEntries(Object.entries(r.relayLegs).map(([role, id]) => [role, rec.locals.get(id) ?? null])) };
  }

  private async setRemote(rec: CallRecord, media: StreamMedia, remote: RemoteEndpoint): Promise<void> {
    media.remote = remote;
    for (const id of [media.srtpRelayLeg, media.rtpRelayLeg]) if (id !== null) await rec.relay.setRemote(id, remote);
  }

  private legWithAnswers(rec: CallRecord, leg: LegRecord, answers: ReadonlyMap<MediaKind, string>): object {
    const view = legView(rec, leg, rec.transports) as { streams: { kind: MediaKind }[] };
    return { ...view, streams: view.streams.map((s) => (answers.has(s.kind) ? { ...s, crypto: answers.get(s.kind) } : s)) };
  }

  private view(rec: CallRecord): object {
    return callView(rec, rec.model.report, rec.transports);
  }

  // ── events from the relay ──────────────────────────────────────────────────

  private onLatch(e: LatchEvent): void {
    const owner = this.calls.get(e.callId)?.relayLegs.get(e.legId);
    if (owner === undefined) return;
    const where = owner.type === 'leg' ? { legId: owner.legId, stream: owner.stream } : { resourceId: owner.resourceId };
    this.logger.info({ callId: e.callId, ...where, rtcp: e.rtcp, address: e.address, port: e.port }, 'latched');
    this.events.publish('latch', { callId: e.callId, ...where, rtcp: e.rtcp, address: e.address, port: e.port });
  }

  /**
   * `keyexpiring`: the relay does not forward the engine's `keysoftlimit` yet, so usage is
   * estimated from the SRTP relay leg's counters (packets protected out, packets authenticated
   * in) and compared with the key lifetime, with the engine's margin (min(2^16, lifetime/8)).
   */
  private checkKeyUsage(): void {
    for (const rec of this.calls.values()) {
      for (const leg of rec.legs.values()) {
        for (const m of leg.streams.values()) {
          if (m.srtpRelayLeg === null) continue;
          const c = rec.relay.leg(m.srtpRelayLeg)?.counterValues();
          if (c === undefined) continue;
          const usage = {
            outbound: c.packetsOut,
            inbound: c.packetsIn - c.authFailures - c.replays - c.tooOld - c.malformed - c.unknownMki - c.keyExpired - c.droppedBySource,
          };
          for (const direction of ['inbound', 'outbound'] as const) {
            const lifetime = m.lifetimes[direction];
            if (lifetime === null) continue;
            const margin = Math.min(2 ** 16, Math.floor(lifetime / 8));
            const key = `${m.srtpRelayLeg}/${direction}`;
            if (usage[direction] >= lifetime - margin && !rec.expiringSent.has(key)) {
              rec.expiringSent.add(key);
              this.events.publish('keyexpiring', { callId: rec.id, legId: leg.id, stream: m.kind, direction, used: usage[direction], lifetime });
            }
          }
        }
      }
    }
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────

  private async closeCall(callId: string, reason: 'deleted' | 'shutdown' | 'worker_died'): Promise<void> {
    const rec = this.calls.get(callId);
    if (rec === undefined || rec.closed) return;
    rec.closed = true;
    this.calls.delete(callId);
    for (const leg of rec.legs.values()) retireLeg(rec, leg);
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
        if (this.keyWatch !== null) clearInterval(this.keyWatch);
        await Promise.all([...this.calls.values()].map((rec) => rec.exclusive(() => this.closeCall(rec.id, 'shutdown')).catch(() => undefined)));
        await this.relay.close();
        this.keys.close();
      })();
    }
    return this.closing;
  }

  private checkRemote(remote: RemoteEndpoint, field: string): void {
    if (isIP(remote.address) === 0) throw new ApiError('API_ERR_BAD_REQUEST', { field, detail: 'not an IP address' });
  }

  private assertOpen(): void {
    if (this.closing !== null) throw new ApiError('API_ERR_SHUTTING_DOWN');
  }

  private assertLive(rec: CallRecord): void {
    this.assertOpen();
    if (rec.closed) throw new ApiError('API_ERR_UNKNOWN_CALL', { field: 'callId' });
  }

  private mustCall(callId: string): CallRecord {
    const rec = this.calls.get(callId);
    if (rec === undefined) throw new ApiError('API_ERR_UNKNOWN_CALL', { field: 'callId' });
    return rec;
  }

  private mustLeg(rec: CallRecord, legId: string): LegRecord {
    const leg = rec.legs.get(legId);
    if (leg === undefined) throw new ApiError('API_ERR_UNKNOWN_LEG', { field: 'legId' });
    return leg;
  }
}

export type { TransitionResult };
