/** Media plane (`src/relay`): see docs/relay.md. */
export { MediaRelay, type MediaRelayOptions, type MediaRelayEvents, type WorkerDiedEvent } from './media-relay';
export { RelayCall, type CallStats } from './relay-call';
export { RelayLeg, type AddLegOptions, type LegStats, type LegLocal, type Endpoint, type PortReservation } from './relay-leg';
export { RELAY_ERRORS, RelayError, RelayErrorCode } from './errors';
export { PairMode, pairModeName, type PairModeName } from './pair-mode';
export { type LatchingPolicy } from './latching';
export { type LegSrtpOptions } from './key-transfer';
export { COUNTER_NAMES, type CounterName, type LegCounterValues } from './leg-counters';
export { type RemoteEndpoint, type LatchEvent, type KeyLimitWorkerEvent, type IndexFloor, type IndexGrant, type IndexReserveEvent, type IndexCheckpointEvent } from './worker-messages';
export { DEFAULT_INDEX_BLOCK } from './index-guard';
export { PortPool, type PortAllocation } from './port-pool';
export { AddressPolicy, AddressVerdict, addressVerdictText, DEFAULT_DENY, parseCidr, type AddressPolicyConfig } from './address-policy';
