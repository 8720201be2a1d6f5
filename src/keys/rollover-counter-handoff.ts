/**
 * ROC across a rekey (RFC 3711 §3.3.1).
 *
 * The packet index is i = 2^16 * ROC + SEQ. Within one context, switching master keys by MKI
 * changes nothing about the index: ROC and the receiver's s_l continue, so no hand-off is needed.
 *
 * A re-negotiation builds new contexts while the RTP stream (SSRC, SEQ) continues. RFC 3711
 * §3.3.1 requires that receivers joining an on-going session be given the current ROC by key
 * management, since SEQ alone cannot tell how many times it has wrapped. The new contexts are
 * such joiners, so by default the key manager carries each SSRC's ROC from the old context
 * into the new ones, on both the sending and the receiving side, keeping the two in agreement.
 * The new master key makes every (key, SSRC, index) fresh whatever the ROC.
 *
 * `reset` starts both sides at ROC 0 instead, as RFC 3711 §3.3.1 prescribes for a new session;
 * it is for peers that restart their index with new keys. Sender and receiver must agree:
 * with mismatched choices every packet after a SEQ wrap fails authentication (tested).
 */
export type RocDirection = 'inbound' | 'outbound';

/** The ROC surface of SrtpContext (docs/srtp-engine-api.md). */
export interface RocContext {
  getRoc(ssrc: number, direction?: RocDirection): number | undefined;
  setRoc(ssrc: number, roc: number, direction?: RocDirection | 'both'): void;
}

/** A context and the side of it that handles the stream: outbound (we protect) or inbound. */
export interface RocSide {
  readonly context: RocContext;
  readonly direction: RocDirection;
}

export type RocPolicy = 'carry' | 'reset';

/**
 * Apply the ROC policy for the given SSRCs from the old context to its replacements.
 * Returns the ROC given to each SSRC. An SSRC the old context never saw starts at 0.
 */
export function handOffRollover(from: RocSide, to: readonly RocSide[], ssrcs: Iterable<number>, policy: RocPolicy = 'carry'): Map<number, number> {
  const applied = new Map<number, number>();
  for (const ssrc of ssrcs) {
    const roc = policy === 'carry' ? (from.context.getRoc(ssrc, from.direction) ?? 0) : 0;
    for (const t of to) t.context.setRoc(ssrc, roc, t.direction);
    applied.set(ssrc, roc);
  }
  return applied;
}
