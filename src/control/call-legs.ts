/**
 * A call created with its legs in one request (`CallController.createCall` with `legs`): every
 * leg request is checked — the pure checks `addLeg` runs, plus distinct ids and at most two legs
 * (a third party joins through a conference or a barge) — before the call exists, so a request
 * that names a bad leg creates nothing. Field paths name the leg: `legs[1].streams[0].crypto`.
 */
import type { FallbackPolicy } from '../call';
import { ControlError } from './errors';
import { validateLeg, type LegRequest, type ValidatedLeg } from './leg-setup';

export interface CreateCallRequest {
  readonly id?: string;
  readonly policy?: FallbackPolicy;
  /** The call's legs, added in this order (at most two). */
  readonly legs?: readonly LegRequest[];
}

export interface CheckedCallLeg {
  readonly req: LegRequest;
  readonly validated: ValidatedLeg;
  /** The leg's path in the request, for the field an error names. */
  readonly prefix: string;
}

export function validateCallLegs(legs: readonly LegRequest[]): CheckedCallLeg[] {
  if (legs.length > 2) throw new ControlError('API_ERR_MULTIPARTY_UNSUPPORTED', { field: 'legs[2]' });
  const ids = new Set<string>();
  return legs.map((req, i) => {
    const prefix = `legs[${i}].`;
    if (ids.has(req.id)) throw new ControlError('API_ERR_DUPLICATE_LEG', { field: `${prefix}id`, detail: `leg ${req.id} is listed twice` });
    ids.add(req.id);
    return { req, validated: validateLeg(req, prefix), prefix };
  });
}
