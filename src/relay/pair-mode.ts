/**
 * What the relay does with packets going from one leg to its peer (docs/relay.md, "Pair modes").
 * Chosen once per direction when two legs are connected; the packet path only switches on it.
 */
import { RelayError, RelayErrorCode } from './errors';
import { acceptsAllOf, shareMasterKey, type ContextFingerprint } from './key-fingerprint';

export enum PairMode {
  /** The receiver accepts the sender's keys as they are (end-to-end keying): verify the tag and replay state, forward unchanged. */
  Passthrough = 0,
  /** Unprotect with the inbound leg's context, protect with the outbound leg's. */
  Recrypt = 1,
  /** SRTP in, plain RTP out (fallback). */
  Decrypt = 2,
  /** Plain RTP in, SRTP out. */
  Encrypt = 3,
  /** Plain RTP both sides. */
  Forward = 4,
}

const NAMES = ['passthrough', 'recrypt', 'decrypt', 'encrypt', 'forward'] as const;
export type PairModeName = (typeof NAMES)[number];

export function pairModeName(mode: PairMode): PairModeName {
  return NAMES[mode];
}

/** Key identity of a leg as the control plane keeps it (no key bytes). */
export interface LegKeying {
  readonly inbound: ContextFingerprint;
  readonly outbound: ContextFingerprint;
}

/**
 * Mode for packets arriving on `from` (sent by its remote with from.inbound keys) and leaving
 * on `to` (received by its remote with to.outbound keys). `null` is a plain RTP leg.
 *
 * Passthrough when `to`'s remote accepts, unchanged, every packet that verifies on `from`: same
 * wire parameters and every key of from.inbound in to.outbound under the same MKI. That covers
 * identical sets and seed 003 call keys, where to.outbound also holds the relay-origin keys it
 * protects with (src/keys/direction-keys.ts). A master key shared in any other way is refused:
 * re-protecting would reuse a (key, SSRC, index) of the sender (RFC 3711 §9.1).
 */
export function choosePairMode(from: LegKeying | null, to: LegKeying | null): PairMode {
  if (from === null) return to === null ? PairMode.Forward : PairMode.Encrypt;
  if (to === null) return PairMode.Decrypt;
  if (acceptsAllOf(to.outbound, from.inbound)) return PairMode.Passthrough;
  if (shareMasterKey(from.inbound, to.outbound)) {
    throw new RelayError(
      RelayErrorCode.KeyReuse,
      'the two legs share a master key with different SRTP parameters or MKIs; re-protecting would reuse a (key, SSRC, index) (RFC 3711 §9.1)',
    );
  }
  return PairMode.Recrypt;
}

/** Whether the relay protects packets going into a leg in this mode (with the leg's outbound context). */
export function protectsInto(mode: PairMode | null): boolean {
  return mode === PairMode.Recrypt || mode === PairMode.Encrypt;
}
