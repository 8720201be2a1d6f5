/**
 * The three call security levels of seed 003 "Security icons": encrypted (lock), authenticated
 * (shield) and nonsecure (no icon). Ordered so the call status is the minimum over its parts.
 */
export type SecurityLevel = 'nonsecure' | 'authenticated' | 'encrypted';

const RANK: Readonly<Record<SecurityLevel, number>> = { nonsecure: 0, authenticated: 1, encrypted: 2 };

export function levelRank(level: SecurityLevel): number {
  return RANK[level];
}

export function minLevel(a: SecurityLevel, b: SecurityLevel): SecurityLevel {
  return RANK[a] <= RANK[b] ? a : b;
}

export function atLeast(level: SecurityLevel, floor: SecurityLevel): boolean {
  return RANK[level] >= RANK[floor];
}
