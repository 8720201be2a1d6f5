import { CallState, findLeg, updateState } from './call-state';
import { ClusterConfig } from './cluster';
import { CallError } from './errors';
import { LegSpec } from './leg';
import { detachLeg } from './leg-operations';
import { assertCanComplete } from './transition';
import { TransitionResult, transitionResult } from './transition-result';

export interface TransferOptions {
  /** The leg that hands the call over (the transferring or forwarding party). */
  readonly fromLegId: string;
  /** The new party. */
  readonly to: LegSpec;
}

/**
 * Complete a transfer: the transferring party's leg is replaced by the target's. Seed 003
 * "Media encryption": SRTP-to-RTP fallback may occur for transfers from a secure device to a
 * non-secure device — the target's segment is RTP and the status follows the new party; a
 * transfer back to a secure device returns it. A hold by the transferring party, and any
 * transcoder or MTP inserted for its leg, end with the leg. Ends a pending `transfer`.
 */
export function transfer(state: CallState, cluster: ClusterConfig, options: TransferOptions): TransitionResult {
  return replace(state, cluster, options, 'transfer');
}

/** Complete a forward: the forwarding party's leg is replaced by the forward target's. Ends a pending `forward`. */
export function forward(state: CallState, cluster: ClusterConfig, options: TransferOptions): TransitionResult {
  return replace(state, cluster, options, 'forward');
}

function replace(state: CallState, cluster: ClusterConfig, options: TransferOptions, kind: 'transfer' | 'forward'): TransitionResult {
  assertCanComplete(state, kind);
  findLeg(state, options.fromLegId);
  if (options.to.id !== options.fromLegId && state.legs.some((l) => l.id === options.to.id)) {
    throw new CallError('CALL_ERR_DUPLICATE_LEG', options.to.id, { legId: options.to.id });
  }
  const next = detachLeg(state, options.fromLegId, options.to);
  return transitionResult(updateState(next, { pending: null }), cluster);
}
