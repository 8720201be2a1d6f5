/**
 * The key manager's call-scoped keys (seed 003): per call, per media stream, the current
 * `CallStreamKeys` and the generations a rekey replaced (kept, still secret, until the stream or
 * the call is released, since packets under them may still be in flight). Owned by `KeyManager`.
 */
import type { ProtectionProfile } from '../srtp/protection-profile';
import { CALL_LABEL_PREFIX, CallStreamKeys } from './call-stream-keys';
import { DirectionKeys, generateDirectionKeys } from './direction-keys';
import { KeyError, KeyErrorCode } from './errors';
import type { KeySetOptions } from './key-generator';
import type { LabelledKeySet } from './key-set-codec';
import { assertDistinct } from './managed-keying';
import type { MasterKeySet } from './master-key-set';

interface StreamEntry {
  current: CallStreamKeys;
  readonly retired: CallStreamKeys[];
}

export class CallKeyStore {
  /** callId → stream → entry. */
  readonly #calls = new Map<string, Map<string, StreamEntry>>();

  constructor(private readonly keyOptions: KeySetOptions) {}

  hasCall(callId: string): boolean {
    return this.#calls.has(callId);
  }

  callIds(): string[] {
    return [...this.#calls.keys()];
  }

  /**
   * New A→B and B→A sets for a stream. `others` are the call's other sets (per-leg ones too):
   * nothing handed out may share a master key with them.
   */
  create(callId: string, stream: string, profile: ProtectionProfile, others: readonly MasterKeySet[]): CallStreamKeys {
    const streams = this.#calls.get(callId) ?? new Map<string, StreamEntry>();
    if (streams.has(stream)) throw new KeyError(KeyErrorCode.DuplicateCall, `call keys for call ${callId} stream ${stream} already exist`);
    const keys = this.#generate(callId, stream, 1, profile, others);
    streams.set(stream, { current: keys, retired: [] });
    this.#calls.set(callId, streams);
    return keys;
  }

  get(callId: string, stream: string): CallStreamKeys {
    const entry = this.#calls.get(callId)?.get(stream);
    if (entry === undefined) throw new KeyError(KeyErrorCode.UnknownCall, `no call keys for call ${callId} stream ${stream}`);
    return entry.current;
  }

  /** Current keys of every stream of a call (empty when it has none). */
  list(callId: string): CallStreamKeys[] {
    return [...(this.#calls.get(callId)?.values() ?? [])].map((e) => e.current);
  }

  /** Every set the call holds through this store, current and retired (for distinctness checks). */
  sets(callId: string): MasterKeySet[] {
    const out: MasterKeySet[] = [];
    for (const e of this.#calls.get(callId)?.values() ?? []) {
      for (const k of [e.current, ...e.retired]) out.push(k.aToB.receive, k.bToA.receive);
    }
    return out;
  }

  /** A new pair (next generation, same suite and options); the old pair is retired, not wiped. */
  rekey(callId: string, stream: string, others: readonly MasterKeySet[]): CallStreamKeys {
    const entry = this.#calls.get(callId)?.get(stream);
    if (entry === undefined) throw new KeyError(KeyErrorCode.UnknownCall, `no call keys for call ${callId} stream ${stream}`);
    const old = entry.current;
    const next = this.#generate(callId, stream, old.generation + 1, old.profile, others);
    entry.retired.push(old);
    entry.current = next;
    return next;
  }

  /** Wipe a stream's current and retired keys. Idempotent. */
  releaseStream(callId: string, stream: string): void {
    const streams = this.#calls.get(callId);
    const entry = streams?.get(stream);
    if (streams === undefined || entry === undefined) return;
    entry.current.release();
    for (const r of entry.retired) r.release();
    streams.delete(stream);
    if (streams.size === 0) this.#calls.delete(callId);
  }

  /** Wipe every call-scoped key of a call. Idempotent. */
  releaseCall(callId: string): void {
    for (const stream of [...(this.#calls.get(callId)?.keys() ?? [])]) this.releaseStream(callId, stream);
    this.#calls.delete(callId);
  }

  /** Current generation of each stream, labelled for sealing (retired generations are not persisted). */
  labelled(callId: string): LabelledKeySet[] {
    return this.list(callId).flatMap((k) => k.labelled());
  }

  /**
   * Rebuild a call's streams from labelled sets (persisted state). Labels that are not
   * call-scoped are ignored; the caller owns (and on error wipes) the sets.
   */
  restore(callId: string, sets: readonly LabelledKeySet[]): void {
    const byLabel = new Map(sets.map((s) => [s.label, s.set]));
    const streams = new Map<string, StreamEntry>();
    for (const { label } of sets) {
      if (!label.startsWith(CALL_LABEL_PREFIX) || !label.endsWith('/aToB/endpoint')) continue;
      const base = label.slice(0, -'/aToB/endpoint'.length);
      const [stream, gen] = base.slice(CALL_LABEL_PREFIX.length).split('/');
      const generation = Number(gen);
      const part = (suffix: string): MasterKeySet => {
        const set = byLabel.get(`${base}/${suffix}`);
        if (set === undefined) throw new KeyError(KeyErrorCode.BadSealedData, `persisted call ${callId} lacks the ${suffix} keys of stream ${stream}`);
        return set;
      };
      if (stream === undefined || stream === '' || !Number.isInteger(generation) || generation < 1 || streams.has(stream)) {
        throw new KeyError(KeyErrorCode.BadSealedData, `persisted call ${callId} has a malformed call-key label`);
      }
      const keys = new CallStreamKeys({
        callId, stream, generation,
        aToB: new DirectionKeys(part('aToB/endpoint'), part('aToB/relay')),
        bToA: new DirectionKeys(part('bToA/endpoint'), part('bToA/relay')),
      });
      streams.set(stream, { current: keys, retired: [] });
    }
    if (streams.size > 0) this.#calls.set(callId, streams);
  }

  #generate(callId: string, stream: string, generation: number, profile: ProtectionProfile, others: readonly MasterKeySet[]): CallStreamKeys {
    const aToB = generateDirectionKeys(profile, this.keyOptions);
    let bToA: DirectionKeys;
    try {
      bToA = generateDirectionKeys(profile, this.keyOptions);
    } catch (err) {
      aToB.release();
      throw err;
    }
    try {
      // Four fresh master keys per stream (two origins × two directions), none shared with
      // each other or with any other set of the call (RFC 3711 §9.1).
      assertDistinct([aToB.receive, bToA.receive, ...others]);
    } catch (err) {
      aToB.release();
      bToA.release();
      throw err;
    }
    return new CallStreamKeys({ callId, stream, generation, aToB, bToA });
  }
}
