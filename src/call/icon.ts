import { IconCapability } from './device';
import { SecurityLevel } from './security-level';

export type SecurityIcon = 'lock' | 'shield' | 'none';

/**
 * Seed 003 Table 4 "Security Icon Display Rules": phones that display both icons show the
 * shield for an authenticated call; phones that display only the lock show nothing there.
 */
export function iconFor(status: SecurityLevel, capability: IconCapability): SecurityIcon {
  if (status === 'encrypted') return 'lock';
  if (status === 'authenticated') return capability === 'shield_and_lock' ? 'shield' : 'none';
  return 'none';
}
