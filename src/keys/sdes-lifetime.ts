/**
 * The SDES lifetime field (RFC 4568 §6.1): packets a master key may protect, written as a
 * decimal or as "2^n". SRTP caps a master key at 2^48 packets (RFC 3711 §9.2).
 */
import { KeyError, KeyErrorCode } from './errors';
import { printable } from './suite-resolution';

/** 2^48 fits a double exactly (a 48-bit count is a number, never a BigInt on the packet path). */
export const MAX_SRTP_LIFETIME = 2 ** 48;

const DECIMAL = /^[0-9]+$/;
const POWER = /^2\^([0-9]+)$/;

export function parseLifetime(text: string): number {
  const pow = POWER.exec(text);
  let value: number;
  if (pow !== null) {
    value = 2 ** Number(pow[1]);
  } else if (DECIMAL.test(text)) {
    value = Number(text);
  } else {
    throw new KeyError(KeyErrorCode.BadLifetime, `lifetime ${printable(text)} is neither a decimal nor 2^n`);
  }
  if (value < 1 || value > MAX_SRTP_LIFETIME) {
    throw new KeyError(KeyErrorCode.BadLifetime, `lifetime ${printable(text)} is outside 1..2^48 packets (RFC 3711 §9.2)`);
  }
  return value;
}

/** Powers of two as "2^n" (the form RFC 4568 examples use), anything else as decimal. */
export function formatLifetime(value: number): string {
  const n = Math.log2(value);
  return Number.isInteger(n) && n > 0 ? `2^${n}` : String(value);
}
