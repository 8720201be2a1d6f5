/**
 * Rekey a managed leg: the key manager replaces both directions' sets of each SRTP stream
 * (`LegKeying.rekey`; the retired sets are wiped when the leg ends), the relay swaps the leg's
 * contexts for new ones carrying each SSRC's ROC over (`RelayCall.rekeyLeg`), and the endpoint
 * fetches its new keys from the key delivery. Packets the endpoint protected with the old keys
 * and that arrive after the swap fail authentication: switch keys when the answer arrives.
 */
import type { MediaKind } from '../call';
import { callKeyedStreams, rekeyCallStream } from './call-keying';
import type { CallSession } from './call-session';
import { ControlError } from './errors';
import type { OperationResult } from './session-view';

export function rekeyLeg(session: CallSession, legId: string, stream: MediaKind | undefined): Promise<OperationResult> {
  return session.operate(async () => {
    const leg = session.mustLeg(legId);
    if (leg.keying !== 'managed') throw new ControlError('API_ERR_NO_KEYS', { field: 'legId', detail: 'only managed legs are rekeyed here (SDES: a new offer)' });
    if (stream !== undefined && leg.stream(stream) === undefined) throw new ControlError('API_ERR_UNKNOWN_STREAM', { field: 'stream' });
    const targets = leg.streams().filter((m) => (stream === undefined || m.kind === stream) && (m.keyLegId !== null || m.callKeys !== null) && m.srtpRelayLeg !== null);
    if (targets.length === 0) throw new ControlError('API_ERR_NO_KEYS', { field: stream === undefined ? 'legId' : 'stream' });
    const others = new Set<string>();
    for (const m of targets) {
      if (m.callKeys !== null) {
        const sharing = callKeyedStreams(session, m.kind);
        await rekeyCallStream(session, m.kind, sharing);
        for (const l of session.legs()) if (l !== leg && sharing.some((x) => l.stream(m.kind) === x)) others.add(l.id);
        continue;
      }
      const refs = session.keying.rekey(m.keyLegId as string, m.kind);
      await session.relayLegs.rekey(m.srtpRelayLeg as string, refs);
    }
    session.notify('legupdated', { callId: session.id, legId });
    for (const id of others) session.notify('legupdated', { callId: session.id, legId: id });
    return () => ({ leg: session.legView(leg) });
  });
}
