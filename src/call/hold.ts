import { addResourceToState, CallState, findLeg, updateState } from './call-state';
import { ClusterConfig } from './cluster';
import { Device } from './device';
import { CallError } from './errors';
import { legHasStream } from './leg';
import { assertCanComplete } from './transition';
import { TransitionResult, transitionResult } from './transition-result';

export interface HoldOptions {
  readonly holdingLegId: string;
  /** Music on hold to play to the other parties; omitted for a hold without MOH. */
  readonly moh?: { readonly id: string; readonly device: Device };
}

/**
 * Put the call on hold. The holding leg's media becomes inactive; with MOH, a MOH server feeds
 * audio to every other active leg. Seed 003 "Security icons and encryption": "the status changes
 * from encrypted to nonsecure if the media streams that are associated with these tasks, such as
 * MOH, are not encrypted" — the MOH segment is always RTP (seed 003 "Media resources and
 * encryption"), so the status is nonsecure with `moh_rtp` until resume. Under `bridge` the held
 * legs keep SRTP from the relay; under `rtp` they drop to RTP.
 */
export function hold(state: CallState, cluster: ClusterConfig, options: HoldOptions): TransitionResult {
  assertCanComplete(state, 'hold');
  if (state.hold !== null) throw new CallError('CALL_ERR_ALREADY_HELD', undefined, { holdingLegId: state.hold.holdingLegId });
  findLeg(state, options.holdingLegId);
  let next = state;
  let mohResourceId: string | null = null;
  if (options.moh !== undefined) {
    if (options.moh.device.kind !== 'moh_server') {
      throw new CallError('CALL_ERR_BAD_DEVICE_KIND', `${options.moh.device.kind} cannot play music on hold`, { deviceId: options.moh.device.id });
    }
    if (!state.legs.some((l) => legHasStream(l, 'audio'))) {
      throw new CallError('CALL_ERR_NO_SUCH_STREAM', 'audio', { stream: 'audio' });
    }
    next = addResourceToState(next, { id: options.moh.id, device: options.moh.device, streams: ['audio'], legId: null });
    mohResourceId = options.moh.id;
  }
  next = updateState(next, { hold: Object.freeze({ holdingLegId: options.holdingLegId, mohResourceId }), pending: null });
  return transitionResult(next, cluster);
}

/** Resume: the MOH segment goes away and the status returns to what the parties allow. */
export function resume(state: CallState, cluster: ClusterConfig): TransitionResult {
  assertCanComplete(state, 'resume');
  if (state.hold === null) throw new CallError('CALL_ERR_NOT_HELD');
  const mohId = state.hold.mohResourceId;
  const resources = mohId === null ? state.resources : state.resources.filter((r) => r.id !== mohId);
  return transitionResult(updateState(state, { hold: null, resources, pending: null }), cluster);
}
