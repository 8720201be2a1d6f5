/**
 * Symmetric RTP latching policies (where a leg sends to, and whom it accepts packets from).
 *
 * - `authenticated` (SRTP legs, default): packets from any source are authenticated; one that
 *   passes (tag and replay check), is newer than the highest index accepted on the leg and
 *   comes from a source the address policy allows moves the leg's remote there (packet-path.ts).
 *   A source whose packets fail authentication never moves the leg and never has packets forwarded.
 * - `first` (plain RTP): the first packet's source becomes the remote, then the leg is locked;
 *   packets from other sources are dropped.
 * - `strict`: only the signaled address and port are accepted; the remote never moves.
 * - `off`: the remote never moves; packets are accepted from any source (SRTP legs still
 *   authenticate every packet). Insecure for plain RTP; only where a policy names the leg.
 */
export type LatchingPolicy = 'authenticated' | 'first' | 'strict' | 'off';

export const SRTP_LATCHING: readonly LatchingPolicy[] = ['authenticated', 'strict', 'off'];
export const RTP_LATCHING: readonly LatchingPolicy[] = ['first', 'strict', 'off'];

/** Secure by default: authenticated latching for SRTP, the signaled address only for RTP. */
export function defaultLatching(srtp: boolean): LatchingPolicy {
  return srtp ? 'authenticated' : 'strict';
}

/** What the packet path should do with a packet from a given source, before any crypto. */
export enum SourceVerdict {
  /** From the current remote: process. */
  Known = 0,
  /** From elsewhere, process; if it authenticates (or is accepted) and is fresh, move the remote there. */
  Candidate = 1,
  /** From elsewhere, process but never move the remote. */
  Foreign = 2,
  /** Drop (counted as droppedBySource). */
  Reject = 3,
}

/**
 * Decide from the policy and whether the source equals the current remote.
 * `locked` is set once a `first` leg has latched.
 */
export function judgeSource(policy: LatchingPolicy, fromRemote: boolean, locked: boolean): SourceVerdict {
  if (fromRemote) return SourceVerdict.Known;
  switch (policy) {
    case 'authenticated':
      return SourceVerdict.Candidate;
    case 'first':
      return locked ? SourceVerdict.Reject : SourceVerdict.Candidate;
    case 'strict':
      return SourceVerdict.Reject;
    case 'off':
      return SourceVerdict.Foreign;
  }
}
