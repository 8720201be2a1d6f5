/**
 * The conference bridge of a session (seed 004 Table 2), or a target phone's built-in bridge
 * during a barge. Mixing happens in the bridge, not in the relay: each participant stream is
 * paired 1:1 with its own port (`BridgePort`), kept per leg and stream in private maps; a port's
 * close removes it. `close()` closes every port. Idempotent.
 */
import type { Device, MediaKind } from '../call';
import type { RemoteEndpoint } from '../relay';
import { BridgePort, type BridgePortState } from './bridge-port';
import { EnhancedEmitter } from './enhanced-emitter';
import type { LegKeying } from './leg-keying';
import type { RelayLegs } from './relay-legs';
import type { SessionLeg } from './session-leg';

export interface BridgeState {
  readonly id: string;
  readonly device: Device;
  readonly secure: boolean;
  readonly remote: RemoteEndpoint;
  readonly ports: readonly BridgePortState[];
}

export class ConferenceBridge extends EnhancedEmitter<{ '@close': [] }> {
  readonly id: string;
  readonly device: Device;
  readonly secure: boolean;
  readonly remote: RemoteEndpoint;
  /** legId → stream → port. */
  readonly #ports = new Map<string, Map<MediaKind, BridgePort>>();
  #closed = false;

  constructor(spec: Omit<BridgeState, 'ports'>, private readonly relayLegs: RelayLegs, private readonly keying: LegKeying) {
    super();
    this.id = spec.id;
    this.device = spec.device;
    this.secure = spec.secure;
    this.remote = spec.remote;
  }

  get closed(): boolean { return this.#closed; }

  port(legId: string, kind: MediaKind): BridgePort | undefined {
    return this.#ports.get(legId)?.get(kind);
  }

  ports(): BridgePort[] {
    return [...this.#ports.values()].flatMap((m) => [...m.values()]);
  }

  /** The participant's streams get their own relay legs toward the bridge (missing ones only). */
  async openPorts(leg: SessionLeg): Promise<void> {
    for (const media of leg.streams()) {
      if (this.port(leg.id, media.kind) !== undefined) continue;
      const base = `${this.id}.${leg.id}.${media.kind}`;
      const owner = { type: 'bridge' as const, resourceId: this.id, legId: leg.id, stream: media.kind };
      if (!this.secure) {
        const relayLegId = await this.relayLegs.open(base, { owner, remote: this.remote, latching: 'strict' });
        this.adopt({ legId: leg.id, stream: media.kind, relayLegId, keyLegId: null, suite: null });
        continue;
      }
      const keyLegId = this.relayLegs.nextId(base);
      const refs = this.keying.createManaged(keyLegId, [media.kind], undefined, 'bridges').get(media.kind);
      try {
        if (refs === undefined) throw new Error('no keys for the bridge port');
        const suite = this.keying.endpointKeys(keyLegId, media.kind)?.profile.name ?? null;
        const relayLegId = await this.relayLegs.open(base, { owner, remote: this.remote, latching: 'strict', keySetIds: refs });
        this.adopt({ legId: leg.id, stream: media.kind, relayLegId, keyLegId, suite });
      } catch (err) {
        this.keying.release(keyLegId);
        throw err;
      }
    }
  }

  /** Restore or open: a port as a snapshot describes it (its relay leg already open). */
  adopt(state: BridgePortState): BridgePort {
    const port = new BridgePort(state, this.relayLegs, this.keying);
    const byKind = this.#ports.get(state.legId) ?? new Map<MediaKind, BridgePort>();
    byKind.set(state.stream, port);
    this.#ports.set(state.legId, byKind);
    port.on('@close', () => {
      const m = this.#ports.get(state.legId);
      if (m?.get(state.stream) === port) m.delete(state.stream);
      if (m !== undefined && m.size === 0) this.#ports.delete(state.legId);
    });
    return port;
  }

  /** A participant left (or one of its streams ended): its ports closed and their keys wiped. */
  async closePorts(legId: string, kind?: MediaKind): Promise<void> {
    for (const p of [...(this.#ports.get(legId)?.values() ?? [])]) {
      if (kind === undefined || p.stream === kind) await p.close();
    }
  }

  state(): BridgeState {
    return { id: this.id, device: this.device, secure: this.secure, remote: this.remote, ports: this.ports().map((p) => p.state()) };
  }

  /** The call closed: every port marks itself closed (no relay or key manager calls). */
  callClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of this.ports()) p.callClosed();
    this.#ports.clear();
    this.removeAllListeners();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of this.ports()) await p.close();
    this.safeEmit('@close');
    this.removeAllListeners();
  }
}
