/**
 * Wiring of a leg's index guard (index-guard.ts) in the media worker: created with the leg when
 * the relay runs with an HA store, its requests and checkpoints sent to the control plane as
 * worker events, and the control plane's grants and takeover floors applied to it and to the
 * leg's SRTP contexts (docs/ha.md).
 */
import { RelayError, RelayErrorCode } from './errors';
import { IndexGuard } from './index-guard';
import type { MediaLeg } from './media-leg';
import type { IndexStateRequest, WorkerEvent } from './worker-messages';

/** Give an SRTP leg its guard (block > 0); plain RTP legs and block 0 get none. */
export function attachIndexGuard(leg: MediaLeg, block: number, onEvent: (e: WorkerEvent) => void): void {
  if (block <= 0 || leg.outbound === null) return;
  const { callId, legId } = leg;
  leg.guard = new IndexGuard(
    block,
    (ssrc, rtcp, upTo) => onEvent({ type: 'indexreserve', callId, legId, ssrc, rtcp, upTo }),
    (ssrc, rtcp, index) => onEvent({ type: 'indexcheckpoint', callId, legId, ssrc, rtcp, index }),
  );
}

/**
 * Floors first (the contexts continue strictly above them: RFC 3711 §9.1), then grants. Both
 * only raise, so a stale or repeated request changes nothing.
 */
export function applyIndexState(leg: MediaLeg, req: IndexStateRequest): void {
  const guard = leg.guard;
  if (guard === null || leg.inbound === null || leg.outbound === null) {
    throw new RelayError(RelayErrorCode.BadOption, `leg ${req.legId} has no SRTP index reservations`);
  }
  for (const f of req.floors) {
    if (!Number.isInteger(f.index) || f.index < 0) throw new RelayError(RelayErrorCode.BadOption, 'an index floor must be a non-negative integer');
    if (f.direction === 'outbound') {
      leg.outbound.resumeAbove(f.ssrc, f.index, 'outbound', f.rtcp);
      guard.resumeOutbound(f.ssrc >>> 0, f.rtcp, f.index);
    } else {
      leg.inbound.resumeAbove(f.ssrc, f.index, 'inbound', f.rtcp);
      guard.resumeInbound(f.ssrc >>> 0, f.rtcp, f.index);
    }
  }
  for (const g of req.grants) guard.grant(g.ssrc >>> 0, g.rtcp, g.upTo);
}
