/**
 * Call-scoped keys of one media stream (seed 003 "Media encryption" steps 1-7): the two sets,
 * A→B and B→A, that both phones of the call receive, and the share of them the relay's two
 * legs need to verify and forward the phones' packets unchanged (verified passthrough) or,
 * while a fallback segment lasts, to decrypt and protect with the same sets.
 *
 * Which keys go where (origin separation, see direction-keys.ts):
 *
 * | holder                              | A→B keys                     | B→A keys                     |
 * |-------------------------------------|------------------------------|------------------------------|
 * | phone A                             | send: endpoint               | receive: endpoint + relay    |
 * | phone B                             | receive: endpoint + relay    | send: endpoint               |
 * | relay leg toward A: inbound         | endpoint (verify A)          |                              |
 * | relay leg toward A: outbound        |                              | relay (protect) + endpoint   |
 * | relay leg toward B: inbound         |                              | endpoint (verify B)          |
 * | relay leg toward B: outbound        | relay (protect) + endpoint   |                              |
 *
 * A rekey makes a new `CallStreamKeys` (next generation) for the same call and stream; the
 * key manager keeps the old one until the stream or call is released (packets in flight).
 */
import { inspect } from 'node:util';
import type { ProtectionProfile } from '../srtp/protection-profile';
import type { DirectionKeys } from './direction-keys';
import type { LabelledKeySet } from './key-set-codec';
import type { EndpointStreamKeys, Side } from './managed-keying';
import type { MasterKeySet } from './master-key-set';

/**
 * Who shares a master key set: `call` (seed 003: both phones of a call hold the same two sets
 * per stream, the relay verifies) or `leg` (each leg's endpoint shares keys with the relay only,
 * which re-encrypts between legs).
 */
export type KeyingScope = 'call' | 'leg';

/** What the relay leg toward one phone needs: its inbound and outbound contexts' key sets. */
export interface RelayLegKeySets {
  /** Verifies/unprotects what the phone sends: the phone's endpoint keys only. */
  readonly inbound: MasterKeySet;
  /** Protects what the relay sends to the phone: relay-origin keys first, then the other phone's endpoint keys. */
  readonly outbound: MasterKeySet;
}

/** MKIs of one direction, as SDES writes them (decimal), per origin. Not secret: MKIs travel in clear. */
export interface DirectionKeyReference {
  readonly endpointMkis: readonly string[];
  readonly relayOriginMkis: readonly string[];
}

/**
 * A JSON-serialisable reference to a call stream's keys, for snapshots: it names the keys
 * (call, stream, generation, suite, MKIs) without holding any key bytes. The bytes are restored
 * from `KeyManager.persist` (sealed under the node key).
 */
export interface CallStreamKeyReference {
  readonly scope: 'call';
  readonly callId: string;
  readonly stream: string;
  readonly generation: number;
  readonly profile: ProtectionProfile['name'];
  readonly mkiLength: number;
  readonly aToB: DirectionKeyReference;
  readonly bToA: DirectionKeyReference;
}

export class CallStreamKeys {
  readonly callId: string;
  /** Media stream name, e.g. "audio" or "video". */
  readonly stream: string;
  readonly profile: ProtectionProfile;
  /** 1 for the first pair of the stream, +1 per rekey. */
  readonly generation: number;
  /** Phone A sends, phone B receives. */
  readonly aToB: DirectionKeys;
  /** Phone B sends, phone A receives. */
  readonly bToA: DirectionKeys;

  constructor(init: { callId: string; stream: string; generation: number; aToB: DirectionKeys; bToA: DirectionKeys }) {
    this.callId = init.callId;
    this.stream = init.stream;
    this.generation = init.generation;
    this.profile = init.aToB.profile;
    this.aToB = init.aToB;
    this.bToA = init.bToA;
  }

  /** What phone `side` is given: it protects with `send` and unprotects with `receive`. */
  endpoint(side: Side): EndpointStreamKeys {
    const [sends, receives] = side === 'A' ? [this.aToB, this.bToA] : [this.bToA, this.aToB];
    return { stream: this.stream, profile: this.profile, send: sends.endpoint, receive: receives.receive };
  }

  /** What the relay leg toward phone `side` is given (verified passthrough and fallback protect). */
  relayLeg(side: Side): RelayLegKeySets {
    const [sends, receives] = side === 'A' ? [this.aToB, this.bToA] : [this.bToA, this.aToB];
    return { inbound: sends.endpoint, outbound: receives.relayOutbound };
  }

  /** The keys the relay may protect with toward phone `side` (and no one else protects with). */
  relayOrigin(side: Side): MasterKeySet {
    return (side === 'A' ? this.bToA : this.aToB).relayOrigin;
  }

  get released(): boolean {
    return this.aToB.released && this.bToA.released;
  }

  /** Wipe every key of both directions. Idempotent. */
  release(): void {
    this.aToB.release();
    this.bToA.release();
  }

  reference(): CallStreamKeyReference {
    const dir = (d: DirectionKeys): DirectionKeyReference => ({
      endpointMkis: d.endpoint.keys.map((k) => mkiDecimal(k.mkiHex)),
      relayOriginMkis: d.relayOrigin.keys.map((k) => mkiDecimal(k.mkiHex)),
    });
    return {
      scope: 'call', callId: this.callId, stream: this.stream, generation: this.generation, profile: this.profile.name,
      mkiLength: this.aToB.endpoint.mkiLength, aToB: dir(this.aToB), bToA: dir(this.bToA),
    };
  }

  /** The four sets under labels `=call/<stream>/<generation>/<direction>/<origin>`, for sealing. */
  labelled(): LabelledKeySet[] {
    const base = `${CALL_LABEL_PREFIX}${this.stream}/${this.generation}`;
    return [
      { label: `${base}/aToB/endpoint`, set: this.aToB.endpoint },
      { label: `${base}/aToB/relay`, set: this.aToB.relayOrigin },
      { label: `${base}/bToA/endpoint`, set: this.bToA.endpoint },
      { label: `${base}/bToA/relay`, set: this.bToA.relayOrigin },
    ];
  }

  toJSON(): CallStreamKeyReference & { redacted: true } {
    return { ...this.reference(), redacted: true };
  }

  toString(): string {
    return `[CallStreamKeys ${this.callId}/${this.stream} #${this.generation} ${this.profile.name} redacted]`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Labels of persisted call-scoped sets start with "=", which no leg id can (API ids are
 * letters, digits and `_ . : -`), so they never mix with per-leg labels `<legId>/<stream>/<dir>`.
 */
export const CALL_LABEL_PREFIX = '=call/';

function mkiDecimal(hex: string | null): string {
  return hex === null ? '' : BigInt(`0x${hex}`).toString(10);
}
