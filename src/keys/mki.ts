/**
 * MKI values (RFC 3711 §3.1, RFC 4568 §6.1): an unsigned big-endian integer of a fixed byte
 * length, 1..128 bytes in SDES. Values are written in SDES as decimal, so they are parsed with
 * BigInt here; this is control-plane code and never runs per packet.
 */
import { KeyError, KeyErrorCode } from './errors';

export const MAX_MKI_LENGTH = 128;

export function checkMkiLength(length: number): void {
  if (!Number.isInteger(length) || length < 1 || length > MAX_MKI_LENGTH) {
    throw new KeyError(KeyErrorCode.BadMkiLength, `MKI length ${length} is outside 1..${MAX_MKI_LENGTH} bytes (RFC 4568 §6.1)`);
  }
}

/** Encode a non-negative integer as an MKI of `length` bytes; throws when it does not fit. */
export function mkiFromValue(value: bigint, length: number): Uint8Array {
  checkMkiLength(length);
  if (value < 0n || value >= 1n << BigInt(length * 8)) {
    throw new KeyError(KeyErrorCode.BadMki, `MKI value does not fit in ${length} byte(s)`);
  }
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** The integer an MKI encodes, as SDES writes it. */
export function mkiToValue(mki: Uint8Array): bigint {
  let v = 0n;
  for (const b of mki) v = (v << 8n) | BigInt(b);
  return v;
}
