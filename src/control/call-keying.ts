/**
 * Call-scoped keys across a session (seed 003 "Media encryption"; leg-keying.ts decides who
 * gets them): which sides of a call stream are held, the rekey that moves both phones' relay
 * legs to a new generation together, and what happens when a phone leaves.
 *
 * A phone that leaves (hangs up, is transferred away, turns its stream off) keeps the keys it
 * was given. So before it goes, the stream is rekeyed (next generation, both directions, both
 * origins) and the remaining phone's relay leg moves to the new keys (ROC carried over,
 * RFC 3711 §3.3.1): what the departed phone holds no longer verifies on any relay leg. With
 * nobody left on the stream its keys are wiped instead.
 */
import type { MediaKind } from '../call';
import type { Side } from '../keys';
import type { CallSession } from './call-session';
import { callKeyRefs } from './leg-keying';
import type { SessionLeg } from './session-leg';
import type { SessionStream } from './session-stream';

/** The streams of `kind` in the session that hold call keys (optionally besides `except`). */
export function callKeyedStreams(session: CallSession, kind: MediaKind, except?: SessionLeg): SessionStream[] {
  return session.legs().filter((l) => l !== except).flatMap((l) => {
    const m = l.stream(kind);
    return m !== undefined && m.callKeys !== null ? [m] : [];
  });
}

/** Sides of the call stream `kind` that a leg of the session holds. */
export function heldSides(session: CallSession, kind: MediaKind, except?: SessionLeg): Set<Side> {
  return new Set(callKeyedStreams(session, kind, except).map((m) => (m.callKeys as NonNullable<SessionStream['callKeys']>).side));
}

/**
 * Next generation of the call stream `kind`: the key manager makes it, every relay leg keyed
 * with it moves over (the relay carries each SSRC's ROC); each phone fetches its new keys.
 * Between the two relay legs' swaps the relay recrypts (relay-origin keys only); once both have
 * the new keys, passthrough resumes.
 */
export async function rekeyCallStream(session: CallSession, kind: MediaKind, streams: readonly SessionStream[]): Promise<void> {
  const reference = session.keying.rekeyCall(kind);
  for (const m of streams) {
    const binding = m.callKeys;
    if (binding === null) continue;
    m.useCallKeys({ side: binding.side, reference });
    if (m.srtpRelayLeg !== null) await session.relayLegs.rekey(m.srtpRelayLeg, callKeyRefs(kind, binding.side));
  }
}

/**
 * `leg` gives up its call keys for `kinds` (every stream when omitted): the stream is rekeyed
 * for the phones that stay, or wiped when none does. The leg's streams forget their side (its
 * relay leg keeps the old generation's contexts until it is closed). Returns the streams whose
 * side was released, so a failed transfer can take it back (`rejoinCall`).
 */
export async function leaveCall(session: CallSession, leg: SessionLeg, kinds?: readonly MediaKind[]): Promise<SessionStream[]> {
  const left: SessionStream[] = [];
  for (const m of leg.streams()) {
    if (m.callKeys === null || (kinds !== undefined && !kinds.includes(m.kind))) continue;
    const staying = callKeyedStreams(session, m.kind, leg);
    m.useCallKeys(null);
    left.push(m);
    if (staying.length > 0) {
      await rekeyCallStream(session, m.kind, staying);
      // The phones that stay fetch their new keys (as after POST .../rekey).
      for (const l of session.legs()) if (l !== leg && staying.includes(l.stream(m.kind) as SessionStream)) session.notify('legupdated', { callId: session.id, legId: l.id });
    } else {
      session.keying.releaseCall(m.kind);
    }
  }
  return left;
}

/**
 * Undo `leaveCall` for streams still in the call (a transfer that failed after its target was
 * prepared): each takes a free side of the current keys again (or creates new ones) and its
 * relay leg moves to them. The phone fetches its keys again either way.
 */
export async function rejoinCall(session: CallSession, leg: SessionLeg, streams: readonly SessionStream[]): Promise<void> {
  for (const m of streams) {
    if (m.closed || m.srtpRelayLeg === null) continue;
    const binding = session.keying.joinCall(m.kind, m.suite === null ? undefined : [m.suite], heldSides(session, m.kind, leg), 'to');
    if (binding === null) continue;
    m.useCallKeys(binding);
    await session.relayLegs.rekey(m.srtpRelayLeg, callKeyRefs(m.kind, binding.side));
  }
}
