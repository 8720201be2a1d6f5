import { CallError } from './errors';
import { assertFallbackPolicy, DEFAULT_FALLBACK_POLICY, FallbackPolicy } from './fallback-policy';
import { defineLeg, Leg, LegSpec } from './leg';
import { MediaResource } from './media-resource';
import { SecurityLevel } from './security-level';

/**
 * Seed 002 "Interaction Between Cisco CallManager and the Cisco IP Phone": "When a call is held,
 * forwarded, or transferred, the call status may be temporarily nonsecure or unknown until the
 * call between the parties is established." A pending transition is that window.
 */
export type TransitionKind = 'hold' | 'resume' | 'forward' | 'transfer';

export interface HoldState {
  readonly holdingLegId: string;
  /** The MOH resource playing to the other parties, or null for a hold without MOH. */
  readonly mohResourceId: string | null;
}

export type ConferenceKind = 'adhoc' | 'meetme' | 'barge';

export interface ConferenceState {
  readonly kind: ConferenceKind;
  readonly initiatorLegId: string;
  /** The bridge resource (adhoc, meetme); null for barge, which uses the target phone's built-in bridge. */
  readonly bridgeResourceId: string | null;
  /** Seed 004 Table 2 "Meet Me": callers below this level are rejected. Null outside meet-me. */
  readonly minimumLevel: SecurityLevel | null;
  /** Barge only: the leg whose phone was barged. */
  readonly targetLegId: string | null;
  /**
   * Barge of a SIP call: seed 003 "Barge and encryption" — the system provides tone-on-hold and
   * classifies the call as nonsecure during the tone.
   */
  readonly bargeToneActive: boolean;
}

/**
 * The whole state the status function reads. Plain, frozen, replaced (never mutated) by every
 * operation, so it can be stored, diffed and replayed.
 */
export interface CallState {
  readonly id: string;
  readonly policy: FallbackPolicy;
  readonly legs: readonly Leg[];
  readonly resources: readonly MediaResource[];
  readonly hold: HoldState | null;
  readonly pending: TransitionKind | null;
  readonly conference: ConferenceState | null;
}

export interface CallStateSpec {
  readonly id: string;
  readonly legs: readonly LegSpec[];
  readonly policy?: FallbackPolicy;
}

export function createCallState(spec: CallStateSpec): CallState {
  if (typeof spec.id !== 'string' || spec.id.length === 0) {
    throw new CallError('CALL_ERR_BAD_LEG', 'call id must be a non-empty string');
  }
  const legs: Leg[] = [];
  for (const l of spec.legs) {
    if (legs.some((x) => x.id === l.id)) throw new CallError('CALL_ERR_DUPLICATE_LEG', l.id, { legId: l.id });
    legs.push(defineLeg(l));
  }
  return freezeState({
    id: spec.id,
    policy: assertFallbackPolicy(spec.policy ?? DEFAULT_FALLBACK_POLICY),
    legs,
    resources: [],
    hold: null,
    pending: null,
    conference: null,
  });
}

/** Return a frozen copy with some fields replaced. */
export function updateState(state: CallState, patch: Partial<Omit<CallState, 'id'>>): CallState {
  return freezeState({ ...state, ...patch });
}

function freezeState(s: CallState): CallState {
  return Object.freeze({
    ...s,
    legs: Object.freeze([...s.legs]),
    resources: Object.freeze([...s.resources]),
  });
}

export function findLeg(state: CallState, legId: string): Leg {
  const leg = state.legs.find((l) => l.id === legId);
  if (leg === undefined) throw new CallError('CALL_ERR_UNKNOWN_LEG', legId, { legId });
  return leg;
}

export function findResource(state: CallState, resourceId: string): MediaResource {
  const r = state.resources.find((x) => x.id === resourceId);
  if (r === undefined) throw new CallError('CALL_ERR_UNKNOWN_RESOURCE', resourceId, { resourceId });
  return r;
}

export function addLegToState(state: CallState, spec: LegSpec): CallState {
  if (state.legs.some((l) => l.id === spec.id)) {
    throw new CallError('CALL_ERR_DUPLICATE_LEG', spec.id, { legId: spec.id });
  }
  return updateState(state, { legs: [...state.legs, defineLeg(spec)] });
}

export function addResourceToState(state: CallState, resource: MediaResource): CallState {
  if (state.resources.some((r) => r.id === resource.id)) {
    throw new CallError('CALL_ERR_DUPLICATE_RESOURCE', resource.id, { resourceId: resource.id });
  }
  return updateState(state, { resources: [...state.resources, Object.freeze({ ...resource, streams: Object.freeze([...resource.streams]) })] });
}

export function withPolicy(state: CallState, policy: FallbackPolicy): CallState {
  return updateState(state, { policy: assertFallbackPolicy(policy) });
}
