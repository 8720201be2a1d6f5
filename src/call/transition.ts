import { CallState, TransitionKind, updateState } from './call-state';
import { ClusterConfig } from './cluster';
import { CallError } from './errors';
import { TransitionResult, transitionResult } from './transition-result';

/**
 * Mark a hold, resume, forward or transfer as started but not yet established. Seed 002
 * "Interaction Between Cisco CallManager and the Cisco IP Phone": the status may be temporarily
 * nonsecure or unknown until the call between the parties is established — we report nonsecure
 * with `transition_pending`. The matching operation (hold, resume, forward, transfer) ends it.
 */
export function beginTransition(state: CallState, cluster: ClusterConfig, kind: TransitionKind): TransitionResult {
  if (state.pending !== null) {
    throw new CallError('CALL_ERR_TRANSITION_PENDING', `${state.pending} in progress`, { pending: state.pending });
  }
  return transitionResult(updateState(state, { pending: kind }), cluster);
}

/** An operation may complete only the transition of its own kind, or run with none pending. */
export function assertCanComplete(state: CallState, kind: TransitionKind): void {
  if (state.pending !== null && state.pending !== kind) {
    throw new CallError('CALL_ERR_TRANSITION_PENDING', `${state.pending} in progress`, { pending: state.pending });
  }
}
