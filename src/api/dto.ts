/**
 * The TypeScript shapes of the HTTP API's replies, for clients (the scenario runner, tests, any
 * TypeScript program that drives the relay over HTTP). Each reply is validated against its JSON
 * schema in schemas.ts before it is sent (reply-validation.ts); the call views are call
 * control's own (src/control/session-view.ts), returned as they are.
 */
import type { CallView } from '../control';

export type {
  CallView, LegView, StreamView, ResourceView, BridgeView, BridgePortView, ConferenceView, OperationResult, LegKeysView, BridgeKeysView, SdpResult,
} from '../control';
export type { SecurityReport as SecurityView, DeviceReport } from '../call';
/** Request bodies (POST .../legs and the leg inside transfer, participant, barge, meet-me): `keyingScope` picks call or leg keys. */
export type { LegRequest, StreamRequest } from '../control';
export type { KeyingScope } from '../keys';
export type { ErrorBody } from './error-mapping';

/** GET /v1/calls */
export interface CallList {
  readonly calls: readonly CallView[];
}

/** GET /healthz */
export interface Health {
  readonly status: 'ok';
  readonly calls: number;
  readonly workers: { readonly total: number; readonly alive: number };
}
