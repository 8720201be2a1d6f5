import { Reason } from './reasons';
import { SecurityReport } from './security-report';
import { SecurityLevel } from './security-level';

/** Emitted whenever the security report changes (status, an icon, a tone, a segment or a reason). */
export interface SecurityChangeEvent {
  readonly callId: string;
  readonly previousStatus: SecurityLevel;
  readonly status: SecurityLevel;
  readonly reasons: readonly Reason[];
  readonly previous: SecurityReport;
  readonly report: SecurityReport;
}

/** Typed event map for `Call` (mediasoup style: one map, checked at every emit and on()). */
export interface CallEvents {
  securitychange: [SecurityChangeEvent];
  close: [];
}
