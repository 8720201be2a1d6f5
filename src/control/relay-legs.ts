/**
 * The relay legs of one call session: every port the session opened on its `RelayCall`, what it
 * belongs to, and what it was opened with (ports, remote, latching, key set ids), so the session
 * can describe itself in a snapshot and reopen the same legs on another relay. Key bytes go to
 * the relay as context options and are wiped here right after (the relay owns its copy).
 */
import type { WebrtcLegParams } from '../dtls/webrtc-leg-params';
import type { Logger } from 'pino';
import type { MediaKind } from '../call';
import { toSrtpContextOptions, wipeContextOptions, wipeRelayLegOptions, type RelayLegContextOptions } from '../keys';
import type { LatchingPolicy, LegLocal, PortReservation, RelayCall, RemoteEndpoint } from '../relay';
import { ControlError } from './errors';
import type { StreamKeyRefs } from './leg-keying';
import type { KeySource } from './session-keys';

/** Where relay legs get their context options: call-scoped ids as a whole (relayLegContextOptions), others set by set. */
export interface RelayKeySource extends KeySource {
  relayLegOptions(refs: StreamKeyRefs): RelayLegContextOptions | undefined;
}

export type ResourceRole = 'moh' | 'near' | 'far';

export type RelayLegOwner =
  | { readonly type: 'leg'; readonly legId: string; readonly stream: MediaKind; readonly variant: 'srtp' | 'rtp' }
  | { readonly type: 'resource'; readonly resourceId: string; readonly role: ResourceRole }
  | { readonly type: 'bridge'; readonly resourceId: string; readonly legId: string; readonly stream: MediaKind };

/** How a relay leg was opened: enough to open it again on the same ports. */
export interface RelayLegSpec {
  readonly id: string;
  readonly owner: RelayLegOwner;
  readonly local: LegLocal;
  readonly rtcpMux: boolean;
  readonly latching: LatchingPolicy | null;
  readonly remote: RemoteEndpoint | null;
  /** Key sets by id (null: plain RTP). */
  readonly keySetIds: StreamKeyRefs | null;
}

export interface OpenRelayLeg {
  readonly owner: RelayLegOwner;
  readonly remote: RemoteEndpoint | null;
  readonly rtcpMux?: boolean;
  readonly latching?: LatchingPolicy;
  readonly keySetIds?: StreamKeyRefs;
  readonly reservation?: PortReservation;
  /** A WebRTC leg (docs/webrtc.md): no key sets; cannot be restored elsewhere. */
  readonly webrtc?: WebrtcLegParams;
}

export class RelayLegs {
  private readonly specs = new Map<string, RelayLegSpec>();
  private seq = 0;

  constructor(readonly call: RelayCall, private readonly keys: RelayKeySource, private readonly logger: Logger) {}

  get closed(): boolean {
    return this.call.closed;
  }

  /** A fresh relay leg id: ids are never reused within a call (not across a restore either). */
  nextId(base: string): string {
    this.seq += 1;
    return `${base}~${this.seq}`;
  }

  get sequence(): number {
    return this.seq;
  }

  owner(id: string): RelayLegOwner | undefined {
    return this.specs.get(id)?.owner;
  }

  local(id: string): LegLocal | undefined {
    return this.specs.get(id)?.local;
  }

  has(id: string): boolean {
    return this.specs.has(id);
  }

  ids(): IterableIterator<string> {
    return this.specs.keys();
  }

  spec(id: string): RelayLegSpec | undefined {
    return this.specs.get(id);
  }

  /** Open a relay leg named `base~n`; SRTP when key set ids are given. */
  async open(base: string, options: OpenRelayLeg): Promise<string> {
    return this.openAs(this.nextId(base), options);
  }

  /** Open a relay leg under a given id (restore). */
  async openAs(id: string, options: OpenRelayLeg): Promise<string> {
    const refs = options.keySetIds;
    const srtp = refs === undefined ? null : this.contextOptions(refs);
    try {
      const local = await this.call.addLeg({
        id, remote: options.remote, rtcpMux: options.rtcpMux === true,
        ...(srtp !== null ? { srtp } : {}),
        ...(options.latching !== undefined ? { latching: options.latching } : {}),
        ...(options.reservation !== undefined ? { reservation: options.reservation } : {}),
        ...(options.webrtc !== undefined ? { webrtc: options.webrtc } : {}),
      });
      this.specs.set(id, {
        id, owner: options.owner, local, rtcpMux: options.rtcpMux === true, latching: options.latching ?? null, remote: options.remote, keySetIds: refs ?? null,
      });
      return id;
    } finally {
      if (srtp !== null) wipeRelayLegOptions(srtp);
    }
  }

  /** New keys for an SRTP relay leg (ROC carried over in the relay). */
  async rekey(id: string, refs: StreamKeyRefs): Promise<void> {
    const spec = this.specs.get(id);
    if (spec === undefined) return;
    const options = this.contextOptions(refs);
    try {
      await this.call.rekeyLeg(id, options);
      this.specs.set(id, { ...spec, keySetIds: refs });
    } finally {
      wipeRelayLegOptions(options);
    }
  }

  async setRemote(id: string, remote: RemoteEndpoint): Promise<void> {
    const spec = this.specs.get(id);
    if (spec === undefined) return;
    await this.call.setRemote(id, remote);
    this.specs.set(id, { ...spec, remote });
  }

  /**
   * Remove one relay leg (socket closed, contexts wiped, ports back in the pool). Idempotent;
   * the table is updated first, so a relay error never leaves it pointing at a half-gone leg;
   * relay errors are logged, not thrown.
   */
  async close(id: string): Promise<void> {
    if (!this.specs.delete(id)) return;
    if (this.call.closed) return;
    try {
      await this.call.removeLeg(id);
    } catch (err) {
      this.logger.warn({ callId: this.call.id, relayLeg: id, err }, 'relay leg removal failed');
    }
  }

  /** Forget every leg (the relay call is closing and closes them itself). */
  clear(): void {
    this.specs.clear();
  }

  /** Restore: ids continue after the snapshot's. */
  resumeSequence(seq: number): void {
    if (seq > this.seq) this.seq = seq;
  }

  /** Copies of key bytes for the relay (the caller wipes them): call-scoped ids resolve as a pair. */
  private contextOptions(refs: StreamKeyRefs): RelayLegContextOptions {
    const call = this.keys.relayLegOptions(refs);
    if (call !== undefined) return call;
    const inbound = this.setOptions(refs.inbound);
    try {
      return { inbound, outbound: this.setOptions(refs.outbound) };
    } catch (err) {
      wipeContextOptions(inbound);
      throw err;
    }
  }

  private setOptions(id: string): ReturnType<typeof toSrtpContextOptions> {
    const set = this.keys.keySet(id);
    if (set === undefined) throw new ControlError('API_ERR_INTERNAL', { detail: `no key set ${id} for a relay leg` });
    return toSrtpContextOptions(set);
  }
}
