import { FallbackPolicy } from './fallback-policy';
import { SecurityIcon } from './icon';
import { StreamPlan } from './media-plan';
import { Notice, Reason } from './reasons';
import { SecurityLevel } from './security-level';
import { IndicationTone } from './tone';

export interface DeviceReport {
  readonly leg: string;
  readonly deviceId: string;
  /** What this leg's device shows for the call status, given its icon capability (seed 003 Table 4). */
  readonly icon: SecurityIcon;
  /** Indication tone for protected phones (seed 004); 'none' for every other device. */
  readonly tone: IndicationTone;
}

/**
 * The security of one call, as the API returns it: `{ status, devices, media, reasons }`, plus
 * the fallback policy the media plan was computed under and informational notices.
 */
export interface SecurityReport {
  readonly status: SecurityLevel;
  readonly devices: readonly DeviceReport[];
  readonly media: readonly StreamPlan[];
  readonly policy: FallbackPolicy;
  /** Why the status is below encrypted; empty exactly when the status is encrypted. */
  readonly reasons: readonly Reason[];
  readonly notices: readonly Notice[];
}

/** Stable comparison key: reports are built in a fixed order, so equal reports serialize equally. */
export function reportKey(report: SecurityReport): string {
  return JSON.stringify(report);
}
