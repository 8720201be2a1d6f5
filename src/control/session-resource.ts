/**
 * A media resource of a session: music on hold, a transcoder or an MTP (seed 003 "Media
 * resources and encryption": they take plain RTP). MOH has one relay leg; a transcoder or MTP
 * has `near` (facing the leg it serves) and `far` (the other side). Only the signaled address is
 * accepted from a resource (latching `strict`). `close()` removes its relay legs and tells the
 * session (`@close`). Idempotent.
 */
import type { MediaKind } from '../call';
import type { LegLocal, RemoteEndpoint } from '../relay';
import { EnhancedEmitter } from './enhanced-emitter';
import type { RelayLegs, ResourceRole } from './relay-legs';

export type SessionResourceKind = 'moh_server' | 'transcoder' | 'mtp';

export interface ResourceState {
  readonly id: string;
  readonly kind: SessionResourceKind;
  readonly legId: string | null;
  readonly stream: MediaKind;
  readonly relayLegs: Partial<Record<ResourceRole, string>>;
}

export class SessionResource extends EnhancedEmitter<{ '@close': [] }> {
  readonly id: string;
  readonly kind: SessionResourceKind;
  readonly legId: string | null;
  readonly stream: MediaKind;
  readonly #relayLegs: Partial<Record<ResourceRole, string>>;
  #closed = false;

  private constructor(state: ResourceState, private readonly relayLegs: RelayLegs) {
    super();
    this.id = state.id;
    this.kind = state.kind;
    this.legId = state.legId;
    this.stream = state.stream;
    this.#relayLegs = { ...state.relayLegs };
  }

  /** Open the resource's relay legs; on failure what was opened is closed again. */
  static async open(relayLegs: RelayLegs, spec: Omit<ResourceState, 'relayLegs'>, remotes: Partial<Record<ResourceRole, RemoteEndpoint>>): Promise<SessionResource> {
    const r = new SessionResource({ ...spec, relayLegs: {} }, relayLegs);
    try {
      for (const [role, remote] of Object.entries(remotes) as [ResourceRole, RemoteEndpoint][]) {
        r.#relayLegs[role] = await relayLegs.open(`${spec.id}.${role}`, { owner: { type: 'resource', resourceId: spec.id, role }, remote, latching: 'strict' });
      }
    } catch (err) {
      await r.close();
      throw err;
    }
    return r;
  }

  /** Restore: relay legs already reopened under the snapshot's ids. */
  static restored(relayLegs: RelayLegs, state: ResourceState): SessionResource {
    return new SessionResource(state, relayLegs);
  }

  get closed(): boolean { return this.#closed; }

  relayLeg(role: ResourceRole): string | null {
    return this.#relayLegs[role] ?? null;
  }

  /** Local address per role (what the resource sends to). */
  locals(): Record<string, LegLocal | null> {
    return Object.fromEntries(Object.entries(this.#relayLegs).map(([role, id]) => [role, this.relayLegs.local(id) ?? null]));
  }

  state(): ResourceState {
    return { id: this.id, kind: this.kind, legId: this.legId, stream: this.stream, relayLegs: { ...this.#relayLegs } };
  }

  /** The call closed: the relay closed the sockets; the resource only marks itself closed. */
  callClosed(): void {
    this.#closed = true;
    this.removeAllListeners();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const id of Object.values(this.#relayLegs)) await this.relayLegs.close(id);
    this.safeEmit('@close');
    this.removeAllListeners();
  }
}
