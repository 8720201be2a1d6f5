/**
 * The parts of the API's replies and events the console reads: a read-only subset of
 * src/api/dto.ts and src/control/control-events.ts, declared here because the browser build
 * cannot compile the server's modules. Note what is absent: nothing here can hold key material.
 */
export type SecurityLevel = 'encrypted' | 'authenticated' | 'nonsecure';
export type SecurityIcon = 'lock' | 'shield' | 'none';

export interface Endpoint { readonly address: string; readonly port: number; readonly rtcpPort?: number }

export interface StreamView {
  readonly kind: string;
  readonly srtp: boolean;
  readonly negotiated: boolean;
  readonly transport: 'srtp' | 'rtp' | 'inactive' | null;
  readonly suite: string | null;
  readonly local: { readonly address: string; readonly rtpPort: number; readonly rtcpPort: number } | null;
  readonly remote: Endpoint | null;
  readonly peer: string | null;
  readonly mode: string | null;
  readonly counters: Readonly<Record<string, number>> | null;
}

export interface DeviceView {
  readonly id: string;
  readonly kind: string;
  readonly trusted: boolean;
  readonly securityMode: SecurityLevel;
  readonly signalingTls: boolean;
  readonly srtpCapable: boolean;
  readonly iconCapability?: 'shield_and_lock' | 'lock_only';
  readonly protectedDevice?: boolean;
}

export interface LegView {
  readonly id: string;
  readonly device: DeviceView;
  readonly keying: 'managed' | 'sdes' | 'none';
  readonly streams: readonly StreamView[];
}

export interface ResourceView {
  readonly id: string;
  readonly kind: string;
  readonly leg: string | null;
  readonly stream: string;
}

export interface CallView {
  readonly id: string;
  readonly createdAt: string;
  readonly policy: 'bridge' | 'rtp';
  readonly status: SecurityLevel;
  readonly legs: readonly LegView[];
  readonly resources: readonly ResourceView[];
  readonly hold: { readonly holdingLegId: string; readonly mohResourceId: string | null } | null;
  readonly pending: string | null;
  readonly conference: { readonly kind: string; readonly initiator: string; readonly bridge: string | null } | null;
}

export interface CallPage {
  readonly calls: readonly CallView[];
  readonly nextCursor: string | null;
}

export interface Reason { readonly code: string; readonly legId?: string; readonly resourceId?: string; readonly stream?: string }

export interface DeviceReport { readonly leg: string; readonly deviceId: string; readonly icon: SecurityIcon; readonly tone: 'secure' | 'nonsecure' | 'none' }

export interface SecurityReport {
  readonly status: SecurityLevel;
  readonly devices: readonly DeviceReport[];
  readonly reasons: readonly Reason[];
  readonly notices: readonly { readonly code: string; readonly legId?: string }[];
  readonly policy: 'bridge' | 'rtp';
}

/** A `/v1/events` message (docs/api.md "Events"). */
export interface ApiEvent {
  readonly type: string;
  readonly seq: number;
  readonly at: string;
  readonly callId?: string;
  readonly legId?: string;
  readonly resourceId?: string;
  readonly kind?: string;
  readonly reason?: string;
  readonly stream?: string;
  readonly transport?: string;
  readonly previousStatus?: SecurityLevel;
  readonly status?: SecurityLevel;
  readonly reasons?: readonly Reason[];
  readonly report?: SecurityReport;
}
