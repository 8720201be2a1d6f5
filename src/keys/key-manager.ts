/**
 * The key manager (seed 003 "Media encryption"): owns every master key set of every call, hands
 * them out only through explicit deliveries, and wipes them when the call ends.
 *
 * Created once through `KeyManager.create()`, which awaits libsodium. Two keying scopes
 * (docs/keys.md, "Call keying (seed 003) and leg keying"):
 *
 * - call-scoped (`createCallStreamKeys`, the seed's model): per call and stream two sets,
 *   A→B and B→A, that both phones receive; the relay holds them to verify and forwards the
 *   phones' packets unchanged, protecting only what it originates, with relay-origin keys
 *   (MKI-separated, direction-keys.ts);
 * - per leg (`createLegKeys`): one entry per leg, a pair of endpoints that share keys (phone and
 *   relay, which then re-encrypts between legs), each with two sets per stream.
 */
import { CallKeyStore } from './call-key-store';
import { isDeepStrictEqual } from 'node:util';
import type { CallStreamKeyReference, CallStreamKeys } from './call-stream-keys';
import { KeyError, KeyErrorCode } from './errors';
import { generateKeySet, type KeySetOptions } from './key-generator';
import type { LabelledKeySet } from './key-set-codec';
import { openFromStore, sealForStore, type PersistedKeySets } from './key-vault';
import { assertDistinct, createStreamKeys, endpointView, type EndpointStreamKeys, type Side, type StreamKeys } from './managed-keying';
import type { MasterKeySet } from './master-key-set';
import { NodeKey } from './node-key';
import { sealForDevice, type SealedKeySets } from './sealed-delivery';
import { answerSdesOffer, completeSdesOffer, createSdesOffer, type SdesAnswer, type SdesKeys, type SdesOffer, type SdesOptions } from './sdes-negotiation';
import { wipeRandomPool } from './random-pool';
import { initKeys } from './sodium';
import { DEFAULT_SUITE_PREFERENCE, SuitePolicy } from './suite-policy';

export interface KeyManagerConfig {
  /** Suite names, most preferred first. Default DEFAULT_SUITE_PREFERENCE. */
  readonly suitePreference?: readonly string[];
  /** Allow NULL_HMAC_SHA1_* suites in the preference (no confidentiality). Default false. */
  readonly allowNull?: boolean;
  /** Key count, MKI length, lifetime of generated sets. */
  readonly keys?: KeySetOptions;
  /** Node key for persisted state, base64. Falls back to SRTP_RELAY_NODE_KEY; optional. */
  readonly nodeKey?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface LegKeyRequest {
  readonly callId: string;
  /** Default "main". */
  readonly legId?: string;
  /** Default ["audio"]. */
  readonly streams?: readonly string[];
  /** Suites each endpoint supports. */
  readonly a: readonly string[];
  readonly b: readonly string[];
}

export interface CallStreamKeyRequest {
  readonly callId: string;
  /** Media stream name, e.g. "audio" or "video". */
  readonly stream: string;
  /** Suites each phone supports. */
  readonly a: readonly string[];
  readonly b: readonly string[];
}

export class KeyManager {
  readonly policy: SuitePolicy;
  readonly #keyOptions: KeySetOptions;
  readonly #nodeKey: NodeKey | null;
  /** callId → legId → streams. */
  readonly #calls: Map<string, Map<string, StreamKeys[]>>;
  /** Sets replaced by a rekey, per call and leg, kept until the leg or call ends (packets in flight still use them). */
  readonly #retired: Map<string, Map<string, MasterKeySet[]>>;
  /** Call-scoped keys (seed 003): per call and stream, shared by both phones. */
  readonly #callKeys: CallKeyStore;
  #closed: boolean;

  private constructor(config: KeyManagerConfig) {
    this.policy = new SuitePolicy(config.suitePreference ?? DEFAULT_SUITE_PREFERENCE, { allowNull: config.allowNull === true });
    this.#keyOptions = config.keys ?? {};
    const nodeKeyText = config.nodeKey ?? (config.env ?? process.env).SRTP_RELAY_NODE_KEY;
    this.#nodeKey = nodeKeyText !== undefined && nodeKeyText !== '' ? NodeKey.fromBase64(nodeKeyText) : null;
    this.#calls = new Map();
    this.#retired = new Map();
    this.#callKeys = new CallKeyStore(this.#keyOptions);
    this.#closed = false;
  }

  static async create(config: KeyManagerConfig = {}): Promise<KeyManager> {
    await initKeys();
    return new KeyManager(config);
  }

  /**
   * Call-scoped keys for one stream (seed 003 steps 1-3): A→B and B→A, each with the sending
   * phone's endpoint key and a relay-origin key (MKI-separated). Both phones get both sets
   * (`endpointCallKeys`), the relay's two legs get `relayLegContextOptions`.
   */
  createCallStreamKeys(req: CallStreamKeyRequest): CallStreamKeys {
    this.#checkOpen();
    const profile = this.policy.choose(req.a, req.b);
    return this.#callKeys.create(req.callId, req.stream, profile, this.#setsOf(req.callId));
  }

  /** Current call-scoped keys of a stream; KEY_ERR_UNKNOWN_CALL when there are none. */
  callStreamKeys(callId: string, stream: string): CallStreamKeys {
    this.#checkOpen();
    return this.#callKeys.get(callId, stream);
  }

  /**
   * The keys a snapshot's reference names (after `restore` on a standby): the current
   * generation of that call stream, with the same suite and MKIs. KEY_ERR_UNKNOWN_CALL when the
   * stream is absent or its keys are not the ones referenced (another generation).
   */
  resolveCallKeys(ref: CallStreamKeyReference): CallStreamKeys {
    const keys = this.callStreamKeys(ref.callId, ref.stream);
    if (!isDeepStrictEqual(keys.reference(), ref)) {
      throw new KeyError(KeyErrorCode.UnknownCall, `call ${ref.callId} stream ${ref.stream} holds generation ${keys.generation}, not the referenced ${ref.generation}`);
    }
    return keys;
  }

  /** Current call-scoped keys of every stream of a call (empty when it has none). */
  callKeys(callId: string): CallStreamKeys[] {
    this.#checkOpen();
    return this.#callKeys.list(callId);
  }

  /** Phone `side`'s send and receive sets for every call-scoped stream (seed 003 step 3). */
  endpointCallKeys(callId: string, side: Side): EndpointStreamKeys[] {
    const streams = this.callKeys(callId);
    if (streams.length === 0) throw new KeyError(KeyErrorCode.UnknownCall, `no call keys for call ${callId}`);
    return streams.map((k) => k.endpoint(side));
  }

  /** Phone `side`'s call-scoped sets sealed to its device public key (crypto_box_seal). */
  deliverCallSealed(callId: string, side: Side, devicePublicKey: Uint8Array | string): SealedKeySets {
    return sealForDevice(labelled(this.endpointCallKeys(callId, side)), devicePublicKey);
  }

  /**
   * New A→B and B→A sets for a call stream (after `rekeyneeded`/`keysoftlimit`, or on demand).
   * The old pair stays (secret) until the stream or call is released; the relay carries each
   * SSRC's ROC into its new contexts (`RelayCall.rekeyLeg`), phones with `handOffRollover`.
   */
  rekeyCallStream(callId: string, stream: string): CallStreamKeys {
    this.#checkOpen();
    return this.#callKeys.rekey(callId, stream, this.#setsOf(callId));
  }

  /** A call stream ended (e.g. video removed): wipe its call-scoped keys, all generations. Idempotent. */
  releaseCallStream(callId: string, stream: string): void {
    this.#callKeys.releaseStream(callId, stream);
  }

  /** Create both directions' sets for every stream of one leg (seed 003 steps 2-3). */
  createLegKeys(req: LegKeyRequest): StreamKeys[] {
    this.#checkOpen();
    const legId = req.legId ?? 'main';
    const legs = this.#calls.get(req.callId) ?? new Map<string, StreamKeys[]>();
    if (legs.has(legId)) throw new KeyError(KeyErrorCode.DuplicateCall, `keys for call ${req.callId} leg ${legId} already exist`);
    const profile = this.policy.choose(req.a, req.b);
    const streams = (req.streams ?? ['audio']).map((s) => createStreamKeys(s, profile, this.#keyOptions));
    try {
      assertDistinct([...streams.flatMap((s) => [s.aToB, s.bToA]), ...this.#setsOf(req.callId)]);
    } catch (err) {
      for (const s of streams) {
        s.aToB.release();
        s.bToA.release();
      }
      throw err;
    }
    legs.set(legId, streams);
    this.#calls.set(req.callId, legs);
    return streams;
  }

  /** One endpoint's send and receive sets for each stream of a leg (seed 003 step 3). */
  endpointKeys(callId: string, side: Side, legId = 'main'): EndpointStreamKeys[] {
    return endpointView(this.#leg(callId, legId), side);
  }

  /** Deliver an endpoint's sets sealed to its device public key (crypto_box_seal). */
  deliverSealed(callId: string, side: Side, devicePublicKey: Uint8Array | string, legId = 'main'): SealedKeySets {
    return sealForDevice(labelled(this.endpointKeys(callId, side, legId)), devicePublicKey);
  }

  /** Replace one direction's set of a stream with fresh keys (re-negotiation after `rekeyneeded`). */
  rekey(callId: string, stream: string, direction: 'aToB' | 'bToA', legId = 'main'): MasterKeySet {
    const streams = this.#leg(callId, legId);
    const i = streams.findIndex((s) => s.stream === stream);
    if (i < 0) throw new KeyError(KeyErrorCode.UnknownCall, `call ${callId} leg ${legId} has no stream ${stream}`);
    const old = streams[i];
    const next = generateKeySet(old.profile, this.#keyOptions);
    assertDistinct([next, old.aToB, old.bToA]);
    streams[i] = { ...old, [direction]: next };
    const legs = this.#retired.get(callId) ?? new Map<string, MasterKeySet[]>();
    const retired = legs.get(legId) ?? [];
    retired.push(old[direction]);
    legs.set(legId, retired);
    this.#retired.set(callId, legs);
    return next;
  }

  /** Encrypted record of a call's keys for a store; needs a node key. */
  persist(callId: string): PersistedKeySets {
    this.#checkOpen();
    if (!this.hasCall(callId)) throw new KeyError(KeyErrorCode.UnknownCall, `no keys for call ${callId}`);
    const legs = this.#calls.get(callId) ?? new Map<string, StreamKeys[]>();
    const sets: LabelledKeySet[] = this.#callKeys.labelled(callId);
    for (const [legId, streams] of legs) {
      for (const s of streams) {
        sets.push({ label: `${legId}/${s.stream}/aToB`, set: s.aToB }, { label: `${legId}/${s.stream}/bToA`, set: s.bToA });
      }
    }
    return sealForStore(sets, this.#requireNodeKey());
  }

  /** Rebuild a call's keys from `persist()` output (e.g. after failover). */
  restore(callId: string, record: PersistedKeySets): void {
    this.#checkOpen();
    if (this.hasCall(callId)) throw new KeyError(KeyErrorCode.DuplicateCall, `keys for call ${callId} already exist`);
    const sets = openFromStore(record, this.#requireNodeKey(), { allowNull: this.policy.allowNull });
    try {
      this.#callKeys.restore(callId, sets);
    } catch (err) {
      for (const s of sets) s.set.release();
      throw err;
    }
    const legs = new Map<string, StreamKeys[]>();
    const byName = new Map(sets.map((s) => [s.label, s.set]));
    for (const { label, set } of sets) {
      const [legId, stream, dir] = label.split('/');
      if (dir !== 'aToB') continue;
      const bToA = byName.get(`${legId}/${stream}/bToA`);
      if (bToA === undefined) {
        this.#callKeys.releaseCall(callId);
        for (const s of sets) s.set.release();
        throw new KeyError(KeyErrorCode.BadSealedData, `persisted call ${callId} lacks the B→A set of ${legId}/${stream}`);
      }
      const list = legs.get(legId) ?? [];
      list.push({ stream, profile: set.profile, aToB: set, bToA });
      legs.set(legId, list);
    }
    if (legs.size > 0) this.#calls.set(callId, legs);
  }

  /**
   * Any labelled sets (e.g. a call session's SDES sets) sealed under the node key for a store,
   * like `persist` (crypto_secretbox; the node key never leaves this object). KEY_ERR_NO_NODE_KEY without one.
   */
  sealSets(sets: readonly LabelledKeySet[]): PersistedKeySets {
    this.#checkOpen();
    return sealForStore(sets, this.#requireNodeKey());
  }

  /** Open `sealSets` output; the caller owns (and wipes) the returned sets. */
  openSets(record: PersistedKeySets): LabelledKeySet[] {
    this.#checkOpen();
    return openFromStore(record, this.#requireNodeKey(), { allowNull: this.policy.allowNull });
  }

  /** Whether persisted state can be sealed (a node key is configured). */
  get canSeal(): boolean {
    return this.#nodeKey !== null;
  }

  /**
   * Our SDES offer: one line per policy suite (fresh keys each), or per `suites` in that order
   * (e.g. the suite the other leg chose first). Every suite must be in the policy.
   */
  sdesOffer(options: SdesOptions & { readonly suites?: readonly string[] } = {}): SdesOffer {
    this.#checkOpen();
    const { suites, ...rest } = options;
    let policy = this.policy;
    if (suites !== undefined) {
      const refused = suites.filter((name) => !this.policy.accepts(name));
      if (refused.length > 0) throw new KeyError(KeyErrorCode.NoCommonSuite, `suites not in the policy: ${refused.length} of ${suites.length}`);
      policy = new SuitePolicy(suites, { allowNull: this.policy.allowNull });
    }
    return createSdesOffer(policy, { keys: this.#keyOptions, ...rest });
  }

  sdesAnswer(offerLines: readonly string[], options: SdesOptions = {}): SdesAnswer {
    this.#checkOpen();
    return answerSdesOffer(offerLines, this.policy, { keys: this.#keyOptions, ...options });
  }

  sdesComplete(offer: SdesOffer, answerLine: string): SdesKeys {
    this.#checkOpen();
    return completeSdesOffer(offer, answerLine, this.policy);
  }

  /** Whether the call holds keys of either scope. */
  hasCall(callId: string): boolean {
    return this.#calls.has(callId) || this.#callKeys.hasCall(callId);
  }

  /** The call ended: wipe every key it held. Idempotent. */
  releaseCall(callId: string): void {
    const legIds = new Set([...(this.#calls.get(callId)?.keys() ?? []), ...(this.#retired.get(callId)?.keys() ?? [])]);
    for (const legId of legIds) this.releaseLeg(callId, legId);
    this.#callKeys.releaseCall(callId);
    this.#calls.delete(callId);
    this.#retired.delete(callId);
  }

  /**
   * One leg left the call (hung up, transferred away, or never finished joining): wipe its sets
   * and the sets a rekey retired from it; the call's other legs keep theirs. Idempotent.
   */
  releaseLeg(callId: string, legId: string): void {
    const legs = this.#calls.get(callId);
    for (const s of legs?.get(legId) ?? []) {
      s.aToB.release();
      s.bToA.release();
    }
    legs?.delete(legId);
    if (legs !== undefined && legs.size === 0) this.#calls.delete(callId);
    const retired = this.#retired.get(callId);
    for (const set of retired?.get(legId) ?? []) set.release();
    retired?.delete(legId);
    if (retired !== undefined && retired.size === 0) this.#retired.delete(callId);
  }

  /** Wipe everything, including the node key. Idempotent; later calls throw KEY_ERR_RELEASED. */
  close(): void {
    if (this.#closed) return;
    for (const callId of [...this.#calls.keys(), ...this.#retired.keys(), ...this.#callKeys.callIds()]) this.releaseCall(callId);
    this.#nodeKey?.release();
    wipeRandomPool();
    this.#closed = true;
  }

  #checkOpen(): void {
    if (this.#closed) throw new KeyError(KeyErrorCode.Released, 'key manager is closed');
  }

  /** Every set a call holds, of both scopes, current and retired: new keys must share none. */
  #setsOf(callId: string): MasterKeySet[] {
    const sets: MasterKeySet[] = this.#callKeys.sets(callId);
    for (const streams of this.#calls.get(callId)?.values() ?? []) for (const s of streams) sets.push(s.aToB, s.bToA);
    for (const retired of this.#retired.get(callId)?.values() ?? []) sets.push(...retired);
    return sets;
  }

  #call(callId: string): Map<string, StreamKeys[]> {
    this.#checkOpen();
    const legs = this.#calls.get(callId);
    if (legs === undefined) throw new KeyError(KeyErrorCode.UnknownCall, `no keys for call ${callId}`);
    return legs;
  }

  #leg(callId: string, legId: string): StreamKeys[] {
    const streams = this.#call(callId).get(legId);
    if (streams === undefined) throw new KeyError(KeyErrorCode.UnknownCall, `no keys for call ${callId} leg ${legId}`);
    return streams;
  }

  #requireNodeKey(): NodeKey {
    if (this.#nodeKey === null) throw new KeyError(KeyErrorCode.NoNodeKey, 'persisting keys needs a node key (SRTP_RELAY_NODE_KEY or keys.nodeKey)');
    return this.#nodeKey;
  }

  toJSON(): { calls: number; closed: boolean } {
    return { calls: new Set([...this.#calls.keys(), ...this.#callKeys.callIds()]).size, closed: this.#closed };
  }
}

function labelled(keys: readonly EndpointStreamKeys[]): LabelledKeySet[] {
  return keys.flatMap((k) => [{ label: `${k.stream}/send`, set: k.send }, { label: `${k.stream}/receive`, set: k.receive }]);
}
