/**
 * One leg of a call session: the endpoint's device, its keying, and its streams (children kept
 * in a private map; a stream's close removes it). `close()` closes every stream — relay legs
 * removed, keys wiped, managed keys released — then tells the session (`@close`). Idempotent.
 */
import type { Device, MediaKind } from '../call';
import type { KeyingScope } from '../keys';
import type { LatchingPolicy } from '../relay';
import { EnhancedEmitter } from './enhanced-emitter';
import type { RelayLegs } from './relay-legs';
import type { SessionKeys } from './session-keys';
import { SessionStream, type Keying, type StreamOwner, type StreamState } from './session-stream';

export interface LegState {
  readonly id: string;
  readonly device: Device;
  readonly keying: Keying;
  /** Managed keying: shared call keys where possible (`call`, seed 003) or the leg's own (`leg`); null otherwise. */
  readonly keyingScope: KeyingScope | null;
  readonly latching: LatchingPolicy | null;
  readonly keyLegId: string | null;
  readonly streams: readonly StreamState[];
}

/** What a session leg is made from. */
export interface LegSpecOfSession {
  readonly id: string;
  readonly device: Device;
  readonly keying: Keying;
  readonly keyingScope: KeyingScope | null;
  readonly latching: LatchingPolicy | undefined;
  readonly keyLegId: string | null;
}

export class SessionLeg extends EnhancedEmitter<{ '@close': [] }> implements StreamOwner {
  readonly id: string;
  readonly device: Device;
  readonly keying: Keying;
  readonly keyingScope: KeyingScope | null;
  readonly latching: LatchingPolicy | undefined;
  /** Key manager leg of the streams the leg was created with (unique per attempt, so a failed add never blocks a retry). */
  readonly keyLegId: string | null;
  readonly #streams = new Map<MediaKind, SessionStream>();
  #closed = false;

  constructor(
    spec: LegSpecOfSession,
    private readonly relayLegs: RelayLegs,
    private readonly keys: SessionKeys,
  ) {
    super();
    this.id = spec.id;
    this.device = spec.device;
    this.keying = spec.keying;
    this.keyingScope = spec.keyingScope;
    this.latching = spec.latching;
    this.keyLegId = spec.keyLegId;
  }

  get closed(): boolean { return this.#closed; }

  stream(kind: MediaKind): SessionStream | undefined {
    return this.#streams.get(kind);
  }

  streams(): SessionStream[] {
    return [...this.#streams.values()];
  }

  /** A new stream of this leg (its relay legs are opened by the caller). */
  addStream(spec: ConstructorParameters<typeof SessionStream>[1]): SessionStream {
    const stream = new SessionStream(this, spec, this.relayLegs, this.keys);
    this.#streams.set(spec.kind, stream);
    stream.on('@close', () => {
      if (this.#streams.get(stream.kind) === stream) this.#streams.delete(stream.kind);
    });
    return stream;
  }

  /** One stream ends (video off): its relay legs and its own keys go. */
  async closeStream(kind: MediaKind): Promise<void> {
    const s = this.#streams.get(kind);
    if (s !== undefined) await s.close(s.keyLegId !== this.keyLegId);
  }

  state(): LegState {
    return {
      id: this.id, device: this.device, keying: this.keying, keyingScope: this.keyingScope, latching: this.latching ?? null, keyLegId: this.keyLegId,
      streams: this.streams().map((s) => s.state()),
    };
  }

  /** The call closed: every stream wipes its secrets and marks itself closed (the relay closes the sockets). */
  callClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#streams.values()) s.callClosed();
    this.#streams.clear();
    this.removeAllListeners();
  }

  /** The leg left the call (or never joined): streams closed, keys wiped. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.keyLegId !== null) this.keys.managed.release(this.keyLegId);
    for (const s of [...this.#streams.values()]) await s.close(true);
    this.safeEmit('@close');
    this.removeAllListeners();
  }
}
