/**
 * Which keys a leg's stream gets (seed 003 "Media encryption" steps 2-3) — the one place call
 * control asks the key manager for managed keys, so a keying scheme can change here alone.
 *
 * Today each managed leg (and each stream added later, each bridge port) has its own key
 * manager leg: two sets per stream, `aToB` (the endpoint sends with it: the relay's inbound)
 * and `bToA` (the relay sends with it: the endpoint's receive set). Call control refers to a
 * set only by a key set id (`managed:<keyLegId>/<stream>/<direction>`, the key manager's own
 * persist label), never by its bytes; snapshots carry those ids.
 */
import type { MediaKind } from '../call';
import type { EndpointStreamKeys, KeyManager, MasterKeySet } from '../keys';
import { ControlError, withField } from './errors';

/** The key sets of one SRTP relay leg, by id: what it unprotects with and what it protects with. */
export interface StreamKeyRefs {
  readonly inbound: string;
  readonly outbound: string;
}

const PREFIX = 'managed:';

export function isManagedKeyRef(id: string): boolean {
  return id.startsWith(PREFIX);
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

  /** The set a managed ref names (after a rekey: the current one), or undefined. */
  resolve(id: string): MasterKeySet | undefined {
    if (!isManagedKeyRef(id)) return undefined;
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
