import { CallError } from './errors';

/**
 * What happens to the secure segments of a media stream when one segment must be RTP
 * (seed 003 "Media resources and encryption", "Security icons and encryption").
 *
 * - `bridge` (default): legs that can do SRTP keep it; only the segment to the MOH server,
 *   transcoder, MTP or non-secure device is RTP. The relay unprotects and re-protects.
 * - `rtp`: the whole path of that stream drops to RTP, as Unified CM does (seed 003 "Media
 *   encryption": "If at least one device does not support SRTP, the system uses an RTP
 *   connection").
 *
 * The status is the same under both (any RTP segment means the stream is not SRTP end to end);
 * the policy only changes which segments the relay protects.
 */
export type FallbackPolicy = 'bridge' | 'rtp';

export const FALLBACK_POLICIES: readonly FallbackPolicy[] = Object.freeze(['bridge', 'rtp']);

export const DEFAULT_FALLBACK_POLICY: FallbackPolicy = 'bridge';

export function assertFallbackPolicy(value: unknown): FallbackPolicy {
  if (value === 'bridge' || value === 'rtp') return value;
  throw new CallError('CALL_ERR_BAD_POLICY', String(value));
}
