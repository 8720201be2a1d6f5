/**
 * The parts of the control API's JSON the runner reads (src/api/views.ts, schemas.ts). Kept
 * narrow on purpose: a remote relay of another version only needs these fields.
 */
import type { Icon, MediaKind, SecurityStatus, Tone, Transport } from './scenario-types';

export interface LocalView {
  readonly address: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
}

export interface StreamView {
  readonly kind: MediaKind;
  readonly transport: Transport | null;
  readonly suite: string | null;
  readonly local: LocalView | null;
  readonly mode: string | null;
  readonly peer: string | null;
  /** SDES answer (only in the add-leg and transfer responses; secret). */
  readonly crypto?: string;
}

export interface LegView {
  readonly id: string;
  readonly keying: string;
  readonly streams: readonly StreamView[];
}

export interface CallView {
  readonly id: string;
  readonly status: SecurityStatus;
  readonly policy: string;
  readonly legs: readonly LegView[];
  readonly resources: readonly { readonly id: string; readonly kind: string }[];
  readonly hold: { readonly holdingLegId: string; readonly mohResourceId: string | null } | null;
  readonly pending: string | null;
  /** The conference bridge, when the call is an ad hoc or meet-me conference. */
  readonly bridge?: { readonly id: string } | null;
}

export interface SecurityView {
  readonly status: SecurityStatus;
  readonly devices: readonly { readonly leg: string; readonly deviceId: string; readonly icon: Icon; readonly tone: Tone }[];
  readonly reasons: readonly { readonly code: string; readonly legId?: string; readonly resourceId?: string; readonly stream?: string }[];
  readonly notices?: readonly { readonly code: string; readonly legId?: string }[];
}

export interface ResourceResult {
  readonly resource?: { readonly local?: Readonly<Record<string, LocalView | null>> };
  readonly leg?: LegView;
}

export interface KeysView {
  readonly streams: readonly { readonly kind: string; readonly send: string; readonly receive: string }[];
}
