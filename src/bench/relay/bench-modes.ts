/**
 * The four pair modes the relay benchmark drives, as data: what each leg speaks, which keys
 * the relay holds, and how the same work is asked of rtpengine over its ng protocol.
 *
 * Leg A is the offerer, leg B the answerer. Streams run both ways, so "SRTP→RTP" also
 * measures RTP→SRTP on the way back, as a real fallback call would.
 */
export const BENCH_MODES = ['srtp-rtp', 'srtp-srtp', 'passthrough', 'rtp-rtp'] as const;
export type BenchMode = (typeof BENCH_MODES)[number];

/** What the two endpoints of a call speak, and whose keys protect each hop. */
export interface ModeSpec {
  readonly mode: BenchMode;
  readonly title: string;
  /** SRTP suite on leg A (null: plain RTP). */
  readonly suiteA: string | null;
  /** SRTP suite on leg B (null: plain RTP). */
  readonly suiteB: string | null;
  /** Endpoints hold each other's keys and the relay only verifies (end-to-end keying). */
  readonly endToEndKeys: boolean;
  /** Our relay's pair mode names, A→B / B→A. */
  readonly ours: string;
  /** What rtpengine is asked to do, and what it then does per packet. */
  readonly rtpengine: string;
}

const SUITE_80 = 'AES_CM_128_HMAC_SHA1_80';
/**
 * Recrypt uses a different suite on leg B so that rtpengine re-keys that side (offered the
 * same suite back, it forwards SRTP untouched). HMAC-SHA1 costs the same for a 32- or 80-bit
 * tag, so both relays do one unprotect and one protect per packet of identical cost.
 */
const SUITE_32 = 'AES_CM_128_HMAC_SHA1_32';

export const MODE_SPECS: Readonly<Record<BenchMode, ModeSpec>> = Object.freeze({
  'srtp-rtp': {
    mode: 'srtp-rtp',
    title: 'SRTP → RTP (fallback)',
    suiteA: SUITE_80,
    suiteB: null,
    endToEndKeys: false,
    ours: 'decrypt / encrypt',
    rtpengine: 'offer RTP/SAVP + a=crypto with `transport-protocol: RTP/AVP`; rtpengine unprotects A→B and protects B→A with its own SDES key',
  },
  'srtp-srtp': {
    mode: 'srtp-srtp',
    title: 'SRTP → SRTP (recrypt)',
    suiteA: SUITE_80,
    suiteB: SUITE_32,
    endToEndKeys: false,
    ours: 'recrypt / recrypt',
    rtpengine: 'offer RTP/SAVP (AES_CM_128_HMAC_SHA1_80); the answerer picks rtpengine\'s own AES_CM_128_HMAC_SHA1_32 line, so rtpengine unprotects and re-protects every packet',
  },
  passthrough: {
    mode: 'passthrough',
    title: 'SRTP passthrough (verified)',
    suiteA: SUITE_80,
    suiteB: SUITE_80,
    endToEndKeys: true,
    ours: 'passthrough / passthrough (tag and replay verified, bytes forwarded)',
    rtpengine: 'offer RTP/SAVP; the answerer accepts the offerer\'s own crypto line, so rtpengine forwards SRTP opaquely: it does NOT verify tags or replay (less work than ours)',
  },
  'rtp-rtp': {
    mode: 'rtp-rtp',
    title: 'RTP → RTP (forward)',
    suiteA: null,
    suiteB: null,
    endToEndKeys: false,
    ours: 'forward / forward',
    rtpengine: 'offer and answer RTP/AVP; plain forwarding',
  },
});

export function isBenchMode(s: string): s is BenchMode {
  return (BENCH_MODES as readonly string[]).includes(s);
}
