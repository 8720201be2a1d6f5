/**
 * Which keys a leg's stream gets (seed 003 "Media encryption" steps 2-3) — the one place call
 * control asks the key manager for managed keys, so a keying scheme can change here alone.
 *
 * Two keying scopes (docs/keys.md, "Call keying (seed 003) and leg keying"):
 *
 * - `call` (the seed's model, the default for managed legs): per call and stream one pair of
 *   sets, A→B and B→A (`KeyManager.createCallStreamKeys`), that both phones receive. The first
 *   call-scoped leg of a stream is side A and creates them (suite: its suites ∩ policy); the
 *   second, if it accepts that suite, is side B. The relay legs toward A and B verify and
 *   forward unchanged (verified passthrough); the relay protects only what it originates, with
 *   relay-origin keys (MKI 2). Relay legs name them `call:<stream>/<side>/<inbound|outbound>`:
 *   always the stream's current generation (a snapshot carries the generation in the
 *   stream's key reference).
 * - `leg`: each managed leg (a stream that cannot share call keys, a third party, each stream
 *   added to a leg-scoped leg, each bridge port) has its own key manager leg: two sets per
 *   stream, `aToB` (the endpoint sends with it: the relay's inbound) and `bToA` (the relay
 *   sends with it: the endpoint's receive set); the relay re-encrypts between legs. Ids
 *   `managed:<keyLegId>/<stream>/<direction>` (the key manager's own persist label).
 *
 * Call control refers to sets only by id, never by their bytes; snapshots carry those ids.
 */
import type { MediaKind } from '../call';
import {
  relayLegContextOptions, type CallStreamKeyReference, type CallStreamKeys, type EndpointStreamKeys, type KeyManager, type MasterKeySet,
  type RelayLegContextOptions, type Side,
} from '../keys';
import { ControlError, withField } from './errors';

/** The key sets of one SRTP relay leg, by id: what it unprotects with and what it protects with. */
export interface StreamKeyRefs {
  readonly inbound: string;
  readonly outbound: string;
}

const PREFIX = 'managed:';
const CALL_PREFIX = 'call:';

export function isManagedKeyRef(id: string): boolean {
  return id.startsWith(PREFIX) || id.startsWith(CALL_PREFIX);
}

/** Ids of the call-scoped sets of the relay leg toward phone `side` (current generation). */
export function callKeyRefs(kind: MediaKind, side: Side): StreamKeyRefs {
  return { inbound: `${CALL_PREFIX}${kind}/${side}/inbound`, outbound: `${CALL_PREFIX}${kind}/${side}/outbound` };
}

/** The stream and side a call-scoped id names, or undefined for any other id. */
export function parseCallKeyRef(id: string): { kind: MediaKind; side: Side; direction: 'inbound' | 'outbound' } | undefined {
  if (!id.startsWith(CALL_PREFIX)) return undefined;
  const [kind, side, direction] = id.slice(CALL_PREFIX.length).split('/');
  if ((kind !== 'audio' && kind !== 'video') || (side !== 'A' && side !== 'B') || (direction !== 'inbound' && direction !== 'outbound')) return undefined;
  return { kind, side, direction };
}

/** A call-scoped stream's share: which phone it is and the keys' reference (no key bytes). */
export interface CallKeyBinding {
  readonly side: Side;
  readonly reference: CallStreamKeyReference;
}

export class LegKeying {
  constructor(private readonly keys: KeyManager, private readonly callId: string) {}

  /** Every suite of the policy, most preferred first. */
  suites(): string[] {
    return this.keys.policy.preference.map((p) => p.name);
  }

  /**
   * Fresh sets for the streams of key manager leg `keyLegId`; the endpoint may restrict its
   * suites (`field` names the request field a refusal blames). Per stream: the relay leg's refs.
   */
  createManaged(keyLegId: string, kinds: readonly MediaKind[], endpointSuites: readonly string[] | undefined, field: string): Map<MediaKind, StreamKeyRefs> {
    const all = this.suites();
    const created = withField(field, () => this.keys.createLegKeys({ callId: this.callId, legId: keyLegId, streams: kinds, a: endpointSuites ?? all, b: all }));
    const refs = new Map<MediaKind, StreamKeyRefs>();
    for (const sk of created) refs.set(sk.stream as MediaKind, refsOf(keyLegId, sk.stream as MediaKind));
    if (refs.size !== kinds.length) throw new ControlError('API_ERR_INTERNAL');
    return refs;
  }

  /** New sets for both directions of one stream (the relay carries each SSRC's ROC over). */
  rekey(keyLegId: string, kind: MediaKind): StreamKeyRefs {
    this.keys.rekey(this.callId, kind, 'aToB', keyLegId);
    this.keys.rekey(this.callId, kind, 'bToA', keyLegId);
    return refsOf(keyLegId, kind);
  }

  /**
   * Call scope (seed 003): the side a joining leg's stream takes, or null when it must use leg
   * keys. No call keys yet for the stream: they are created (the leg's suites ∩ policy) and the
   * leg is side A. Otherwise the leg takes the side no other leg holds (`held`), if its suites
   * include the keys' suite; a refusal blames `field`.
   */
  joinCall(kind: MediaKind, endpointSuites: readonly string[] | undefined, held: ReadonlySet<Side>, field: string): CallKeyBinding | null {
    const current = this.callKeys(kind);
    if (current === undefined) {
      const all = this.suites();
      const created = withField(field, () => this.keys.createCallStreamKeys({ callId: this.callId, stream: kind, a: endpointSuites ?? all, b: all }));
      return { side: 'A', reference: created.reference() };
    }
    const free: Side | undefined = !held.has('A') ? 'A' : !held.has('B') ? 'B' : undefined;
    if (free === undefined) return null;
    if (endpointSuites !== undefined && !endpointSuites.includes(current.profile.name)) return null;
    return { side: free, reference: current.reference() };
  }

  /** The current call-scoped keys of a stream, or undefined. */
  callKeys(kind: MediaKind): CallStreamKeys | undefined {
    return this.keys.callKeys(this.callId).find((k) => k.stream === kind);
  }

  /** The call keys a snapshot names (same generation, suite and MKIs), or undefined. */
  resolveCallKeys(reference: CallStreamKeyReference): CallStreamKeys | undefined {
    if (reference.callId !== this.callId) return undefined;
    try {
      return this.keys.resolveCallKeys(reference);
    } catch {
      return undefined;
    }
  }

  /** Next generation of a stream's call keys (both directions, both origins). */
  rekeyCall(kind: MediaKind): CallStreamKeyReference {
    return this.keys.rekeyCallStream(this.callId, kind).reference();
  }

  /** No leg uses the stream's call keys any more: every generation wiped. Idempotent. */
  releaseCall(kind: MediaKind): void {
    this.keys.releaseCallStream(this.callId, kind);
  }

  /** Context options for a relay leg keyed by call-scoped ids (copies: the caller wipes them), or undefined. */
  relayLegOptions(refs: StreamKeyRefs): RelayLegContextOptions | undefined {
    const a = parseCallKeyRef(refs.inbound);
    const b = parseCallKeyRef(refs.outbound);
    if (a === undefined || b === undefined || a.kind !== b.kind || a.side !== b.side || a.direction !== 'inbound' || b.direction !== 'outbound') return undefined;
    const keys = this.callKeys(a.kind);
    return keys === undefined ? undefined : relayLegContextOptions(keys, a.side);
  }

  /** The set a managed ref names (after a rekey: the current one), or undefined. */
  resolve(id: string): MasterKeySet | undefined {
    const call = parseCallKeyRef(id);
    if (call !== undefined) {
      const sets = this.callKeys(call.kind)?.relayLeg(call.side);
      return sets === undefined ? undefined : sets[call.direction];
    }
    if (!id.startsWith(PREFIX)) return undefined;
    const [keyLegId, stream, direction] = splitRef(id);
    if (!this.keys.hasCall(this.callId)) return undefined;
    try {
      const k = this.keys.endpointKeys(this.callId, 'A', keyLegId).find((x) => x.stream === stream);
      if (k === undefined) return undefined;
      return direction === 'aToB' ? k.send : k.receive;
    } catch {
      return undefined;
    }
  }

  /** What the endpoint of key manager leg `keyLegId` receives for `kind`: its send and receive sets. */
  endpointKeys(keyLegId: string, kind: MediaKind): EndpointStreamKeys | undefined {
    if (!this.keys.hasCall(this.callId)) return undefined;
    try {
      return this.keys.endpointKeys(this.callId, 'A', keyLegId).find((k) => k.stream === kind);
    } catch {
      return undefined;
    }
  }

  /** The key manager leg ended: its sets (and those a rekey retired) wiped. Idempotent. */
  release(keyLegId: string): void {
    this.keys.releaseLeg(this.callId, keyLegId);
  }
}

function refsOf(keyLegId: string, kind: MediaKind): StreamKeyRefs {
  return { inbound: `${PREFIX}${keyLegId}/${kind}/aToB`, outbound: `${PREFIX}${keyLegId}/${kind}/bToA` };
}

function splitRef(id: string): [string, string, string] {
  const body = id.slice(PREFIX.length);
  const direction = body.slice(body.lastIndexOf('/') + 1);
  const rest = body.slice(0, body.lastIndexOf('/'));
  const stream = rest.slice(rest.lastIndexOf('/') + 1);
  return [rest.slice(0, rest.lastIndexOf('/')), stream, direction];
}
