/**
 * This relay's ng extension: what the proxy tells us about each side of a call, as `key=value`
 * flags (docs/ng.md, "Security flags"). `from-` is the SIP From side (the from-tag), `to-` the To
 * side (the to-tag), in offers and answers alike (rtpengine's tags keep their meaning in both):
 *
 *   <side>-device=ip_phone|gateway|sip_trunk|h323_trunk|pstn_gateway
 *   <side>-trusted=yes|no             <side>-security=nonsecure|authenticated|encrypted
 *   <side>-signalling-tls=yes|no      <side>-icon=shield_and_lock|lock_only
 *   <side>-protected=yes|no
 *
 * A side the proxy says nothing about is described conservatively (seed 001: nothing is assumed
 * secure unless the controller says so): a SIP phone, not trusted. Its SDP decides its media:
 * a side that negotiates SDES gets SRTP (its keys travelled in signalling the proxy accepted, so
 * its security mode and signalling default to `encrypted` and TLS, which is what the call model
 * needs to keep its media encrypted), a plain side is `nonsecure`. Untrusted, the call's status
 * stays nonsecure, and the ng `security` dictionary says the controller did not tell us.
 */
import { ENDPOINT_KINDS, type DeviceKind, type DeviceSpec, type IconCapability, type SecurityLevel } from '../call';
import { NgError, NgErrorCode } from './errors';

export type NgSide = 'from' | 'to';

export interface SideHints {
  readonly device: Omit<DeviceSpec, 'id' | 'srtpCapable'>;
  /** False when no hint for this side came: the status reasons say so. */
  readonly told: boolean;
}

const FIELDS = ['device', 'trusted', 'security', 'signalling-tls', 'signaling-tls', 'icon', 'protected'] as const;
const MODES: readonly SecurityLevel[] = ['nonsecure', 'authenticated', 'encrypted'];
const ICONS: readonly IconCapability[] = ['shield_and_lock', 'lock_only'];

function bad(key: string, value: string, allowed: readonly string[]): NgError {
  return new NgError(NgErrorCode.BadValue, `flag "${key}=${value}": expected one of ${allowed.join(', ')}`);
}

function yesNo(key: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['yes', 'true', '1', 'on'].includes(v)) return true;
  if (['no', 'false', '0', 'off'].includes(v)) return false;
  throw bad(key, value, ['yes', 'no']);
}

function oneOf<T extends string>(key: string, value: string, allowed: readonly T[]): T {
  const v = value.trim().toLowerCase().replace(/-/g, '_');
  if (!(allowed as readonly string[]).includes(v)) throw bad(key, value, allowed);
  return v as T;
}

/** The hints for one side; throws NG_ERR_BAD_VALUE for a value it does not understand. */
export function sideHints(params: Readonly<Record<string, string>>, side: NgSide, srtp: boolean): SideHints {
  const device: { -readonly [K in keyof SideHints['device']]: SideHints['device'][K] } = {
    kind: 'ip_phone', protocol: 'sip', trusted: false, securityMode: srtp ? 'encrypted' : 'nonsecure', signalingTls: srtp,
  };
  let told = false;
  for (const field of FIELDS) {
    const key = `${side}-${field}`;
    const value = params[key];
    if (value === undefined) continue;
    told = true;
    if (field === 'device') device.kind = oneOf<DeviceKind>(key, value, ENDPOINT_KINDS);
    else if (field === 'trusted') device.trusted = yesNo(key, value);
    else if (field === 'security') device.securityMode = oneOf(key, value, MODES);
    else if (field === 'icon') device.iconCapability = oneOf(key, value, ICONS);
    else if (field === 'protected') device.protectedDevice = yesNo(key, value);
    else device.signalingTls = yesNo(key, value);
  }
  return { device, told };
}

/** Whether any hint for `side` is among the params (they only count in the offer that creates the leg). */
export function hasSideHints(params: Readonly<Record<string, string>>, side: NgSide): boolean {
  return FIELDS.some((f) => params[`${side}-${f}`] !== undefined);
}
