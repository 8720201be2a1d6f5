/**
 * A call session as plain data: what a standby needs to take the call over on the same ports
 * (rtpengine keeps per-call JSON in Redis for the same purpose). Versioned and JSON-safe. Key
 * material never appears: relay legs name their key sets by id (`keySetIds`), managed ids refer
 * to the key manager (whose sets are sealed for a store by `KeyManager.persist`), other ids to
 * the session's own sets (`CallSession.keys.exportOwned()`).
 *
 * Not carried: SRTP replay windows and rollover counters (a restored relay leg starts fresh
 * contexts; reserving index ranges across a failover is the HA store's job), packet counters,
 * and an SDES offer still waiting for its answer (its keys and reservation are dropped; the
 * endpoint's late answer is refused with API_ERR_NO_PENDING_OFFER).
 */
import type { CallState } from '../call';
import type { BridgeState } from './conference-bridge';
import type { RelayLegSpec } from './relay-legs';
import type { LegState } from './session-leg';
import type { ResourceState } from './session-resource';

export const SNAPSHOT_VERSION = 1;

export interface SessionSnapshot {
  readonly version: typeof SNAPSHOT_VERSION;
  readonly id: string;
  readonly createdAt: string;
  /** The call model's state (devices, legs, resources, hold, conference, policy). */
  readonly model: CallState;
  /** Last relay leg id number used: ids are never reused within a call. */
  readonly relayLegSequence: number;
  /** Every relay leg: owner, local ports, remote, latching, key set ids. */
  readonly relayLegs: readonly RelayLegSpec[];
  readonly legs: readonly LegState[];
  readonly resources: readonly ResourceState[];
  readonly bridge: BridgeState | null;
}

/** What a snapshot reads from a session. */
export interface SnapshotSource {
  readonly id: string;
  readonly createdAt: string;
  readonly model: { readonly state: CallState };
  readonly relayLegs: {
    readonly sequence: number;
    readonly call: { leg(id: string): { stats(): { remote: { address: string; port: number } | null } } | undefined };
    ids(): IterableIterator<string>;
    spec(id: string): RelayLegSpec | undefined;
  };
  readonly bridge: { state(): BridgeState } | null;
  legs(): readonly { state(): LegState }[];
  resources(): readonly { state(): ResourceState }[];
}

/** A deep copy through JSON: what a store would hold, with nothing shared with the live session. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function snapshotSession(s: SnapshotSource): SessionSnapshot {
  const relayLegs = [...s.relayLegs.ids()].map((id) => {
    const spec = s.relayLegs.spec(id) as RelayLegSpec;
    // The remote the relay sends to now (signaled, or latched from authenticated packets).
    const live = s.relayLegs.call.leg(id)?.stats().remote ?? null;
    const remote = live === null ? spec.remote : { ...spec.remote, address: live.address, port: live.port };
    return { ...spec, remote };
  });
  return plain({
    version: SNAPSHOT_VERSION,
    id: s.id,
    createdAt: s.createdAt,
    model: s.model.state,
    relayLegSequence: s.relayLegs.sequence,
    relayLegs,
    legs: s.legs().map((l) => l.state()),
    resources: s.resources().map((r) => r.state()),
    bridge: s.bridge === null ? null : s.bridge.state(),
  });
}
