import { addLegToState, addResourceToState, CallState, createCallState, findLeg, updateState } from './call-state';
import { ClusterConfig } from './cluster';
import { Device } from './device';
import { deviceSecurity, participantLevel } from './device-security';
import { CallError } from './errors';
import { FallbackPolicy } from './fallback-policy';
import { LegSpec } from './leg';
import { callMediaKinds } from './media-plan';
import { atLeast, SecurityLevel } from './security-level';
import { TransitionResult, transitionResult } from './transition-result';

/**
 * Conferences, seed 004 "Secure Conference Call Identification" and Table 2 "Security
 * Restrictions with Conference Calls":
 *
 * | initiator | feature    | participants               | result                                      |
 * |-----------|------------|----------------------------|---------------------------------------------|
 * | nonsecure | conference | secure                     | nonsecure bridge, nonsecure conference      |
 * | secure    | conference | at least one nonsecure     | secure bridge, nonsecure conference         |
 * | secure    | conference | secure                     | secure bridge, encrypted conference         |
 * | nonsecure | meet-me    | minimum level encrypted    | "Does not meet Security Level, call rejected" |
 * | secure    | meet-me    | minimum level nonsecure    | secure bridge, accepts all calls            |
 *
 * The conference's status is then the call status over every participant and the bridge (seed
 * 003 "Security icons": "For conference and barge calls, the security icon displays the
 * security status for the conference").
 */

/** A secure bridge: trusted, encrypted signaling, SRTP-capable. */
export function isSecureBridge(bridge: Device, cluster: ClusterConfig): boolean {
  const ds = deviceSecurity(bridge, cluster);
  return ds.level === 'encrypted' && ds.mediaBlock === null;
}

/**
 * Pick the bridge per Table 2: a secure initiator gets a secure bridge, a nonsecure initiator a
 * nonsecure one. Choice (Table 2 only says "secure"): an authenticated initiator counts as
 * secure, so an all-authenticated conference can still show the shield. When the preferred kind
 * is not available the first bridge offered is used and the status says what it gives.
 */
export function selectConferenceBridge(initiator: Device, cluster: ClusterConfig, bridges: readonly Device[]): Device {
  for (const b of bridges) {
    if (b.kind !== 'conference_bridge') {
      throw new CallError('CALL_ERR_BAD_DEVICE_KIND', `${b.kind} is not a conference bridge`, { deviceId: b.id });
    }
  }
  const first = bridges[0];
  if (first === undefined) throw new CallError('CALL_ERR_UNKNOWN_RESOURCE', 'no conference bridge available');
  const wantSecure = atLeast(participantLevel(initiator, cluster), 'authenticated');
  return bridges.find((b) => isSecureBridge(b, cluster) === wantSecure) ?? first;
}

export interface StartConferenceOptions {
  readonly initiatorLegId: string;
  readonly bridges: readonly Device[];
  /** Parties the initiator adds at once. */
  readonly participants?: readonly LegSpec[];
}

/** Turn a call into an ad hoc conference (Table 2 rows 1-3). */
export function startConference(state: CallState, cluster: ClusterConfig, options: StartConferenceOptions): TransitionResult {
  if (state.conference !== null) throw new CallError('CALL_ERR_CONFERENCE_ACTIVE', state.conference.kind);
  const initiator = findLeg(state, options.initiatorLegId);
  let next = state;
  for (const p of options.participants ?? []) next = addLegToState(next, p);
  assertNoProtected(next);
  const bridge = selectConferenceBridge(initiator.device, cluster, options.bridges);
  next = addResourceToState(next, { id: bridge.id, device: bridge, streams: callMediaKinds(next), legId: null });
  next = updateState(next, {
    conference: Object.freeze({
      kind: 'adhoc', initiatorLegId: initiator.id, bridgeResourceId: bridge.id,
      minimumLevel: null, targetLegId: null, bargeToneActive: false,
    }),
  });
  return transitionResult(next, cluster);
}

export interface CreateMeetMeOptions {
  readonly id: string;
  readonly initiator: LegSpec;
  readonly minimumLevel: SecurityLevel;
  readonly bridges: readonly Device[];
  readonly policy?: FallbackPolicy;
}

/** Open a meet-me conference (Table 2 rows 4-5). The initiator must meet the minimum level too. */
export function createMeetMe(cluster: ClusterConfig, options: CreateMeetMeOptions): TransitionResult {
  assertMeetsMinimum(options.initiator, cluster, options.minimumLevel);
  let state = createCallState({ id: options.id, legs: [options.initiator], policy: options.policy });
  assertNoProtected(state);
  const bridge = selectConferenceBridge(options.initiator.device, cluster, options.bridges);
  state = addResourceToState(state, { id: bridge.id, device: bridge, streams: callMediaKinds(state), legId: null });
  state = updateState(state, {
    conference: Object.freeze({
      kind: 'meetme', initiatorLegId: options.initiator.id, bridgeResourceId: bridge.id,
      minimumLevel: options.minimumLevel, targetLegId: null, bargeToneActive: false,
    }),
  });
  return transitionResult(state, cluster);
}

/**
 * Add a party to an ad hoc or meet-me conference. Seed 004 "Secure Conference Call
 * Identification": as participants are added the security mode of each is verified; for
 * meet-me, a caller below the minimum security level is rejected with
 * `CALL_ERR_BELOW_MINIMUM_SECURITY` ("Does not meet Security Level, call rejected").
 */
export function addParticipant(state: CallState, cluster: ClusterConfig, spec: LegSpec): TransitionResult {
  const conf = state.conference;
  if (conf === null || conf.kind === 'barge') throw new CallError('CALL_ERR_NO_CONFERENCE');
  if (conf.minimumLevel !== null) assertMeetsMinimum(spec, cluster, conf.minimumLevel);
  const next = addLegToState(state, spec);
  assertNoProtected(next);
  // A new party may bring a stream kind the bridge does not carry yet (video joining audio).
  const bridgeId = conf.bridgeResourceId;
  const kinds = callMediaKinds(next);
  const resources = next.resources.map((r) => (r.id === bridgeId ? Object.freeze({ ...r, streams: Object.freeze(kinds) }) : r));
  return transitionResult(updateState(next, { resources }), cluster);
}

function assertMeetsMinimum(spec: LegSpec, cluster: ClusterConfig, minimum: SecurityLevel): void {
  const level = participantLevel(spec.device, cluster);
  if (!atLeast(level, minimum)) {
    throw new CallError('CALL_ERR_BELOW_MINIMUM_SECURITY', `${spec.id} is ${level}, minimum is ${minimum}`, {
      legId: spec.id, level, minimumLevel: minimum,
    });
  }
}

/**
 * Seed 004 "Secure Conference Call Identification" note: for protected phones, conference
 * calling is not available when secure calling is configured.
 */
function assertNoProtected(state: CallState): void {
  const p = state.legs.find((l) => l.device.protectedDevice);
  if (p !== undefined) {
    throw new CallError('CALL_ERR_FEATURE_UNAVAILABLE', `conference with protected device ${p.device.id}`, { legId: p.id });
  }
}
