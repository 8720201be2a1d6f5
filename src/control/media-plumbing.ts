/**
 * Media plan (call model) → relay pairs. Pure: the same state, plan and relay legs give the same
 * pairs, so the session can diff them against what the relay has and change only what moved.
 *
 * Per stream the path runs from the first leg to the second through the resources inserted on
 * either side: L1 ⇄ [transcoders/MTPs toward L1: near ⇄ far] ⇄ [toward L2: far ⇄ near] ⇄ L2.
 * Each arrow is one relay pair. A leg's end is its SRTP relay leg when its segment is SRTP and
 * its RTP relay leg when the plan made it RTP (policy `rtp` or a device that cannot do SRTP).
 * On hold the holding leg's end is the MOH relay leg (or nothing): resources on the holding
 * leg's side are bypassed until resume.
 */
import type { CallState, MediaKind, MediaPlan, SegmentTransport } from '../call';
import type { ResourceRole } from './relay-legs';

/** What the pairing needs of a media resource: its relay leg per role. */
export interface PlumbedResource {
  readonly stream: MediaKind;
  relayLeg(role: ResourceRole): string | null;
}

export interface PlumbingView {
  /** Relay leg of a model leg's stream for a transport, or null when it does not exist (yet). */
  legEnd(legId: string, kind: MediaKind, transport: 'srtp' | 'rtp'): string | null;
  resource(resourceId: string): PlumbedResource | undefined;
  /** Relay leg toward the conference bridge for a participant's stream, or null. */
  bridgePort(legId: string, kind: MediaKind): string | null;
}

/** Where one leg's stream stands under the plan. */
export interface StreamEnd {
  /** The relay leg that endpoint must use (null: inactive or not negotiated). */
  readonly active: string | null;
  /** Transport of the leg's segment. */
  readonly transport: SegmentTransport;
}

export interface Plumbing {
  readonly pairs: readonly (readonly [string, string])[];
  /** legId → stream → its end under the plan (legs the plan pairs; a held leg included). */
  readonly ends: ReadonlyMap<string, ReadonlyMap<MediaKind, StreamEnd>>;
}

export function planPairs(state: CallState, plan: MediaPlan, view: PlumbingView): Plumbing {
  const pairs: [string, string][] = [];
  const legEnds = new Map<string, Map<MediaKind, StreamEnd>>();
  const setEnd = (legId: string, kind: MediaKind, end: StreamEnd): void => {
    const byKind = legEnds.get(legId) ?? new Map<MediaKind, StreamEnd>();
    byKind.set(kind, end);
    legEnds.set(legId, byKind);
  };
  const barger = state.conference?.kind === 'barge' ? state.conference.initiatorLegId : null;
  for (const stream of plan.streams) {
    const allLegSegments = stream.segments.filter((s) => s.endpoint === 'leg');
    // Barge: the barger is paired with its port on the target's built-in bridge; the two
    // original parties stay paired with each other.
    const legSegments = allLegSegments.filter((s) => s.id !== barger);
    const bargeSeg = allLegSegments.find((s) => s.id === barger);
    if (bargeSeg !== undefined && bargeSeg.transport !== 'inactive') {
      const end = view.legEnd(bargeSeg.id, stream.kind, bargeSeg.transport === 'srtp' ? 'srtp' : 'rtp');
      setEnd(bargeSeg.id, stream.kind, { active: end, transport: bargeSeg.transport });
      const port = view.bridgePort(bargeSeg.id, stream.kind);
      if (end !== null && port !== null) pairs.push([end, port]);
    }
    const ends: (string | null)[] = [];
    for (const seg of legSegments) {
      if (seg.transport === 'inactive') {
        setEnd(seg.id, stream.kind, { active: view.legEnd(seg.id, stream.kind, 'srtp') ?? view.legEnd(seg.id, stream.kind, 'rtp'), transport: seg.transport });
        const mohId = state.hold?.mohResourceId ?? null;
        const moh = mohId === null ? undefined : view.resource(mohId);
        ends.push(moh !== undefined && moh.stream === stream.kind ? moh.relayLeg('moh') : null);
        continue;
      }
      const end = view.legEnd(seg.id, stream.kind, seg.transport === 'srtp' ? 'srtp' : 'rtp');
      setEnd(seg.id, stream.kind, { active: end, transport: seg.transport });
      ends.push(end);
    }
    // Conference (ad hoc, meet-me): each participant is paired 1:1 with its own port on the
    // bridge, which mixes; the relay never mixes. A held participant is not paired.
    if (state.conference !== null && state.conference.bridgeResourceId !== null) {
      legSegments.forEach((seg, i) => {
        const end = seg.transport === 'inactive' ? null : ends[i] ?? null;
        const port = view.bridgePort(seg.id, stream.kind);
        if (end !== null && port !== null) pairs.push([end, port]);
      });
      continue;
    }
    // Without a conference the relay pairs exactly two legs.
    if (legSegments.length !== 2) continue;
    const [l1, l2] = legSegments.map((s) => s.id);
    const holding = state.hold?.holdingLegId ?? null;
    const inline = (legId: string): PlumbedResource[] =>
      stream.segments
        .filter((s) => (s.endpoint === 'transcoder' || s.endpoint === 'mtp') && s.towardLegId === legId && legId !== holding)
        .map((s) => view.resource(s.id))
        .filter((r): r is PlumbedResource => r !== undefined);
    const chain: (string | null)[] = [ends[0]];
    for (const r of inline(l1)) chain.push(r.relayLeg('near'), r.relayLeg('far'));
    for (const r of inline(l2).reverse()) chain.push(r.relayLeg('far'), r.relayLeg('near'));
    chain.push(ends[1]);
    for (let i = 0; i + 1 < chain.length; i += 2) {
      const a = chain[i];
      const b = chain[i + 1];
      if (a !== null && b !== null) pairs.push([a, b]);
    }
  }
  return { pairs, ends: legEnds };
}
