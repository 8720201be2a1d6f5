import { CallState } from './call-state';
import { ClusterConfig } from './cluster';
import { FallbackPolicy } from './fallback-policy';
import { MediaPlan, planMedia } from './media-plan';

/**
 * What every operation returns: the new state, the media plan under the call's policy (what the
 * relay re-plumbs to), and the plan under each policy for comparison and scenario checks.
 */
export interface TransitionResult {
  readonly state: CallState;
  readonly media: MediaPlan;
  readonly byPolicy: Readonly<Record<FallbackPolicy, MediaPlan>>;
}

export function transitionResult(state: CallState, cluster: ClusterConfig): TransitionResult {
  const bridge = planMedia(state, cluster, 'bridge');
  const rtp = planMedia(state, cluster, 'rtp');
  return Object.freeze({
    state,
    media: state.policy === 'bridge' ? bridge : rtp,
    byPolicy: Object.freeze({ bridge, rtp }),
  });
}
