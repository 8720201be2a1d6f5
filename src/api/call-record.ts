/**
 * What the API keeps per call: the call model (`Call`), the relay call, and the mapping from
 * model legs and media resources to relay legs. Parents own children in private maps (STYLE,
 * mediasoup): the service drops a call's record when the call closes.
 *
 * A model leg's stream maps to up to two relay legs: its SRTP leg (keys from the key manager
 * or SDES) and, only when policy `rtp` drops the segment to RTP, a plain RTP leg on other
 * ports (the controller re-INVITEs the endpoint there; the `legmedia` event says where). The
 * SRTP leg is never recreated, so its contexts keep their ROC and replay state across every
 * fallback change.
 */
import type { Call, Device, MediaKind } from '../call';
import type { MasterKeySet } from '../keys';
import type { LatchingPolicy, LegLocal, RelayCall, RemoteEndpoint } from '../relay';

export type Keying = 'managed' | 'sdes' | 'none';
export type Variant = 'srtp' | 'rtp';

export interface StreamMedia {
  readonly kind: MediaKind;
  readonly rtcpMux: boolean;
  remote: RemoteEndpoint | null;
  /** Relay leg with SRTP contexts (managed / sdes once negotiated); null for `none` or SDES not yet offered. */
  srtpRelayLeg: string | null;
  /** Plain RTP relay leg: the only one for `none`, the fallback one for SRTP legs under policy `rtp`. */
  rtpRelayLeg: string | null;
  /** Negotiated suite (never keys). */
  suite: string | null;
  /** SDES: the relay's send set and tag, kept to repeat our a=crypto in SDP; released with the leg. */
  sdesSend: { readonly tag: number; readonly set: MasterKeySet } | null;
  /** Tag of the endpoint's offered a=crypto line the answer must repeat (managed keying in SDP). */
  offerTag: number | null;
  /** Relay leg the endpoint should currently send to (follows the media plan). */
  active: string | null;
  /** Key lifetimes (packets) of the relay leg's inbound and outbound sets, for `keyexpiring`. */
  lifetimes: { readonly inbound: number | null; readonly outbound: number | null };
}

export interface LegRecord {
  readonly id: string;
  readonly device: Device;
  readonly keying: Keying;
  readonly latching: LatchingPolicy | undefined;
  /** Key manager leg id (unique per attempt, so a failed add never blocks a retry). */
  readonly keyLegId: string | null;
  readonly streams: Map<MediaKind, StreamMedia>;
}

export type ResourceRole = 'moh' | 'near' | 'far';

export interface ResourceRecord {
  readonly id: string;
  readonly kind: 'moh_server' | 'transcoder' | 'mtp';
  readonly legId: string | null;
  readonly stream: MediaKind;
  /** moh: one relay leg; transcoder/MTP: `near` faces the served leg, `far` the other side. */
  readonly relayLegs: Partial<Record<ResourceRole, string>>;
}

export type RelayLegOwner =
  | { readonly type: 'leg'; readonly legId: string; readonly stream: MediaKind; readonly variant: Variant }
  | { readonly type: 'resource'; readonly resourceId: string; readonly role: ResourceRole };

export class CallRecord {
  readonly id: string;
  readonly createdAt: string;
  readonly model: Call;
  readonly relay: RelayCall;
  readonly legs = new Map<string, LegRecord>();
  readonly resources = new Map<string, ResourceRecord>();
  /** Every relay leg of the call, live or retired (the relay cannot remove single legs yet). */
  readonly relayLegs = new Map<string, RelayLegOwner>();
  /** Relay legs no longer part of the call (removed leg, ended resource): kept disconnected. */
  readonly retired = new Set<string>();
  /** Local address of each relay leg (from the relay at creation). */
  readonly locals = new Map<string, LegLocal>();
  /** Keyexpiring already announced, per `relayLeg/direction`. */
  readonly expiringSent = new Set<string>();
  /** `${legId}/${kind}` → transport of the leg's segment under the current plan. */
  transports: ReadonlyMap<string, string> = new Map();
  closed = false;
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(model: Call, relay: RelayCall) {
    this.id = model.id;
    this.createdAt = new Date().toISOString();
    this.model = model;
    this.relay = relay;
  }

  /** A fresh relay (or key manager) leg id: ids are never reused within a call. */
  nextId(base: string): string {
    this.seq += 1;
    return `${base}~${this.seq}`;
  }

  /** Run one operation at a time per call, in arrival order. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
