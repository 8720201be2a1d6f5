import { CallError } from './errors';

/**
 * A device taking part in a call, as the call controller describes it. Plain frozen data: the
 * status function reads it, never mutates it.
 */
export type DeviceKind =
  | 'ip_phone'
  | 'gateway'
  | 'sip_trunk'
  | 'h323_trunk'
  | 'pstn_gateway'
  | 'moh_server'
  | 'transcoder'
  | 'mtp'
  | 'conference_bridge';

/** Devices that terminate a call leg. */
export const ENDPOINT_KINDS: readonly DeviceKind[] = Object.freeze([
  'ip_phone', 'gateway', 'sip_trunk', 'h323_trunk', 'pstn_gateway',
]);

/** Devices inserted into the media path by the call controller, never a leg of their own. */
export const RESOURCE_KINDS: readonly DeviceKind[] = Object.freeze([
  'moh_server', 'transcoder', 'mtp', 'conference_bridge',
]);

/** Seed 003 "Security icons and encryption": no shield for calls transiting these. */
export const TRUNK_KINDS: readonly DeviceKind[] = Object.freeze(['sip_trunk', 'h323_trunk']);

/** Device security mode of the device's security profile (seed 003 "Cluster and device security modes"). */
export type DeviceSecurityMode = 'nonsecure' | 'authenticated' | 'encrypted';

/** Seed 003 Table 4: phones that display both shield and lock, or only the lock. */
export type IconCapability = 'shield_and_lock' | 'lock_only';

/** Signaling protocol; seed 003 "Barge and encryption" treats SCCP and SIP targets differently. */
export type SignalingProtocol = 'sccp' | 'sip' | 'h323' | 'mgcp';

export interface Device {
  readonly id: string;
  readonly kind: DeviceKind;
  /**
   * Seed 001 "Trusted Devices": the system decides by device type whether a device passed the
   * security criteria for trusted connections; an untrusted device keeps the call unsecure
   * whatever its signaling and media.
   */
  readonly trusted: boolean;
  readonly securityMode: DeviceSecurityMode;
  /**
   * Signaling runs over TLS (phones, SIP trunks) — or, for MGCP/H.323 gateways and H.323
   * trunks, over IPSec, their transport security in seed 003 "TLS and IPSec". Seed 003 Table 1:
   * a nonsecure device "uses UDP or TCP signaling and nonsecure media".
   */
  readonly signalingTls: boolean;
  /** Seed 003 "Phone support and encryption": some devices cannot do encrypted calls at all. */
  readonly srtpCapable: boolean;
  readonly iconCapability: IconCapability;
  /**
   * Seed 004 "Phone Call Security": a secure (encrypted and trusted) phone may be marked
   * protected; only protected phones play the secure / nonsecure indication tones.
   */
  readonly protectedDevice: boolean;
  readonly protocol: SignalingProtocol;
  /**
   * False for phones that cannot take a barge from an encrypted device while in an encrypted
   * call (seed 003 "Barge and encryption", "Media encryption with Barge setup": 7940G/7960G).
   */
  readonly acceptsEncryptedBarge: boolean;
  /**
   * False for encrypted phones on firmware 8.2 or earlier: seed 003 "Phone support and
   * encryption" and "Barge and encryption" — they join secure conference and barge calls only
   * as authenticated or nonsecure participants.
   */
  readonly secureConferenceCapable: boolean;
}

export type DeviceSpec = Pick<Device, 'id' | 'kind'> & Partial<Omit<Device, 'id' | 'kind'>>;

const DEFAULT_PROTOCOL: Readonly<Record<DeviceKind, SignalingProtocol>> = {
  ip_phone: 'sccp',
  gateway: 'mgcp',
  sip_trunk: 'sip',
  h323_trunk: 'h323',
  pstn_gateway: 'mgcp',
  moh_server: 'sccp',
  transcoder: 'sccp',
  mtp: 'sccp',
  conference_bridge: 'sccp',
};

const ALL_KINDS = new Set<string>([...ENDPOINT_KINDS, ...RESOURCE_KINDS]);
const MODES = new Set<string>(['nonsecure', 'authenticated', 'encrypted']);

/**
 * Validate and freeze a device. Defaults describe a nonsecure device (secure by default: nothing is
 * assumed secure unless the controller says so).
 */
export function defineDevice(spec: DeviceSpec): Device {
  if (typeof spec.id !== 'string' || spec.id.length === 0) {
    throw new CallError('CALL_ERR_BAD_DEVICE', 'id must be a non-empty string');
  }
  if (!ALL_KINDS.has(spec.kind)) {
    throw new CallError('CALL_ERR_BAD_DEVICE_KIND', `unknown kind ${String(spec.kind)}`, { deviceId: spec.id });
  }
  const device: Device = {
    id: spec.id,
    kind: spec.kind,
    trusted: spec.trusted ?? false,
    securityMode: spec.securityMode ?? 'nonsecure',
    signalingTls: spec.signalingTls ?? false,
    srtpCapable: spec.srtpCapable ?? false,
    iconCapability: spec.iconCapability ?? 'shield_and_lock',
    protectedDevice: spec.protectedDevice ?? false,
    protocol: spec.protocol ?? DEFAULT_PROTOCOL[spec.kind],
    acceptsEncryptedBarge: spec.acceptsEncryptedBarge ?? true,
    secureConferenceCapable: spec.secureConferenceCapable ?? true,
  };
  if (!MODES.has(device.securityMode)) {
    throw new CallError('CALL_ERR_BAD_DEVICE', `unknown security mode ${String(device.securityMode)}`, { deviceId: device.id });
  }
  // Seed 004 "Phone Call Security": only a phone configured as secure (encrypted and trusted)
  // can be given protected status.
  if (device.protectedDevice
    && (device.kind !== 'ip_phone' || !device.trusted || device.securityMode !== 'encrypted')) {
    throw new CallError('CALL_ERR_BAD_DEVICE', 'a protected device must be a trusted, encrypted IP phone', { deviceId: device.id });
  }
  return Object.freeze(device);
}

export function isTrunk(device: Device): boolean {
  return TRUNK_KINDS.includes(device.kind);
}

export function isEndpoint(device: Device): boolean {
  return ENDPOINT_KINDS.includes(device.kind);
}
