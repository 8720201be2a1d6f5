/**
 * Cluster-wide settings the status depends on.
 *
 * - `securityMode`: seed 003 Table 1 names the two cluster modes, "Mixed Mode" (secure and
 *   nonsecure profiles, SRTP allowed) and "Nonsecure Mode". Seed 003 "Cluster and device
 *   security modes": when the cluster is nonsecure every device acts nonsecure whatever its
 *   profile, and other security settings are ignored.
 * - `playSecureIndicationTone`: seed 004 "Phone Call Security" — a service parameter, False by
 *   default, that lets protected phones play the secure / nonsecure indication tones.
 */
export type ClusterSecurityMode = 'mixed' | 'nonsecure';

export interface ClusterConfig {
  readonly securityMode: ClusterSecurityMode;
  readonly playSecureIndicationTone: boolean;
}

/** Seed 002 "Interaction Between Cisco CallManager and the Cisco IP Phone": a fresh cluster boots nonsecure. */
export const DEFAULT_CLUSTER: ClusterConfig = Object.freeze({
  securityMode: 'nonsecure',
  playSecureIndicationTone: false,
});

export function defineCluster(config: Partial<ClusterConfig> = {}): ClusterConfig {
  return Object.freeze({ ...DEFAULT_CLUSTER, ...config });
}
