import { addResourceToState, CallState, findLeg, updateState } from './call-state';
import { ClusterConfig } from './cluster';
import { Device } from './device';
import { CallError } from './errors';
import { legHasStream } from './leg';
import { MediaKind } from './media-stream';
import { TransitionResult, transitionResult } from './transition-result';

export interface InsertOptions {
  /** Resource id in this call (the relay's handle for the segment). */
  readonly id: string;
  readonly device: Device;
  /** The leg whose side of the relay the resource serves (codec or DTMF mismatch on that leg). */
  readonly legId: string;
  readonly stream?: MediaKind;
}

type InlineKind = 'transcoder' | 'mtp';

/**
 * Seed 003 "Media resources and encryption": Unified CM does not provide media encryption for
 * calls that involve transcoders or media termination points. While one is in the path the
 * segment to it is RTP (`transcoder_rtp` / `mtp_rtp`) and the call is nonsecure; removing it
 * returns the status.
 */
export function insertTranscoder(state: CallState, cluster: ClusterConfig, options: InsertOptions): TransitionResult {
  return insert(state, cluster, options, 'transcoder');
}

export function removeTranscoder(state: CallState, cluster: ClusterConfig, resourceId: string): TransitionResult {
  return remove(state, cluster, resourceId, 'transcoder');
}

export function insertMtp(state: CallState, cluster: ClusterConfig, options: InsertOptions): TransitionResult {
  return insert(state, cluster, options, 'mtp');
}

export function removeMtp(state: CallState, cluster: ClusterConfig, resourceId: string): TransitionResult {
  return remove(state, cluster, resourceId, 'mtp');
}

function insert(state: CallState, cluster: ClusterConfig, options: InsertOptions, kind: InlineKind): TransitionResult {
  if (options.device.kind !== kind) {
    throw new CallError('CALL_ERR_BAD_DEVICE_KIND', `expected a ${kind}, got ${options.device.kind}`, { deviceId: options.device.id });
  }
  const stream = options.stream ?? 'audio';
  const leg = findLeg(state, options.legId);
  if (!legHasStream(leg, stream)) {
    throw new CallError('CALL_ERR_NO_SUCH_STREAM', `${stream} on leg ${leg.id}`, { legId: leg.id, stream });
  }
  const next = addResourceToState(state, { id: options.id, device: options.device, streams: [stream], legId: leg.id });
  return transitionResult(next, cluster);
}

function remove(state: CallState, cluster: ClusterConfig, resourceId: string, kind: InlineKind): TransitionResult {
  const r = state.resources.find((x) => x.id === resourceId && x.device.kind === kind);
  if (r === undefined) throw new CallError('CALL_ERR_UNKNOWN_RESOURCE', `no ${kind} ${resourceId}`, { resourceId });
  return transitionResult(updateState(state, { resources: state.resources.filter((x) => x !== r) }), cluster);
}
