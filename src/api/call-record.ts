/**
 * What the API keeps per call: the call model (`Call`), the relay call, and the mapping from
 * model legs and media resources to relay legs. Parents own children in private maps (STYLE,
 * mediasoup): the service drops a call's record when the call closes.
 *
 * A model leg's stream maps to up to two relay legs: its SRTP leg (keys from the key manager
 * or SDES) and, only when policy `rtp` drops the segment to RTP, a plain RTP leg on other
 * ports (the controller re-INVITEs the endpoint there; the `legmedia` event says where). The
 * SRTP leg is never recreated, so its contexts keep their ROC and replay state across every
 * fallback change. Relay legs of a leg or resource that goes away are removed from the relay
 * (sockets closed, keys wiped, ports returned) and forgotten here.
 */
import type { Call, Device, MediaKind } from '../call';
import type { MasterKeySet, SdesOffer } from '../keys';
import type { LatchingPolicy, LegLocal, PortReservation, RelayCall, RemoteEndpoint } from '../relay';

export type Keying = 'managed' | 'sdes' | 'none';
export type Variant = 'srtp' | 'rtp';

export interface StreamMedia {
  readonly kind: MediaKind;
  /**
   * Whether the stream is SRTP on this leg (keying managed/sdes and not `streams[].srtp: false`).
   * Seed 003 "Digest authentication and encryption": SRTP is negotiated per leg and stream, so
   * an SRTP-keyed leg may carry RTP video (seed 003 Table 4 row 2).
   */
  readonly srtp: boolean;
  /** Key manager leg holding this stream's managed keys (the leg's, or its own for a stream added later or rekeyed). */
  keyLegId: string | null;
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
  /** SDES: the relay offered to this endpoint and waits for its answer (sdes-offer.ts). */
  sdesPending: PendingSdesOffer | null;
}

/** The relay's SDES offer to an endpoint that has no keys yet: ports promised, keys per tag. */
export interface PendingSdesOffer {
  readonly reservation: PortReservation;
  /** Our send set per offered tag (secret); the answer picks one, the rest are wiped. */
  readonly offer: SdesOffer;
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

/** One participant stream's port on the conference bridge (the relay leg toward the bridge). */
export interface BridgePort {
  readonly legId: string;
  readonly stream: MediaKind;
  readonly relayLegId: string;
  /** Key manager leg of a secure bridge's port (keys at GET .../conference/keys); null for RTP. */
  readonly keyLegId: string | null;
  readonly suite: string | null;
}

/**
 * The conference bridge the model chose (seed 004 Table 2). Mixing happens in the bridge, not
 * in the relay: each participant stream is paired 1:1 with its own relay leg toward the bridge,
 * SRTP with managed keys toward a secure bridge, plain RTP toward a nonsecure one.
 */
export interface BridgeRecord {
  readonly id: string;
  readonly device: Device;
  readonly secure: boolean;
  readonly remote: RemoteEndpoint;
  /** `${legId}/${kind}` → port. */
  readonly ports: Map<string, BridgePort>;
}

export type RelayLegOwner =
  | { readonly type: 'leg'; readonly legId: string; readonly stream: MediaKind; readonly variant: Variant }
  | { readonly type: 'resource'; readonly resourceId: string; readonly role: ResourceRole }
  | { readonly type: 'bridge'; readonly resourceId: string; readonly legId: string; readonly stream: MediaKind };

export class CallRecord {
  readonly id: string;
  readonly createdAt: string;
  readonly model: Call;
  readonly relay: RelayCall;
  readonly legs = new Map<string, LegRecord>();
  readonly resources = new Map<string, ResourceRecord>();
  /** The conference bridge of an ad hoc or meet-me conference (null otherwise). */
  bridge: BridgeRecord | null = null;
  /** Every open relay leg of the call and what it belongs to. */
  readonly relayLegs = new Map<string, RelayLegOwner>();
  /** Local address of each relay leg (from the relay at creation). */
  readonly locals = new Map<string, LegLocal>();
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

  /** Record a relay leg the call just opened. */
  adopt(relayId: string, owner: RelayLegOwner, local: LegLocal): void {
    this.relayLegs.set(relayId, owner);
    this.locals.set(relayId, local);
  }

  /** Forget a relay leg (removed from the relay, or never opened). */
  forget(relayId: string): void {
    this.relayLegs.delete(relayId);
    this.locals.delete(relayId);
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
