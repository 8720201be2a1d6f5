import { ClusterConfig } from './cluster';
import { Device } from './device';
import { ReasonCode, reasonCap } from './reasons';
import { minLevel, SecurityLevel } from './security-level';

export interface DeviceSecurity {
  /** The level this device allows the call to reach (before media is considered). */
  readonly level: SecurityLevel;
  /** Device-scope reasons that lower `level`. */
  readonly reasons: readonly ReasonCode[];
  /** Why this device's media cannot be SRTP, or null when it can. */
  readonly mediaBlock: ReasonCode | null;
}

/**
 * Effective security of one device.
 *
 * - Cluster nonsecure: seed 003 "Cluster and device security modes" — the device acts
 *   nonsecure whatever its profile. The single call-level `cluster_nonsecure` reason explains it.
 * - Trust: seed 001 "Device Called Trust Determination Criteria" — an untrusted device keeps the
 *   call unsecure regardless of signaling and media. Trust does not stop SRTP on the segment:
 *   seed 003 "Media encryption" lets IOS gateways and trunks encrypt media without
 *   authentication.
 * - Signaling: seed 003 Table 1 — a nonsecure device uses UDP or TCP signaling; a secure call
 *   needs encrypted signaling, so an `authenticated` profile (TLS integrity only) caps the call
 *   at the shield.
 * - Media: seed 003 "Media encryption" — authentication and signaling encryption are the
 *   minimum for media encryption (keys travel in the signaling), and the device must support
 *   SRTP.
 */
export function deviceSecurity(device: Device, cluster: ClusterConfig): DeviceSecurity {
  if (cluster.securityMode === 'nonsecure') {
    return { level: 'nonsecure', reasons: [], mediaBlock: 'cluster_nonsecure' };
  }
  const reasons: ReasonCode[] = [];
  if (!device.trusted) reasons.push('device_not_trusted');
  if (device.securityMode === 'nonsecure') reasons.push('device_nonsecure');
  else if (!device.signalingTls) reasons.push('signaling_not_tls');
  else if (device.securityMode === 'authenticated') reasons.push('signaling_not_encrypted');

  let level: SecurityLevel = 'encrypted';
  for (const r of reasons) level = minLevel(level, reasonCap(r));

  let mediaBlock: ReasonCode | null = null;
  if (device.securityMode === 'nonsecure') mediaBlock = 'device_nonsecure';
  else if (!device.signalingTls) mediaBlock = 'signaling_not_tls';
  else if (device.securityMode === 'authenticated') mediaBlock = 'signaling_not_encrypted';
  else if (!device.srtpCapable) mediaBlock = 'device_not_srtp_capable';
  return { level, reasons, mediaBlock };
}

/**
 * The level a device joins a conference or barge at. Seed 003 "Phone support and encryption":
 * encrypted phones on older firmware take part in secure conference and barge calls only as
 * authenticated or nonsecure participants.
 */
export function participantLevel(device: Device, cluster: ClusterConfig): SecurityLevel {
  const { level, mediaBlock } = deviceSecurity(device, cluster);
  // A device whose media cannot be SRTP is at most authenticated in the conference, whatever
  // its signaling.
  let result = mediaBlock === null ? level : minLevel(level, 'authenticated');
  if (!device.secureConferenceCapable) result = minLevel(result, 'authenticated');
  return result;
}

/** Device configured for encryption, as seed 004 "Provide Encryption for Barge" uses the phrase. */
export function isConfiguredForEncryption(device: Device, cluster: ClusterConfig): boolean {
  return cluster.securityMode !== 'nonsecure' && device.securityMode === 'encrypted';
}
