import { EventEmitter } from 'node:events';

import { barge, BargeOptions, endBargeTone } from './barge';
import { CallEvents } from './call-events';
import { CallState, CallStateSpec, createCallState, TransitionKind, withPolicy } from './call-state';
import { ClusterConfig } from './cluster';
import { addParticipant, CreateMeetMeOptions, createMeetMe, startConference, StartConferenceOptions } from './conference';
import { CallError } from './errors';
import { FallbackPolicy } from './fallback-policy';
import { hold, HoldOptions, resume } from './hold';
import { LegSpec } from './leg';
import { LegStream } from './media-stream';
import { addLeg, removeLeg, setLegStreams } from './leg-operations';
import { insertMtp, InsertOptions, insertTranscoder, removeMtp, removeTranscoder } from './media-insertion';
import { computeSecurityStatus } from './security-status';
import { reportKey, SecurityReport } from './security-report';
import { forward, transfer, TransferOptions } from './transfer';
import { beginTransition } from './transition';
import { TransitionResult, transitionResult } from './transition-result';

/**
 * One call: owns its immutable state, applies operations through the pure functions of this
 * folder, and emits `securitychange` only when the report actually changes.
 *
 * Lifecycle (mediasoup style): `close()` is idempotent and emits `close` once; every operation
 * after close rejects with CALL_ERR_CLOSED. Operations are async so the relay layer can later
 * await its re-plumbing inside them without changing this surface; today they settle at once.
 * A rejected operation leaves state and report untouched.
 */
export class Call extends EventEmitter<CallEvents> {
  readonly id: string;
  readonly cluster: ClusterConfig;
  #state: CallState;
  #report: SecurityReport;
  #reportKey: string;
  #closed: boolean;

  constructor(state: CallState, cluster: ClusterConfig) {
    super();
    this.id = state.id;
    this.cluster = cluster;
    this.#state = state;
    this.#report = computeSecurityStatus(state, cluster);
    this.#reportKey = reportKey(this.#report);
    this.#closed = false;
  }

  static create(spec: CallStateSpec, cluster: ClusterConfig): Call {
    return new Call(createCallState(spec), cluster);
  }

  /** A meet-me conference call; rejects the initiator below the minimum level (seed 004 Table 2). */
  static createMeetMe(options: CreateMeetMeOptions, cluster: ClusterConfig): Call {
    return new Call(createMeetMe(cluster, options).state, cluster);
  }

  get state(): CallState { return this.#state; }
  get report(): SecurityReport { return this.#report; }
  get closed(): boolean { return this.#closed; }

  async addLeg(spec: LegSpec): Promise<TransitionResult> { return this.#apply((s, c) => addLeg(s, c, spec)); }
  async removeLeg(legId: string): Promise<TransitionResult> { return this.#apply((s, c) => removeLeg(s, c, legId)); }
  async setLegStreams(legId: string, streams: readonly LegStream[]): Promise<TransitionResult> { return this.#apply((s, c) => setLegStreams(s, c, legId, streams)); }
  async beginTransition(kind: TransitionKind): Promise<TransitionResult> { return this.#apply((s, c) => beginTransition(s, c, kind)); }
  async hold(options: HoldOptions): Promise<TransitionResult> { return this.#apply((s, c) => hold(s, c, options)); }
  async resume(): Promise<TransitionResult> { return this.#apply((s, c) => resume(s, c)); }
  async insertTranscoder(options: InsertOptions): Promise<TransitionResult> { return this.#apply((s, c) => insertTranscoder(s, c, options)); }
  async removeTranscoder(resourceId: string): Promise<TransitionResult> { return this.#apply((s, c) => removeTranscoder(s, c, resourceId)); }
  async insertMtp(options: InsertOptions): Promise<TransitionResult> { return this.#apply((s, c) => insertMtp(s, c, options)); }
  async removeMtp(resourceId: string): Promise<TransitionResult> { return this.#apply((s, c) => removeMtp(s, c, resourceId)); }
  async transfer(options: TransferOptions): Promise<TransitionResult> { return this.#apply((s, c) => transfer(s, c, options)); }
  async forward(options: TransferOptions): Promise<TransitionResult> { return this.#apply((s, c) => forward(s, c, options)); }
  async startConference(options: StartConferenceOptions): Promise<TransitionResult> { return this.#apply((s, c) => startConference(s, c, options)); }
  async addParticipant(spec: LegSpec): Promise<TransitionResult> { return this.#apply((s, c) => addParticipant(s, c, spec)); }
  async barge(options: BargeOptions): Promise<TransitionResult> { return this.#apply((s, c) => barge(s, c, options)); }
  async endBargeTone(): Promise<TransitionResult> { return this.#apply((s, c) => endBargeTone(s, c)); }
  async setPolicy(policy: FallbackPolicy): Promise<TransitionResult> {
    return this.#apply((s, c) => transitionResult(withPolicy(s, policy), c));
  }

  /** Idempotent. Legs and resources belong to the state, which is dropped with the call. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.emit('close');
    this.removeAllListeners();
  }

  #apply(op: (state: CallState, cluster: ClusterConfig) => TransitionResult): TransitionResult {
    if (this.#closed) throw new CallError('CALL_ERR_CLOSED', this.id, { callId: this.id });
    const result = op(this.#state, this.cluster);
    const previous = this.#report;
    const report = computeSecurityStatus(result.state, this.cluster);
    const key = reportKey(report);
    this.#state = result.state;
    this.#report = report;
    if (key !== this.#reportKey) {
      this.#reportKey = key;
      this.emit('securitychange', {
        callId: this.id,
        previousStatus: previous.status,
        status: report.status,
        reasons: report.reasons,
        previous,
        report,
      });
    }
    return result;
  }
}
