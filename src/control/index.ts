/** Call control (`src/control`): one `CallSession` per call, driven by every front end. See docs/control.md. */
export { CallController, type CallControllerOptions } from './call-controller';
export { CallSession, type SessionContext, type SessionEvents } from './call-session';
export { SessionLeg, type LegState } from './session-leg';
export { SessionStream, type Keying, type StreamState, type PendingSdesOffer } from './session-stream';
export { SessionResource, type ResourceState, type SessionResourceKind } from './session-resource';
export { ConferenceBridge, type BridgeState } from './conference-bridge';
export { BridgePort, type BridgePortState } from './bridge-port';
export { RelayLegs, type RelayLegOwner, type RelayLegSpec, type ResourceRole } from './relay-legs';
export { SessionKeys, copyKeySet, type KeySource } from './session-keys';
export { LegKeying, callKeyRefs, type CallKeyBinding, type StreamKeyRefs } from './leg-keying';
export { EnhancedEmitter } from './enhanced-emitter';
export { SNAPSHOT_VERSION, type SessionSnapshot } from './session-snapshot';
export { CONTROL_EVENT_TYPES, type ControlEventMap, type ControlEventType, type ControlEmitterMap, type KeyLimitPayload, type CallCloseReason } from './control-events';
export { CONTROL_ERRORS, ControlError, withField, fieldOf, type ControlErrorCode } from './errors';
export type { LegRequest, StreamRequest, PrepareOptions } from './leg-setup';
export type { CreateCallRequest } from './call-legs';
export type { HoldRequest, InsertRequest, TransferRequest } from './fallback-operations';
export type { ConferenceRequest, MeetMeRequest, BridgeOffer } from './conference-operations';
export type { BargeRequest } from './barge-operation';
export type { SdpRequest } from './sdp-exchange';
export type {
  CallView, LegView, StreamView, ResourceView, BridgeView, BridgePortView, ConferenceView, OperationResult, LegKeysView, BridgeKeysView, SdpResult,
} from './session-view';
export { planPairs, type Plumbing, type PlumbingView } from './media-plumbing';
export { parseEndpointSdp, writeSdpFor, type ParsedSdp, type SdpMedia, type SdpTarget } from './sdp-rewrite';
