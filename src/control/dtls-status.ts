/**
 * A WebRTC (keying `dtls`) stream counts as SRTP media only once its media worker reported the
 * DTLS handshake done with the peer's certificate matching its signalled fingerprint (RFC 5763
 * §5, RFC 8122 §5): the model's stream says `dtls: pending` from the leg's creation, and the
 * worker's `dtls` event moves it to `connected` (the call may show encrypted) or `failed`
 * (reason `dtls_failed`). The model emits `securitychange` when that changes the report.
 */
import type { DtlsKeyState, LegStream, MediaKind } from '../call';
import type { CallSession } from './call-session';

/** The worker's handshake state as the model sees it; a peer's close_notify changes nothing (the keys were real). */
export function dtlsKeyState(state: 'connected' | 'failed' | 'closed'): DtlsKeyState | null {
  if (state === 'connected') return 'connected';
  if (state === 'failed') return 'failed';
  return null;
}

/**
 * Commit a stream's DTLS state to the model, in the call's operation order, and re-apply the
 * media plan. A leg gone meanwhile, or a state already recorded, changes nothing; a `failed`
 * never overrides `connected` (a later failure of a keyed leg is a peer close, not lost keys).
 */
export function commitDtlsState(session: CallSession, legId: string, kind: MediaKind, next: DtlsKeyState): Promise<void> {
  return session.exclusive(async () => {
    if (session.model.closed) return;
    const leg = session.model.state.legs.find((l) => l.id === legId);
    const stream = leg?.streams.find((s) => s.kind === kind);
    if (leg === undefined || stream === undefined || stream.dtls === undefined || stream.dtls === next) return;
    if (stream.dtls === 'connected') return;
    const streams: LegStream[] = leg.streams.map((s) => (s.kind === kind ? { ...s, dtls: next } : s));
    await session.model.setLegStreams(legId, streams);
    await session.applyPlan();
  });
}
