/**
 * A standby binds its media sockets to the floating address before that address is on any of
 * its interfaces (it arrives with the takeover, docs/ha.md). Linux allows that with IP_FREEBIND
 * per socket, which node:dgram cannot set, or per network namespace with the sysctl
 * net.ipv4.ip_nonlocal_bind (net.ipv6.ip_nonlocal_bind) = 1. Check it at start, loudly.
 */
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import os from 'node:os';

/** Null when binding `address` will work; otherwise why not. */
export function nonlocalBindProblem(address: string): string | null {
  if (address === '0.0.0.0' || address === '::') return null;
  const local = Object.values(os.networkInterfaces()).some((list) => (list ?? []).some((a) => a.address === address));
  if (local) return null;
  const v6 = isIPv6(address);
  const file = `/proc/sys/net/${v6 ? 'ipv6' : 'ipv4'}/ip_nonlocal_bind`;
  let value = '';
  try {
    value = readFileSync(file, 'utf8').trim();
  } catch {
    return `media address ${address} is not on this host and ${file} cannot be read`;
  }
  if (value === '1') return null;
  return `media address ${address} (the floating address) is not on this host yet: a standby needs sysctl net.${v6 ? 'ipv6' : 'ipv4'}.ip_nonlocal_bind=1 to bind it before takeover`;
}
