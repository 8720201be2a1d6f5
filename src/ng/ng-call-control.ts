/**
 * ng's call control on `src/control`'s CallController: the second front end on the same call
 * sessions as the REST API (docs/ng.md, "Call control"). An ng call is the controller's call
 * with id = the SIP call-id, so it shows in `GET /v1/calls/{call-id}` and `/v1/events`.
 *
 * Legs: the first offer creates the call, the offerer's leg (`caller`, the from-tag) and the
 * recipient's (`callee`, whose to-tag comes with the answer). `transport-protocol` names the
 * protocol toward the recipient (rtpengine's meaning): an SRTP recipient of an SDES offer gets
 * the offerer's own keys (verified passthrough, `passesKeysOn`), else the relay's own SDES offer
 * (fresh keys, suites in policy order minus `SDES-no-`, only `SDES-only-`); a plain one gets
 * RTP/AVP. An SDES offer toward a plain recipient is answered by the relay, so the answer toward
 * an SRTP offerer is SRTP whatever the recipient chose. Every step goes through the controller's
 * own operations (addLeg, processSdp, deleteCall), so validation, keys and events are theirs.
 */
import type { ParsedSdp, SdpMedia } from '../control';
import { parseEndpointSdp, type CallController, type LegRequest, type StreamRequest } from '../control';
import type { NgDict } from './bencode';
import type { NgCallControl, NgCallInfo, NgDeleteResult, NgSdpResult } from './call-control';
import { callInfo } from './call-info';
import { NgError, NgErrorCode } from './errors';
import type { NgAnswerRequest, NgDeleteRequest, NgListRequest, NgMediaRequest, NgOfferRequest, NgQueryRequest } from './requests';
import { hasSideHints, sideHints, type NgSide } from './side-hints';
import { suitesToOffer } from './suite-selection';
import { ngWebrtcPlan } from './webrtc-options';

export const CALLER_LEG = 'caller';
export const CALLEE_LEG = 'callee';

export interface NgCallControlOptions {
  /** Refuse new calls beyond this many live calls (`load limit`). Default: no limit. */
  readonly maxCalls?: number;
  /** UNIX seconds (tests pin it). */
  readonly now?: () => number;
}

/** What ng adds to a call it created: tags, times, which sides the proxy described. */
interface NgCallRecord {
  readonly created: number;
  lastSignal: number;
  readonly fromTag: string;
  toTag: string | undefined;
  /** The leg whose offer waits for an answer. */
  offerer: string | null;
  readonly untold: string[];
}

/** Security flags after the offer that created the call: the legs' devices are already set. */
function lateHints(req: NgMediaRequest): string[] {
  return hasSideHints(req.params, 'from') || hasSideHints(req.params, 'to')
    ? ['security flags are read from the offer that creates the call; ignored here']
    : [];
}

/**
 * Verified passthrough, rtpengine's default for SDES on both sides: the recipient is offered the
 * offerer's own keys unless the proxy asks for new ones — the `recrypt` flag, or SDES suite
 * selection (`SDES-no-`/`SDES-only-`) that removes a suite the offerer offered (then the relay
 * offers its own suites as selected). Streams where either side is plain are unaffected
 * (sdp-exchange.ts passes keys on only between two SDES legs without keys).
 */
function passesKeysOn(req: NgOfferRequest, media: readonly SdpMedia[], suites: readonly string[]): boolean {
  if (req.flags.includes('recrypt')) return false;
  return media.every((m) => m.crypto.every((line) => {
    const suite = /^(?:a=)?crypto:\d+\s+(\S+)/.exec(line)?.[1];
    return suite === undefined || suites.includes(suite);
  }));
}

export class ControllerNgCallControl implements NgCallControl {
  readonly #calls = new Map<string, NgCallRecord>();
  /** One ng command at a time per call-id (an offer's steps must not interleave with a retry's). */
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #now: () => number;
  readonly #maxCalls: number;

  constructor(
    private readonly controller: CallController,
    options: NgCallControlOptions = {},
  ) {
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.#maxCalls = options.maxCalls ?? Number.POSITIVE_INFINITY;
    // A call ended anywhere (REST delete, shutdown, dead worker) is forgotten here too.
    controller.on('callclosed', (e) => this.#calls.delete(e.callId));
  }

  offer(req: NgOfferRequest): Promise<NgSdpResult> {
    return this.#serial(req.callId, () => this.#offer(req));
  }

  answer(req: NgAnswerRequest): Promise<NgSdpResult> {
    return this.#serial(req.callId, () => this.#answer(req));
  }

  delete(req: NgDeleteRequest): Promise<NgDeleteResult> {
    return this.#serial(req.callId, async () => {
      if (this.controller.findSession(req.callId) === undefined) return { found: false };
      const call = this.#info(req.callId);
      // Kamailio's BYE sends call-id + from-tag: the whole call ends. A two-party call without
      // one of its sides is no call, so a to-tag delete ends it too.
      await this.controller.deleteCall(req.callId);
      const warnings = req.deleteDelay !== undefined && req.deleteDelay > 0 ? [`delete delay ${req.deleteDelay} s not supported: deleted now`] : [];
      return { found: true, call, warnings };
    });
  }

  async query(req: NgQueryRequest): Promise<NgCallInfo | null> {
    if (this.controller.findSession(req.callId) === undefined) return null;
    return this.#info(req.callId);
  }

  async list(req: NgListRequest): Promise<readonly string[]> {
    return this.controller.sessions().slice(0, req.limit).map((s) => s.id);
  }

  async statistics(): Promise<NgDict> {
    const live = this.controller.callCount();
    const t = this.controller.totals;
    return {
      currentstatistics: { sessionsown: live, sessionsforeign: 0, sessionstotal: live },
      totalstatistics: { managedsessions: t.callsCreated, closedsessions: t.callsClosed },
    };
  }

  async #offer(req: NgOfferRequest): Promise<NgSdpResult> {
    const parsed = parseEndpointSdp(req.sdp);
    const suites = suitesToOffer(this.controller.keys.policy.preference.map((p) => p.name), req.sdes);
    const record = this.#calls.get(req.callId);
    if (record === undefined) return this.#newCall(req, parsed, suites);
    const from = this.#legOfTag(record, req.fromTag);
    const to = from === CALLER_LEG ? CALLEE_LEG : CALLER_LEG;
    const result = await this.controller.processSdp(req.callId, from, { type: 'offer', sdp: req.sdp, to, offerSuites: suites, offerPeerKeys: passesKeysOn(req, parsed.media, suites) }, parsed);
    record.offerer = from;
    record.lastSignal = this.#now();
    return { sdp: result.sdp, warnings: lateHints(req) };
  }

  async #newCall(req: NgOfferRequest, parsed: ParsedSdp, suites: readonly string[]): Promise<NgSdpResult> {
    const media = parsed.media;
    if (this.controller.findSession(req.callId) !== undefined) {
      throw new NgError(NgErrorCode.BadValue, `call-id "${req.callId}" belongs to a call made through the REST API`);
    }
    if (this.controller.callCount() >= this.#maxCalls) throw new NgError(NgErrorCode.LoadLimit, 'the relay is at its call limit');
    const audio = media.find((m) => m.kind === 'audio' && !m.declined);
    const webrtc = ngWebrtcPlan(req, audio?.protocol ?? '');
    if (webrtc.offererWebrtc && webrtc.recipientWebrtc) {
      throw new NgError(NgErrorCode.BadValue, 'WebRTC to WebRTC over ng is not supported: one side must be a SIP (SDES or RTP) endpoint');
    }
    // A WebRTC leg carries one audio stream: only that m-line goes on.
    const carried = (webrtc.offererWebrtc || webrtc.recipientWebrtc) && audio !== undefined ? [audio] : media;
    const caller = webrtc.offererWebrtc ? this.#webrtcLegRequest(req, webrtc.setup) : this.#legRequest(req, 'from', CALLER_LEG, carried, null);
    const callee = webrtc.recipientWebrtc ? this.#webrtcRecipientLeg(req) : this.#legRequest(req, 'to', CALLEE_LEG, carried, this.#recipientSrtp(req, webrtc.offererWebrtc));
    await this.controller.createCall({ id: req.callId });
    try {
      await this.controller.addLeg(req.callId, caller.leg);
      await this.controller.addLeg(req.callId, callee.leg);
      const result = await this.controller.processSdp(req.callId, CALLER_LEG, { type: 'offer', sdp: req.sdp, to: CALLEE_LEG, offerSuites: suites, offerPeerKeys: passesKeysOn(req, media, suites) }, parsed);
      const now = this.#now();
      const untold = [caller, callee].filter((l) => !l.told).map((l) => l.leg.id);
      this.#calls.set(req.callId, { created: now, lastSignal: now, fromTag: req.fromTag, toTag: req.toTag, offerer: CALLER_LEG, untold });
      return { sdp: result.sdp };
    } catch (err) {
      // A refused offer leaves nothing behind.
      await this.controller.closeCall(req.callId, 'deleted');
      throw err;
    }
  }

  async #answer(req: NgAnswerRequest): Promise<NgSdpResult> {
    const record = this.#calls.get(req.callId);
    if (record === undefined) throw new NgError(NgErrorCode.UnknownCall, `unknown call-id "${req.callId}"`);
    if (record.toTag === undefined && req.fromTag === record.fromTag) record.toTag = req.toTag;
    // The answer comes from the side that did not offer (its tag is the to-tag of a caller's
    // offer, the from-tag of a re-INVITE's... both map to the leg opposite the offerer).
    const offerer = record.offerer;
    if (offerer === null) throw new NgError(NgErrorCode.BadValue, 'no offer is waiting for an answer');
    const answerer = offerer === CALLER_LEG ? CALLEE_LEG : CALLER_LEG;
    const result = await this.controller.processSdp(req.callId, answerer, { type: 'answer', sdp: req.sdp, to: offerer });
    record.offerer = null;
    record.lastSignal = this.#now();
    return { sdp: result.sdp, warnings: lateHints(req) };
  }

  /** The leg of a known tag; an offer from an unknown tag on a live call is refused. */
  #legOfTag(record: NgCallRecord, tag: string): string {
    if (tag === record.fromTag) return CALLER_LEG;
    if (tag === record.toTag) return CALLEE_LEG;
    throw new NgError(NgErrorCode.BadValue, `from-tag "${tag}" is not a side of this call (a third party joins through the REST API's conference operations)`);
  }

  /**
   * SRTP toward the recipient: `transport-protocol` when given, else as offered. A WebRTC offer
   * toward a SIP recipient without `transport-protocol` gets SDES (RTP/SAVP) unless `SDES=off`:
   * the relay does not pass WebRTC through, and SRTP is the secure default.
   */
  #recipientSrtp(req: NgMediaRequest, offererWebrtc: boolean): boolean | null {
    const p = req.transportProtocol;
    if (p === undefined || p === 'accept') return req.sdes.off ? false : offererWebrtc ? true : null;
    return p.includes('SAVP') && !req.sdes.off;
  }

  /**
   * A WebRTC recipient's leg (the `WebRTC` flag): keying `dtls` without an offer, so the relay
   * offers to it (actpass, ICE-lite, its fingerprint; docs/webrtc.md) and its answer opens it.
   */
  #webrtcRecipientLeg(req: NgOfferRequest): { leg: LegRequest; told: boolean } {
    const hints = sideHints(req.params, 'to', true);
    const leg: LegRequest = {
      id: CALLEE_LEG,
      device: { ...hints.device, id: req.toTag ?? `${req.fromTag}:callee`, srtpCapable: true },
      keying: 'dtls',
      streams: [{ kind: 'audio' }],
      webrtc: {},
    };
    return { leg, told: hints.told };
  }

  /** The WebRTC offerer's leg: keying `dtls` from its offer (ICE-lite + DTLS-SRTP, docs/webrtc.md); the answer waits for the recipient's codecs. */
  #webrtcLegRequest(req: NgOfferRequest, setup: 'passive' | 'active'): { leg: LegRequest; told: boolean } {
    const hints = sideHints(req.params, 'from', true);
    const leg: LegRequest = {
      id: CALLER_LEG,
      device: { ...hints.device, id: req.fromTag, srtpCapable: true },
      keying: 'dtls',
      streams: [{ kind: 'audio' }],
      webrtc: { offer: req.sdp, setup },
    };
    return { leg, told: hints.told };
  }

  /** A leg for one side; `srtp` null: each stream as the offerer's SDP has it. */
  #legRequest(req: NgMediaRequest, side: NgSide, id: string, media: readonly SdpMedia[], srtp: boolean | null): { leg: LegRequest; told: boolean } {
    const offerer = side === 'from';
    const streams: StreamRequest[] = media.map((m) => {
      const protocol = m.protocol;
      if (offerer && protocol.startsWith('UDP/TLS/')) throw new NgError(NgErrorCode.BadValue, `m-line ${m.index + 1}: ${protocol} (DTLS-SRTP) is bridged for the first audio m-line only`);
      const offered = protocol.includes('SAVP') && !protocol.startsWith('UDP/TLS/');
      if (offerer && offered && m.crypto.length === 0) throw new NgError(NgErrorCode.BadValue, `m-line ${m.index + 1}: ${protocol} without a=crypto`);
      const streamSrtp = srtp ?? offered;
      // The offerer's rtcp-mux is accepted (unless `rtcp-mux: reject`); toward the recipient
      // it is offered only when asked (`offer`/`require`): separate RTCP ports always work.
      const rtcpMux = offerer ? m.rtcpMux && !req.rtcpMux.includes('reject') && !req.rtcpMux.includes('demux') : req.rtcpMux.includes('offer') || req.rtcpMux.includes('require');
      return { kind: m.kind, srtp: streamSrtp, rtcpMux, ...(offerer && m.remote !== null ? { remote: m.remote } : {}) };
    });
    const anySrtp = streams.some((s) => s.srtp === true);
    const hints = sideHints(req.params, side, anySrtp);
    const leg: LegRequest = {
      id,
      device: { ...hints.device, id: offerer ? req.fromTag : (req.toTag ?? `${req.fromTag}:callee`), srtpCapable: anySrtp },
      keying: anySrtp ? 'sdes' : 'none',
      streams,
    };
    return { leg, told: hints.told };
  }

  #info(callId: string): NgCallInfo {
    const call = this.controller.getCall(callId);
    const report = this.controller.security(callId);
    const record = this.#calls.get(callId);
    const created = record?.created ?? Math.floor(Date.parse(call.createdAt) / 1000);
    return callInfo(call, report, {
      created,
      lastSignal: record?.lastSignal ?? created,
      tagOf: (legId) => (record === undefined ? undefined : legId === CALLER_LEG ? record.fromTag : legId === CALLEE_LEG ? record.toTag : undefined),
      untold: record?.untold ?? [],
    });
  }

  async #serial<T>(callId: string, run: () => Promise<T>): Promise<T> {
    const before = this.#queues.get(callId) ?? Promise.resolve();
    const mine = before.then(run, run);
    const settled = mine.catch(() => undefined);
    this.#queues.set(callId, settled);
    try {
      return await mine;
    } finally {
      if (this.#queues.get(callId) === settled) this.#queues.delete(callId);
    }
  }
}
