import { addLegToState, CallState, findLeg, updateState } from './call-state';
import { ClusterConfig } from './cluster';
import { isConfiguredForEncryption } from './device-security';
import { CallError } from './errors';
import { LegSpec } from './leg';
import { computeSecurityStatus } from './security-status';
import { TransitionResult, transitionResult } from './transition-result';

export interface BargeOptions {
  /** The barging party's leg. */
  readonly initiator: LegSpec;
  /** The leg whose phone is barged; its built-in bridge mixes the three parties. */
  readonly targetLegId: string;
}

/**
 * Barge into an active call. The result is a three-party call whose status is the conference
 * status (seed 003 "Security icons": "For conference and barge calls, the security icon displays
 * the security status for the conference").
 *
 * Rejections (CALL_ERR_BARGE_REJECTED, `details.tone` is what the initiator hears):
 * - seed 004 "Provide Encryption for Barge": a phone not configured for encryption cannot barge
 *   into an encrypted call; a reorder (fast busy) tone plays on the initiator.
 * - seed 003 "Barge and encryption": 7940G/7960G targets do not support barge from an encrypted
 *   device on an active encrypted call; a tone plays on the initiator to say the barge failed.
 *
 * Accepted: seed 004 — an encrypted initiator may barge a nonsecure call (the call is then
 * nonsecure) or an encrypted call (the call stays encrypted). Seed 003 — barging a secure SCCP
 * call uses a tone inside the target phone and the status remains secure; barging a SIP call
 * plays tone-on-hold and the call is nonsecure during the tone, until `endBargeTone`.
 */
export function barge(state: CallState, cluster: ClusterConfig, options: BargeOptions): TransitionResult {
  if (state.conference !== null) throw new CallError('CALL_ERR_CONFERENCE_ACTIVE', state.conference.kind);
  const target = findLeg(state, options.targetLegId);
  if (target.device.kind !== 'ip_phone') {
    throw new CallError('CALL_ERR_BAD_DEVICE_KIND', `barge needs a phone's built-in bridge, ${target.device.kind} has none`, { legId: target.id });
  }
  const current = computeSecurityStatus(state, cluster).status;
  const initiatorEncrypted = isConfiguredForEncryption(options.initiator.device, cluster);
  if (current === 'encrypted' && !initiatorEncrypted) {
    throw new CallError('CALL_ERR_BARGE_REJECTED', 'initiator not configured for encryption', {
      legId: options.initiator.id, tone: 'reorder',
    });
  }
  if (current === 'encrypted' && initiatorEncrypted && !target.device.acceptsEncryptedBarge) {
    throw new CallError('CALL_ERR_BARGE_REJECTED', `target ${target.device.id} cannot take an encrypted barge`, {
      legId: options.initiator.id, tone: 'barge_failed',
    });
  }
  let next = addLegToState(state, options.initiator);
  next = updateState(next, {
    conference: Object.freeze({
      kind: 'barge', initiatorLegId: options.initiator.id, bridgeResourceId: null, minimumLevel: null,
      targetLegId: target.id, bargeToneActive: target.device.protocol === 'sip',
    }),
  });
  return transitionResult(next, cluster);
}

/** The SIP barge tone-on-hold ended: the call takes the conference status. */
export function endBargeTone(state: CallState, cluster: ClusterConfig): TransitionResult {
  const conf = state.conference;
  if (conf === null || conf.kind !== 'barge' || !conf.bargeToneActive) {
    throw new CallError('CALL_ERR_NO_CONFERENCE', 'no barge tone playing');
  }
  return transitionResult(updateState(state, { conference: Object.freeze({ ...conf, bargeToneActive: false }) }), cluster);
}
