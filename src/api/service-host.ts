/**
 * What the parts of the call service (fallback operations, SDP exchange, key limit watch) need
 * from the service that owns the calls: the shared collaborators, record look-ups, and the one
 * way to run a call operation (validate → create → commit to the model → re-plumb).
 */
import type { Logger } from 'pino';
import type { ClusterConfig, MediaKind, SecurityReport } from '../call';
import type { KeyManager } from '../keys';
import type { CallRecord, LegRecord } from './call-record';
import type { CallPlumbing } from './call-plumbing';
import type { EventHub } from './event-hub';

export interface OperationResult {
  readonly call: object;
  readonly security: SecurityReport;
  readonly resource?: object;
  readonly leg?: object;
}

export type Operation = (rec: CallRecord) => Promise<object | undefined | void>;
export type Shape = (rec: CallRecord, extra: object | undefined) => object;

export interface ServiceHost {
  readonly keys: KeyManager;
  readonly cluster: ClusterConfig;
  readonly events: EventHub;
  readonly logger: Logger;
  readonly plumbing: CallPlumbing;
  /** Address written into SDP. */
  readonly advertiseAddress: string;
  findCall(callId: string): CallRecord | undefined;
  mustCall(callId: string): CallRecord;
  mustLeg(rec: CallRecord, legId: string): LegRecord;
  assertLive(rec: CallRecord): void;
  /** Run `fn` exclusively on the call, drop stale resources, re-plumb, answer with call and security. */
  operate(callId: string, fn: Operation, shape?: Shape): Promise<OperationResult>;
  /** The leg left the call: relay legs closed, keys wiped, `legremoved` published. */
  dropLeg(rec: CallRecord, leg: LegRecord): Promise<void>;
  /** The leg view plus SDES answer lines (secret) for the caller that made the leg. */
  legWithAnswers(rec: CallRecord, leg: LegRecord, answers: ReadonlyMap<MediaKind, string>): object;
}
