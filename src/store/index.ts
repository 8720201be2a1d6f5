/** State store and HA (`src/store`): see docs/ha.md. */
export { type StateStore, type StateStoreEvents, type StoreStatus, type StoreChange, type IndexEntry } from './state-store';
export { MemoryStore } from './memory-store';
export { RedisStore, DEFAULT_KEY_PREFIX, type RedisStoreOptions } from './redis-store';
export { parseStoreUrl, type StoreLocation } from './store-url';
export { HaNode, type HaNodeOptions, type ClusterStatus, type NodeRole, type HaTotals } from './ha-node';
export { recordOf, parseRecord, restoreRecord, CALL_RECORD_VERSION, type CallRecord } from './call-record';
export { indexField, floorsByLeg } from './index-fields';
