import { ClusterConfig } from './cluster';
import { Device } from './device';
import { SecurityLevel } from './security-level';

export type IndicationTone = 'secure' | 'nonsecure' | 'none';

/**
 * Seed 004 "Secure Phone Call Identification": only protected phones play indication tones, and
 * only when the Play Secure Indication Tone service parameter is True. Secure tone (three long
 * beeps) when end-to-end secure media is established and the status is secure; nonsecure tone
 * (six short beeps) when nonsecure media is established. When the status changes during the
 * call, the tone changes with it, so the tone is reported from the current status.
 *
 * `established` is false while a hold/forward/transfer is pending or a SIP barge tone plays:
 * no end-to-end media is established then, so no indication tone applies.
 *
 * Choice (seeds silent): an authenticated call has nonsecure media, so a protected phone hears
 * the nonsecure tone — the tone tells the user whether the audio is protected.
 */
export function toneFor(device: Device, status: SecurityLevel, cluster: ClusterConfig, established: boolean): IndicationTone {
  // Seed 003 "Cluster and device security modes": in a nonsecure cluster security-related
  // settings are ignored, the protected flag with them.
  if (cluster.securityMode === 'nonsecure' || !cluster.playSecureIndicationTone) return 'none';
  if (!device.protectedDevice || !established) return 'none';
  return status === 'encrypted' ? 'secure' : 'nonsecure';
}
