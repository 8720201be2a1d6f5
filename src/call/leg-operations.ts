import { addLegToState, CallState, ConferenceState, findLeg, updateState } from './call-state';
import { ClusterConfig } from './cluster';
import { defineLeg, LegSpec } from './leg';
import { callMediaKinds } from './media-plan';
import { LegStream } from './media-stream';
import { TransitionResult, transitionResult } from './transition-result';

/** Add a leg to a two-party or multi-party call (no conference checks; see conference.ts). */
export function addLeg(state: CallState, cluster: ClusterConfig, spec: LegSpec): TransitionResult {
  return transitionResult(addLegToState(state, spec), cluster);
}

/**
 * Remove a leg (the party hung up or left the conference). Resources that served only that leg
 * go with it; if it was the holding leg the hold and its MOH end; a barge ends when its
 * initiator or target leaves.
 */
export function removeLeg(state: CallState, cluster: ClusterConfig, legId: string): TransitionResult {
  findLeg(state, legId);
  return transitionResult(detachLeg(state, legId, null), cluster);
}

/**
 * Replace or drop a leg and everything tied to it. With `replacement`, references to the old
 * leg (conference initiator, barge target) follow the new one.
 */
export function detachLeg(state: CallState, legId: string, replacement: LegSpec | null): CallState {
  const newLeg = replacement === null ? null : defineLeg(replacement);
  const legs = state.legs.flatMap((l) => (l.id !== legId ? [l] : newLeg === null ? [] : [newLeg]));
  const endsHold = state.hold !== null && state.hold.holdingLegId === legId;
  const mohId = endsHold ? state.hold?.mohResourceId ?? null : null;
  const resources = state.resources.filter((r) => r.legId !== legId && r.id !== mohId);
  let conference: ConferenceState | null = state.conference;
  if (conference !== null) {
    const to = newLeg?.id ?? null;
    if (conference.kind === 'barge' && to === null
      && (conference.initiatorLegId === legId || conference.targetLegId === legId)) {
      conference = null;
    } else if (to !== null) {
      conference = Object.freeze({
        ...conference,
        initiatorLegId: conference.initiatorLegId === legId ? to : conference.initiatorLegId,
        targetLegId: conference.targetLegId === legId ? to : conference.targetLegId,
      });
    }
  }
  return updateState(state, { legs, resources, hold: endsHold ? null : state.hold, conference });
}

/**
 * A leg's streams changed mid-call (a re-INVITE switched video on or off). Seed 003 "Security
 * icons": the status covers audio and video, so adding RTP video to a secure call lowers it and
 * removing it restores it. A conference bridge follows the kinds the participants carry.
 */
export function setLegStreams(state: CallState, cluster: ClusterConfig, legId: string, streams: readonly LegStream[]): TransitionResult {
  const leg = findLeg(state, legId);
  const next = defineLeg({ id: leg.id, device: leg.device, streams });
  let updated = updateState(state, { legs: state.legs.map((l) => (l.id === legId ? next : l)) });
  const bridgeId = updated.conference?.bridgeResourceId ?? null;
  if (bridgeId !== null) {
    const kinds = callMediaKinds(updated);
    updated = updateState(updated, { resources: updated.resources.map((r) => (r.id === bridgeId ? Object.freeze({ ...r, streams: Object.freeze(kinds) }) : r)) });
  }
  return transitionResult(updated, cluster);
}
