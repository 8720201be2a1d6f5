/**
 * One participant stream's port on the conference bridge: the relay leg toward the bridge, SRTP
 * with its own key manager leg toward a secure bridge (the bridge fetches the keys through the
 * bridge key delivery, `bridgeKeys`), plain RTP toward a nonsecure one. `close()` removes the relay leg,
 * releases the keys and tells the bridge (`@close`). Idempotent.
 */
import type { MediaKind } from '../call';
import { EnhancedEmitter } from './enhanced-emitter';
import type { LegKeying } from './leg-keying';
import type { RelayLegs } from './relay-legs';

export interface BridgePortState {
  readonly legId: string;
  readonly stream: MediaKind;
  readonly relayLegId: string;
  /** Key manager leg of a secure bridge's port; null for RTP. */
  readonly keyLegId: string | null;
  readonly suite: string | null;
}

export class BridgePort extends EnhancedEmitter<{ '@close': [] }> {
  readonly legId: string;
  readonly stream: MediaKind;
  readonly relayLegId: string;
  readonly keyLegId: string | null;
  readonly suite: string | null;
  #closed = false;

  constructor(state: BridgePortState, private readonly relayLegs: RelayLegs, private readonly keying: LegKeying) {
    super();
    this.legId = state.legId;
    this.stream = state.stream;
    this.relayLegId = state.relayLegId;
    this.keyLegId = state.keyLegId;
    this.suite = state.suite;
  }

  get closed(): boolean { return this.#closed; }

  state(): BridgePortState {
    return { legId: this.legId, stream: this.stream, relayLegId: this.relayLegId, keyLegId: this.keyLegId, suite: this.suite };
  }

  /** The call closed: the relay closed the socket and the key manager wipes the call's keys. */
  callClosed(): void {
    this.#closed = true;
    this.removeAllListeners();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.keyLegId !== null) this.keying.release(this.keyLegId);
    await this.relayLegs.close(this.relayLegId);
    this.safeEmit('@close');
    this.removeAllListeners();
  }
}
