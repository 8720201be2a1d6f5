/**
 * A call on the relay: its legs (owned in a private map), their pairing, stats and close.
 * All of a call's legs live on one media worker, so forwarding never crosses threads.
 */
import { isIP, isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import { DTLS_KEYING_PROFILE, dtlsLegKeying } from '../dtls/dtls-leg-keying';
import { addressVerdictText, AddressVerdict, type AddressPolicy } from './address-policy';
import { RelayError, RelayErrorCode } from './errors';
import type { KeyFingerprinter } from './key-fingerprint';
import { acceptsKey, shareMasterKey } from './key-fingerprint';
import { packLegSrtp, wipeKeyBytes, type LegSrtpOptions } from './key-transfer';
import { createCounterBuffer } from './leg-counters';
import { defaultLatching, RTP_LATCHING, SRTP_LATCHING } from './latching';
import { choosePairMode, pairModeName, protectsInto, type LegKeying, type PairModeName } from './pair-mode';
import type { PortAllocation, PortPool } from './port-pool';
import { RelayLeg, type AddLegOptions, type LegLocal, type LegStats, type PortReservation } from './relay-leg';
import type { WorkerHandle } from './worker-handle';
import type { AddLegRequest, IndexFloor, IndexGrant, LatchEvent, RemoteEndpoint, SignaledRoc } from './worker-messages';

/** What a call needs from its relay. */
export interface CallHost {
  readonly bindAddress: string;
  readonly addressPolicy: AddressPolicy;
  readonly pool: PortPool;
  readonly fingerprinter: KeyFingerprinter;
  readonly logger: Logger;
  /** SRTP index reservation block for SRTP legs (0: none; docs/ha.md). */
  readonly indexBlock?: number;
  /** The call is closing (or its worker died): forget it, its id is free (see `close`). */
  callClosed(call: RelayCall): void;
}

export interface CallStats {
  readonly id: string;
  readonly worker: number;
  readonly closed: boolean;
  readonly legs: readonly LegStats[];
}

/** Bind attempts per leg when a port of the pool is taken by another process. */
const BIND_ATTEMPTS = 8;

export class RelayCall {
  readonly id: string;
  private readonly legs = new Map<string, RelayLeg>();
  private readonly addingIds = new Set<string>();
  /** Reservations not used yet, by their RTP port, with the pool allocation behind each. */
  private readonly reservations = new Map<number, { reservation: PortReservation; ports: PortAllocation }>();
  private closing: Promise<void> | null = null;
  private closedFlag = false;

  constructor(
    id: string,
    readonly worker: WorkerHandle,
    private readonly host: CallHost,
  ) {
    this.id = id;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  leg(id: string): RelayLeg | undefined {
    return this.legs.get(id);
  }

  /** Open a leg's sockets on the call's worker; returns its local ports. */
  async addLeg(options: AddLegOptions): Promise<LegLocal> {
    this.assertOpen();
    const id = options.id;
    if (typeof id !== 'string' || id.length === 0) throw new RelayError(RelayErrorCode.BadOption, 'a leg needs a non-empty string id');
    if (this.legs.has(id) || this.addingIds.has(id)) throw new RelayError(RelayErrorCode.DuplicateLeg, `leg ${id} already exists in call ${this.id}`);
    const rtcpMux = options.rtcpMux === true;
    const srtp = options.srtp ?? null;
    const webrtc = options.webrtc ?? null;
    if (webrtc !== null && (srtp !== null || !rtcpMux || (options.latching !== undefined && options.latching !== 'strict'))) {
      throw new RelayError(RelayErrorCode.BadOption, 'a WebRTC leg takes no srtp keys, needs rtcpMux and latches only by ICE (latching strict)');
    }
    const latching = webrtc !== null ? 'strict' : (options.latching ?? defaultLatching(srtp !== null));
    if (!(srtp !== null || webrtc !== null ? SRTP_LATCHING : RTP_LATCHING).includes(latching)) {
      throw new RelayError(RelayErrorCode.BadOption, `latching "${String(latching)}" is not valid for ${srtp !== null ? 'an SRTP' : 'a plain RTP'} leg`);
    }
    const remote = options.remote ?? null;
    if (remote !== null) validateRemote(remote, this.host);
    // A WebRTC leg's keys exist only in the worker after DTLS: its keying is a unique stand-in
    // that matches no other leg, so pairs with it recrypt, decrypt or encrypt, never pass through.
    const keying = webrtc !== null ? dtlsLegKeying() : srtp === null ? null : this.keyingOf(srtp);
    const reserved = options.reservation === undefined ? null : this.takeReservation(options.reservation, rtcpMux);

    this.addingIds.add(id);
    try {
      let ports: PortAllocation | null = null;
      const counters = createCounterBuffer();
      for (let attempt = 1; ; attempt++) {
        ports = attempt === 1 && reserved !== null ? reserved : this.host.pool.allocate(rtcpMux);
        const wire = srtp === null ? null : packLegSrtp(srtp);
        const req: AddLegRequest = {
          op: 'addLeg', callId: this.id, legId: id, bindAddress: this.host.bindAddress,
          rtpPort: ports.rtpPort, rtcpPort: ports.rtcpPort, rtcpMux, remote, latching,
          srtp: wire === null ? null : { inbound: wire.inbound, outbound: wire.outbound },
          keyBytes: wire?.keyBytes ?? null, counters, webrtc,
          ...(srtp !== null && (this.host.indexBlock ?? 0) > 0 ? { indexBlock: this.host.indexBlock } : {}),
        };
        try {
          await this.worker.request(req, wire === null ? [] : [wire.keyBytes]);
          break;
        } catch (err) {
          this.host.pool.release(ports);
          // Reserved ports were already promised in signaling: no silent substitute.
          if ((err as RelayError).code !== RelayErrorCode.BindFailed || attempt >= BIND_ATTEMPTS || reserved !== null) throw err;
        } finally {
          // Transferred (detached) to a worker, or wiped by the in-thread engine; make sure.
          if (wire !== null) wipeKeyBytes(wire.keyBytes);
        }
      }
      const leg = new RelayLeg({
        id, rtcpMux, latching, keying, ports, remote, counters,
        local: { address: this.host.bindAddress, rtpPort: ports.rtpPort, rtcpPort: ports.rtcpPort },
      });
      if (this.closedFlag) {
        // The call closed while the leg was opening; the worker closed it with the call.
        this.host.pool.release(ports);
        throw new RelayError(RelayErrorCode.Closed, `call ${this.id} is closed`);
      }
      this.legs.set(id, leg);
      this.host.logger.debug({ callId: this.id, legId: id, rtpPort: ports.rtpPort, srtp: srtp !== null }, 'leg added');
      return leg.local;
    } finally {
      this.addingIds.delete(id);
    }
  }

  /**
   * New keys for an SRTP leg (rekey): the worker builds new contexts, carries each SSRC's ROC
   * over (plus `rocs` signaled ones), swaps them in and closes (wipes) the old ones. The key
   * bytes travel only in a transferred buffer, wiped here too. The pairing is re-chosen (the
   * mode may change, e.g. passthrough → recrypt, when keys no longer match the peer's).
   */
  async rekeyLeg(legId: string, srtp: LegSrtpOptions, rocs: readonly SignaledRoc[] = []): Promise<void> {
    this.assertOpen();
    const leg = this.mustLeg(legId);
    if (leg.keying === null) throw new RelayError(RelayErrorCode.BadOption, `leg ${legId} is plain RTP: nothing to rekey`);
    if (isWebrtc(leg)) throw new RelayError(RelayErrorCode.BadOption, `leg ${legId} is a WebRTC leg: its keys come from DTLS (a new handshake needs an ICE restart)`);
    const keying = this.keyingOf(srtp, legId);
    // Check the pairing the new keys will get before the worker switches to them.
    const peer = leg.peerId === null ? undefined : this.legs.get(leg.peerId);
    if (peer !== undefined) {
      const changed = { id: legId, keying };
      if (protectsInto(choosePairMode(peer.keying, keying))) this.assertRelayOnlyKey(legId, keying, changed);
      if (protectsInto(choosePairMode(keying, peer.keying)) && peer.keying !== null) this.assertRelayOnlyKey(peer.id, peer.keying, changed);
    }
    const wire = packLegSrtp(srtp);
    try {
      await this.worker.request({ op: 'rekeyLeg', callId: this.id, legId, srtp: { inbound: wire.inbound, outbound: wire.outbound }, keyBytes: wire.keyBytes, rocs }, [wire.keyBytes]);
    } finally {
      wipeKeyBytes(wire.keyBytes);
    }
    leg.keying = keying;
    if (leg.peerId !== null && this.legs.has(leg.peerId)) await this.connect(legId, leg.peerId);
    this.host.logger.debug({ callId: this.id, legId }, 'leg rekeyed');
  }

  /**
   * Hold ports for a leg whose keys are not known yet (an SDES offer must name its port before
   * the answer brings the peer's key). Pass the reservation to `addLeg`, or `cancelReservation`.
   * `at`: these exact ports (a call restored from a snapshot keeps the ports its endpoints were
   * told in SDP); RELAY_ERR_PORTS_EXHAUSTED when they are taken or outside the range.
   */
  reservePorts(rtcpMux = false, at?: PortAllocation): PortReservation {
    this.assertOpen();
    const ports = at === undefined ? this.host.pool.allocate(rtcpMux) : this.host.pool.claim(at, rtcpMux);
    const reservation: PortReservation = { callId: this.id, address: this.host.bindAddress, rtpPort: ports.rtpPort, rtcpPort: ports.rtcpPort, rtcpMux };
    this.reservations.set(ports.rtpPort, { reservation, ports });
    return reservation;
  }

  /** Give reserved ports back to the pool. Idempotent. */
  cancelReservation(reservation: PortReservation): void {
    const held = this.reservations.get(reservation.rtpPort);
    if (held === undefined || held.reservation !== reservation) return;
    this.reservations.delete(reservation.rtpPort);
    this.host.pool.release(held.ports);
  }

  /**
   * Close one leg: its sockets, its contexts (keys wiped) and its ports go; its peer is left
   * unpaired. Idempotent for a leg already removed.
   */
  async removeLeg(legId: string): Promise<void> {
    this.assertOpen();
    const leg = this.legs.get(legId);
    if (leg === undefined) return;
    this.legs.delete(legId);
    const peer = leg.peerId === null ? undefined : this.legs.get(leg.peerId);
    if (peer !== undefined && peer.peerId === leg.id) {
      peer.peerId = null;
      peer.mode = null;
    }
    try {
      await this.worker.request({ op: 'removeLeg', callId: this.id, legId });
    } finally {
      this.host.pool.release(leg.ports);
    }
    this.host.logger.debug({ callId: this.id, legId }, 'leg removed');
  }

  /**
   * Pair two legs: what arrives on one leaves on the other. The mode per direction follows
   * from the legs' keys (pair-mode.ts). Re-pairing a leg drops its previous pairing.
   */
  async connect(a: string, b: string): Promise<{ readonly [direction: string]: PairModeName }> {
    this.assertOpen();
    if (a === b) throw new RelayError(RelayErrorCode.BadOption, 'a leg cannot be connected to itself');
    const legA = this.mustLeg(a);
    const legB = this.mustLeg(b);
    const modeAB = choosePairMode(legA.keying, legB.keying);
    const modeBA = choosePairMode(legB.keying, legA.keying);
    if (protectsInto(modeAB) && legB.keying !== null) this.assertRelayOnlyKey(b, legB.keying);
    if (protectsInto(modeBA) && legA.keying !== null) this.assertRelayOnlyKey(a, legA.keying);
    await this.worker.request({ op: 'connect', callId: this.id, a, b, modeAB, modeBA });
    for (const leg of [legA, legB]) {
      const old = leg.peerId === null ? undefined : this.legs.get(leg.peerId);
      if (old !== undefined && old.peerId === leg.id) {
        old.peerId = null;
        old.mode = null;
      }
    }
    legA.peerId = b;
    legA.mode = modeAB;
    legB.peerId = a;
    legB.mode = modeBA;
    return { [`${a}->${b}`]: pairModeName(modeAB), [`${b}->${a}`]: pairModeName(modeBA) };
  }

  async disconnect(legId: string): Promise<void> {
    this.assertOpen();
    const leg = this.mustLeg(legId);
    await this.worker.request({ op: 'disconnect', callId: this.id, legId });
    const peer = leg.peerId === null ? undefined : this.legs.get(leg.peerId);
    if (peer !== undefined && peer.peerId === leg.id) {
      peer.peerId = null;
      peer.mode = null;
    }
    leg.peerId = null;
    leg.mode = null;
  }

  /** New remote from signaling (re-INVITE); also unlocks a `first` leg. */
  async setRemote(legId: string, remote: RemoteEndpoint | null): Promise<void> {
    this.assertOpen();
    const leg = this.mustLeg(legId);
    if (isWebrtc(leg)) throw new RelayError(RelayErrorCode.BadOption, `leg ${legId} is a WebRTC leg: its remote comes only from authenticated ICE checks`);
    if (remote !== null) validateRemote(remote, this.host);
    await this.worker.request({ op: 'setRemote', callId: this.id, legId, remote });
    leg.setRemote(remote);
  }

  /**
   * Index reservations and takeover floors for an SRTP leg (docs/ha.md): `grants` were persisted
   * and may now be used; `floors` are where a stream continues after another node handled it.
   */
  async indexState(legId: string, grants: readonly IndexGrant[], floors: readonly IndexFloor[] = []): Promise<void> {
    this.assertOpen();
    this.mustLeg(legId);
    await this.worker.request({ op: 'indexState', callId: this.id, legId, grants, floors });
  }

  /** Cheap: counters come from shared memory, nothing is asked of the worker. */
  stats(): CallStats {
    return { id: this.id, worker: this.worker.index, closed: this.closedFlag, legs: [...this.legs.values()].map((l) => l.stats()) };
  }

  /**
   * Close sockets, wipe keys (worker side), return ports. Idempotent; concurrent calls share one
   * close, which resolves when the worker confirms. The relay forgets the call at once (its id
   * may be used again right away: the worker handles requests in order, so a new call's legs
   * open after this close; the old call's late events are dropped, worker-handle.ts); its ports
   * go back to the pool only once the worker has closed their sockets, so nothing rebinds them
   * early. The close leaves with the worker's next request, or within a few milliseconds.
   */
  close(): Promise<void> {
    if (this.closing === null) {
      this.closedFlag = true;
      const worker = this.worker;
      worker.closeSent(this.id);
      this.host.callClosed(this);
      this.closing = worker
        .request({ op: 'closeCall', callId: this.id }, [], true) // lazy: nobody waits on it (message-batch.ts)
        .catch(() => undefined) // a dead worker took the sockets with it
        .then(() => {
          worker.closeConfirmed(this.id);
          this.releasePorts();
        });
    }
    return this.closing;
  }

  /** The worker died: its sockets are gone; release what the control side holds. */
  workerDied(): void {
    this.closedFlag = true;
    if (this.closing !== null) return; // the pending close fails with the worker and releases
    this.closing = Promise.resolve();
    this.host.callClosed(this);
    this.releasePorts();
  }

  /** @internal */
  onLatch(e: LatchEvent): void {
    this.legs.get(e.legId)?.applyLatch(e);
  }

  private takeReservation(reservation: PortReservation, rtcpMux: boolean): PortAllocation {
    const held = this.reservations.get(reservation.rtpPort);
    if (held === undefined || held.reservation !== reservation) {
      throw new RelayError(RelayErrorCode.BadOption, `no open port reservation ${reservation.rtpPort} in call ${this.id}`);
    }
    if (rtcpMux !== reservation.rtcpMux) throw new RelayError(RelayErrorCode.BadOption, 'rtcpMux differs from the reservation');
    this.reservations.delete(reservation.rtpPort);
    return held.ports;
  }

  private releasePorts(): void {
    for (const held of this.reservations.values()) this.host.pool.release(held.ports);
    this.reservations.clear();
    for (const leg of this.legs.values()) this.host.pool.release(leg.ports);
  }

  /** Fingerprints of new keys; `self` (a rekeyed leg) is not compared with its own old keys. */
  private keyingOf(srtp: NonNullable<AddLegOptions['srtp']>, self: string | null = null): LegKeying {
    const fp = this.host.fingerprinter;
    const keying: LegKeying = { inbound: fp.fingerprint(srtp.inbound), outbound: fp.fingerprint(srtp.outbound) };
    if (shareMasterKey(keying.inbound, keying.outbound)) {
      throw new RelayError(RelayErrorCode.KeyReuse, 'a leg must not use the same master key inbound and outbound (RFC 3711 §9.1)');
    }
    for (const other of this.legs.values()) {
      if (other.id === self || other.keying === null) continue;
      if (shareMasterKey(other.keying.outbound, keying.outbound)) {
        throw new RelayError(RelayErrorCode.KeyReuse, `leg ${other.id} already protects with this master key (RFC 3711 §9.1)`);
      }
      // A remote must never be given the key the relay is protecting with right now.
      if (this.protectedInto(other) && acceptsKey(keying.inbound, other.keying.outbound.active)) {
        throw new RelayError(RelayErrorCode.KeyReuse, `the relay protects toward leg ${other.id} with a master key this leg's remote would protect with (RFC 3711 §9.1)`);
      }
    }
    return keying;
  }

  /** Whether the relay currently protects packets going into `leg` (its peer's mode is recrypt or encrypt). */
  private protectedInto(leg: RelayLeg): boolean {
    const from = leg.peerId === null ? undefined : this.legs.get(leg.peerId);
    return from !== undefined && from.peerId === leg.id && protectsInto(from.mode);
  }

  /**
   * The relay is about to protect into leg `toId` with `to.outbound`'s active key. Refuse when any
   * leg's inbound accepts that key: its remote protects with it too, so the two could protect the
   * same (key, SSRC, index) (RFC 3711 §9.1). Key-identical end-to-end sets hit this when a
   * fallback needs the relay to protect; seed 003 call keys do not (the relay protects with
   * relay-origin keys that no remote holds to send with, src/keys/direction-keys.ts).
   * `changed` stands for a leg whose keys are being replaced.
   */
  private assertRelayOnlyKey(toId: string, to: LegKeying, changed?: { id: string; keying: LegKeying }): void {
    for (const leg of this.legs.values()) {
      const k = changed !== undefined && leg.id === changed.id ? changed.keying : leg.keying;
      if (k !== null && acceptsKey(k.inbound, to.outbound.active)) {
        throw new RelayError(
          RelayErrorCode.KeyReuse,
          `the relay would protect toward leg ${toId} with a master key that leg ${leg.id}'s remote protects with (RFC 3711 §9.1); give the relay its own key (seed 003 call keys) or separate keys per leg`,
        );
      }
    }
  }

  private mustLeg(id: string): RelayLeg {
    const leg = this.legs.get(id);
    if (leg === undefined) throw new RelayError(RelayErrorCode.UnknownLeg, `no leg ${id} in call ${this.id}`);
    return leg;
  }

  private assertOpen(): void {
    if (this.closedFlag) throw new RelayError(RelayErrorCode.Closed, `call ${this.id} is closed`);
  }
}

/** A WebRTC leg: its keying is the DTLS stand-in (dtls-leg-keying.ts). */
function isWebrtc(leg: RelayLeg): boolean {
  return leg.keying?.inbound.profile === DTLS_KEYING_PROFILE;
}

/** Shape, then the address policy (the backstop behind the control plane's own field checks). */
function validateRemote(remote: RemoteEndpoint, host: CallHost): void {
  const ok = (p: unknown): boolean => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65535;
  if (typeof remote.address !== 'string' || isIP(remote.address) === 0 || !ok(remote.port) || (remote.rtcpPort !== undefined && !ok(remote.rtcpPort))) {
    throw new RelayError(RelayErrorCode.BadOption, 'remote needs an IP address and ports in 1..65535');
  }
  const verdict = host.addressPolicy.judge(remote.address, isIPv6(host.bindAddress) ? 6 : 4);
  if (verdict !== AddressVerdict.Ok) throw new RelayError(RelayErrorCode.RemoteRefused, `remote ${remote.address} is ${addressVerdictText(verdict)}`);
}
