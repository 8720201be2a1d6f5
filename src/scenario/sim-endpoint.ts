/**
 * A simulated device of a scenario: a phone, gateway or trunk with one `SimStream` per media
 * stream, or a music-on-hold source (one plain RTP audio sender). It builds its leg request
 * (with SDES offers when it brings its own keys), takes its keys from the API (key delivery
 * for managed legs, the SDES answer otherwise) and follows the relay ports and transport the
 * API reports for its leg after every step.
 */
import type { StreamView } from '../api/dto';
import { formatCryptoAttribute, generateKeySet, parseCryptoAttribute, toSrtpContextOptions, wipeContextOptions, type MasterKeySet } from '../keys';
import { resolveProfile, SrtpContext } from '../srtp';
import type { DeviceDef, MediaKind } from './scenario-types';
import { SimStream, type SimContext, type StreamTarget } from './sim-stream';

/** Offered when an SDES device names no suites: the suite every SDES peer has (RFC 4568 §6.2). */
const DEFAULT_SDES_SUITE = 'AES_CM_128_HMAC_SHA1_80';

export type EndpointState = 'idle' | 'joined' | 'left';

/** What the API says about one stream of a leg (leg view). */
export type LegStreamView = StreamView;

export class SimEndpoint {
  readonly def: DeviceDef;
  state: EndpointState = 'idle';
  /** Streams on the leg now (video-on / video-off change it). */
  private readonly on: Set<MediaKind>;
  private readonly streams: Map<MediaKind, SimStream>;
  /** Generation of the call keys each call-keyed stream last took (seed 003 call scope). */
  private readonly callKeyGenerations = new Map<string, number>();
  /** SDES offers waiting for the answer: per stream, the key set offered under each tag. */
  private readonly offers = new Map<MediaKind, Map<number, MasterKeySet>>();

  private constructor(def: DeviceDef, streams: Map<MediaKind, SimStream>) {
    this.def = def;
    this.streams = streams;
    this.on = new Set(def.startStreams);
  }

  static async open(def: DeviceDef, ctx: SimContext, nextSender: () => number): Promise<SimEndpoint> {
    const streams = new Map<MediaKind, SimStream>();
    try {
      for (const kind of def.streams) {
        streams.set(kind, await SimStream.open(def.name, kind, nextSender(), ctx, { rtcpMux: def.rtcpMux, receives: def.role === 'endpoint' }));
      }
    } catch (err) {
      for (const s of streams.values()) s.close();
      throw err;
    }
    return new SimEndpoint(def, streams);
  }

  get name(): string {
    return this.def.name;
  }

  allStreams(): SimStream[] {
    return [...this.streams.values()];
  }

  stream(kind: MediaKind): SimStream | undefined {
    return this.streams.get(kind);
  }

  /** The body of POST .../legs (or a transfer's `to`). SDES offers are made fresh each time. */
  legRequest(): object {
    const d = this.def;
    return {
      id: d.name,
      device: d.device,
      keying: d.keying,
      ...(d.keying === 'managed' && d.suites !== null ? { suites: d.suites } : {}),
      streams: [...this.streams.values()].filter((s) => this.on.has(s.kind)).map((s) => this.streamRequest(s.kind)),
    };
  }

  /** One stream of the leg request (also the body of POST .../legs/:id/streams). */
  streamRequest(kind: MediaKind): object {
    const d = this.def;
    const s = this.streams.get(kind);
    if (s === undefined) throw new Error(`${this.name} has no ${kind} stream`);
    return {
      kind, remote: s.endpoint, rtcpMux: d.rtcpMux,
      ...(d.rtpStreams.includes(kind) ? { srtp: false } : d.keying === 'sdes' ? { crypto: this.offer(kind) } : {}),
    };
  }

  /** video-on / video-off: the stream joins or leaves the leg (it stops sending when off). */
  setStream(kind: MediaKind, on: boolean): void {
    if (on) this.on.add(kind);
    else {
      this.on.delete(kind);
      const s = this.streams.get(kind);
      if (s !== undefined) s.target = null;
    }
  }

  /** SDES: our send key is the offered set the answer picked (by tag); we receive with the answer's key. */
  takeSdesAnswers(streams: readonly LegStreamView[]): void {
    for (const view of streams) {
      const offered = this.offers.get(view.kind);
      const stream = this.streams.get(view.kind);
      if (offered === undefined || stream === undefined || view.crypto === undefined) continue;
      const answer = parseCryptoAttribute(view.crypto);
      const mine = offered.get(answer.tag);
      try {
        if (mine === undefined) throw new Error(`SDES answer tag ${answer.tag} matches no offer of ${this.name}`);
        stream.setKeys(contextFrom(mine), contextFrom(answer.keySet));
      } finally {
        answer.keySet.release();
        for (const set of offered.values()) set.release();
        this.offers.delete(view.kind);
      }
    }
  }

  /**
   * Managed keying: the key delivery's send and receive lines (a=crypto format). Call keys
   * (seed 003) carry MKIs: the send line holds our endpoint key only (MKI 1), the receive line
   * the other phone's endpoint key and the relay-origin key (MKIs 1 and 2); the contexts select
   * by MKI, so both senders' packets decrypt.
   */
  takeManagedKeys(streams: readonly { kind: string; send: string; receive: string; generation?: number }[]): void {
    for (const k of streams) {
      const stream = this.streams.get(k.kind as MediaKind);
      if (stream === undefined) continue;
      if (k.generation !== undefined) this.callKeyGenerations.set(k.kind, k.generation);
      const send = parseCryptoAttribute(k.send);
      const receive = parseCryptoAttribute(k.receive);
      try {
        stream.setKeys(contextFrom(send.keySet), contextFrom(receive.keySet));
      } finally {
        send.keySet.release();
        receive.keySet.release();
      }
    }
  }

  /**
   * Call-keyed streams whose keys moved to another generation since we took them (the other
   * phone rekeyed, or left and the relay rekeyed for us): the endpoint must switch to those.
   */
  staleCallKeys<T extends { kind: string; keyingScope?: string; generation?: number }>(streams: readonly T[]): T[] {
    return streams.filter((k) => k.keyingScope === 'call' && k.generation !== undefined && this.streams.has(k.kind as MediaKind) && this.callKeyGenerations.get(k.kind) !== k.generation);
  }

  /**
   * Follow the leg as the API reports it: send to the relay leg it names, SRTP when the
   * segment is SRTP. An inactive (held) leg keeps sending, to the SRTP relay leg when it has
   * keys: the relay must not forward it to anyone.
   */
  follow(streams: readonly LegStreamView[]): void {
    for (const view of streams) {
      const s = this.streams.get(view.kind);
      if (s === undefined) continue;
      s.target = view.local === null ? null : { address: view.local.address, rtpPort: view.local.rtpPort, rtcpPort: view.local.rtcpPort };
      s.mode = view.transport === 'srtp' || (view.transport === 'inactive' && s.hasKeys) ? 'srtp' : 'rtp';
    }
  }

  /** A music-on-hold source sends plain RTP to the relay's MOH port. */
  playTo(target: StreamTarget | null): void {
    const s = this.streams.get('audio');
    if (s === undefined) return;
    s.target = target;
    s.mode = 'rtp';
  }

  /** Senders of the next window: joined devices (and playing MOH sources). */
  senders(): SimStream[] {
    if (this.state !== 'joined') return [];
    return [...this.streams.values()].filter((s) => s.target !== null && (this.def.role !== 'endpoint' || this.on.has(s.kind)));
  }

  close(): void {
    for (const s of this.streams.values()) s.close();
    for (const offered of this.offers.values()) for (const set of offered.values()) set.release();
    this.offers.clear();
  }

  private offer(kind: MediaKind): string[] {
    const old = this.offers.get(kind);
    if (old !== undefined) for (const set of old.values()) set.release();
    const sets = new Map<number, MasterKeySet>();
    const lines = (this.def.suites ?? [DEFAULT_SDES_SUITE]).map((suite, i) => {
      const set = generateKeySet(resolveProfile(suite));
      sets.set(i + 1, set);
      return formatCryptoAttribute(i + 1, set);
    });
    this.offers.set(kind, sets);
    return lines;
  }
}

function contextFrom(set: MasterKeySet): SrtpContext {
  const options = toSrtpContextOptions(set);
  try {
    return new SrtpContext(options);
  } finally {
    // The context holds its own copy; the delivered bytes are wiped (docs/keys.md).
    wipeContextOptions(options);
  }
}
