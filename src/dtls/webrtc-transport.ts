/**
 * A WebRTC leg's transport inside the media worker that owns its socket: ICE-lite answers,
 * the DTLS handshake, and, once it completes with a verified fingerprint, the leg's own
 * SrtpContexts built from the exported keys (RFC 5764 §4.2). The keys never leave this worker.
 *
 * The packet path calls `intercept` first for every datagram on the leg (RFC 7983 demux):
 * STUN and DTLS are consumed here, SRTP/SRTCP passes on once the leg is keyed, everything
 * else is a counted drop. The peer's address comes only from an authenticated ICE check; DTLS is
 * accepted only from that address.
 */
import type { Logger } from 'pino';
import { AddressVerdict, type AddressPolicy } from '../relay/address-policy';
import { RelayError, RelayErrorCode } from '../relay/errors';
import { C } from '../relay/leg-counters';
import type { MediaLeg } from '../relay/media-leg';
import { createPacketContext, type PacketContext } from '../relay/packet-context';
import { classifyFirstOctet, PortProtocol } from './demux';
import { certificateFingerprint } from './dtls-certificate';
import { dtlsProfileIds, exporterLength, negotiatedProfile } from './dtls-profiles';
import { IceLiteResponder, IceVerdict } from './ice-lite';
import { sendOnLeg } from './send-on-leg';
import { WEBRTC_CONNECT_TIMEOUT_MS, type WebrtcLegParams } from './webrtc-leg-params';
import type { WebrtcWorkerEvent } from './webrtc-events';
import { createDtlsSession, type DtlsSession } from './werift-dtls';

const EXPORTER_LABEL = 'EXTRACTOR-dtls_srtp';
const HANDSHAKE = 22;
const CLIENT_HELLO = 1;

/** Plaintext ClientHello (record epoch 0, handshake type 1): RFC 6347 §4.1 and §4.2.2 layouts. */
function isClientHello(p: Buffer): boolean {
  return p.length > 13 && p[0] === HANDSHAKE && p[3] === 0 && p[4] === 0 && p[13] === CLIENT_HELLO;
}

export class WebrtcTransport {
  private readonly ice: IceLiteResponder;
  private readonly dtls: DtlsSession;
  private readonly role: WebrtcLegParams['role'];
  private readonly fingerprints: WebrtcLegParams['remoteFingerprints'];
  private dtlsStarted = false;
  private keyed = false;
  private failed = false;
  private closed = false;
  private firstCheckAt = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly leg: MediaLeg,
    params: WebrtcLegParams,
    private readonly emit: (e: WebrtcWorkerEvent | { type: 'latch'; callId: string; legId: string; rtcp: boolean; address: string; port: number }) => void,
    private readonly logger: Logger,
    /** ICE-learned addresses become remotes: they pass the same policy as signaled ones. */
    private readonly policy: AddressPolicy,
  ) {
    if (!leg.rtcpMux) throw new RelayError(RelayErrorCode.BadOption, 'a WebRTC leg needs rtcp-mux (RFC 8834 §5.1.1)');
    if (params.remoteFingerprints.length === 0) throw new RelayError(RelayErrorCode.BadOption, 'a WebRTC leg needs the peer\'s certificate fingerprint');
    let profileIds: number[];
    try {
      profileIds = dtlsProfileIds(params.profiles);
    } catch (err) {
      throw new RelayError(RelayErrorCode.BadOption, (err as Error).message);
    }
    if (profileIds.length === 0) throw new RelayError(RelayErrorCode.BadOption, 'a WebRTC leg needs at least one SRTP profile');
    this.role = params.role;
    this.fingerprints = params.remoteFingerprints;
    this.ice = new IceLiteResponder(params.ice, params.remoteUfrag);
    this.dtls = createDtlsSession({
      role: params.role,
      certificate: params.certificate,
      profileIds,
      send: (datagram) => sendOnLeg(leg, datagram, leg.rtpAddress, leg.rtpPort),
      onConnected: () => this.onDtlsConnected(),
      onError: (reason) => this.fail(`DTLS handshake failed: ${reason}`),
      onClosed: () => this.onPeerClosed(),
    });
    this.timer = setTimeout(() => {
      if (!this.keyed) this.fail(`no ICE + DTLS within ${WEBRTC_CONNECT_TIMEOUT_MS} ms`);
    }, WEBRTC_CONNECT_TIMEOUT_MS);
    this.timer.unref();
  }

  /** True when the datagram was consumed (STUN, DTLS, or dropped); false: media for the packet path. */
  /**
   * `packet[0, length)` is the datagram; with the native packet I/O `packet` is a receive-ring
   * slot, reused after the batch, so STUN and DTLS (rare, and werift may keep the bytes) get
   * their own copy; media is not copied.
   */
  intercept(packet: Buffer, length: number, address: string, port: number): boolean {
    const c = this.leg.counters;
    switch (classifyFirstOctet(packet, length)) {
      case PortProtocol.Media:
        if (this.keyed) return false;
        c[C.srtpBeforeKeys] += 1;
        return true;
      case PortProtocol.Stun:
        this.onStun(Buffer.from(packet.subarray(0, length)), address, port);
        return true;
      case PortProtocol.Dtls:
        this.onDtls(Buffer.from(packet.subarray(0, length)), address, port);
        return true;
      default:
        c[C.malformed] += 1;
        this.leg.log.drop('not STUN, DTLS or SRTP (RFC 7983)', address, port, length);
        return true;
    }
  }

  private onStun(packet: Buffer, address: string, port: number): void {
    const c = this.leg.counters;
    if (this.closed) return;
    const outcome = this.ice.check(packet, address, port);
    if (outcome.verdict === IceVerdict.Rejected || outcome.response === null) {
      c[C.iceRejected] += 1;
      this.leg.log.drop('STUN check not authenticated', address, port, packet.length);
      return;
    }
    if (this.policy.judge(address, this.leg.socketFamily) !== AddressVerdict.Ok) {
      c[C.iceRejected] += 1;
      this.leg.log.drop('STUN check from an address the policy refuses', address, port, packet.length);
      return;
    }
    c[C.iceChecks] += 1;
    sendOnLeg(this.leg, outcome.response, address, port);
    const leg = this.leg;
    const known = leg.rtpPort !== 0;
    const same = leg.rtpAddress === address && leg.rtpPort === port;
    // The first authenticated check gives media a destination; a nomination (the controlling
    // peer chose this pair) moves it. Nothing unauthenticated ever does.
    if (!same && (!known || outcome.verdict === IceVerdict.Nominated)) {
      if (this.firstCheckAt === 0) this.firstCheckAt = performance.now();
      leg.rtpAddress = address;
      leg.rtpPort = port;
      leg.rtcpAddress = address;
      leg.rtcpPort = port;
      c[C.latchEvents] += 1;
      this.emit({ type: 'latch', callId: leg.callId, legId: leg.legId, rtcp: false, address, port });
      this.emit({ type: 'ice', callId: leg.callId, legId: leg.legId, address, port, nominated: outcome.verdict === IceVerdict.Nominated });
    }
    if (this.role === 'client' && !this.dtlsStarted) {
      this.dtlsStarted = true;
      this.dtls.start();
    }
  }

  private onDtls(packet: Buffer, address: string, port: number): void {
    const c = this.leg.counters;
    const leg = this.leg;
    // DTLS only with the peer ICE authenticated, and no new handshake once keyed: WebRTC does
    // not renegotiate (RFC 8827 §6.5 rekeys by ICE restart), and werift would reset its cipher.
    if (this.closed || this.failed || address !== leg.rtpAddress || port !== leg.rtpPort || (this.keyed && isClientHello(packet))) {
      c[C.dtlsRejected] += 1;
      leg.log.drop('DTLS from an unverified source or a new handshake', address, port, packet.length);
      return;
    }
    c[C.dtlsPackets] += 1;
    this.dtlsStarted = true;
    // Copy: the receive buffer may be reused by the socket layer, werift keeps fragments.
    this.dtls.receive(Buffer.from(packet));
  }

  private onDtlsConnected(): void {
    if (this.closed || this.keyed || this.failed) return;
    const der = this.dtls.remoteCertificateDer();
    if (der === undefined) return this.fail('the peer sent no certificate');
    const matched = this.fingerprints.some((f) => {
      const actual = certificateFingerprint(der, f.algorithm);
      return actual !== null && actual === f.value.toUpperCase();
    });
    if (!matched) return this.fail('the peer certificate does not match a=fingerprint (RFC 8122 §5)');
    const id = this.dtls.selectedProfileId();
    const profile = id === undefined ? undefined : negotiatedProfile(id);
    if (profile === undefined) return this.fail('no SRTP profile negotiated in use_srtp');
    const material = this.dtls.exportKeyingMaterial(EXPORTER_LABEL, exporterLength(profile));
    let inbound: PacketContext | null = null;
    try {
      const k = profile.masterKeyLength;
      const s = profile.masterSaltLength;
      const clientKey = material.subarray(0, k);
      const serverKey = material.subarray(k, 2 * k);
      const clientSalt = material.subarray(2 * k, 2 * k + s);
      const serverSalt = material.subarray(2 * k + s, 2 * k + 2 * s);
      const local = this.role === 'client' ? { key: clientKey, salt: clientSalt } : { key: serverKey, salt: serverSalt };
      const remote = this.role === 'client' ? { key: serverKey, salt: serverSalt } : { key: clientKey, salt: clientSalt };
      inbound = createPacketContext({ profile: profile.name, keys: remote });
      const outbound = createPacketContext({ profile: profile.name, keys: local });
      this.leg.inbound = inbound;
      this.leg.outbound = outbound;
      this.keyed = true;
    } catch (err) {
      inbound?.close();
      return this.fail(`SRTP contexts from the exported keys: ${(err as Error).message}`);
    } finally {
      material.fill(0);
    }
    clearTimeout(this.timer);
    const leg = this.leg;
    const connectMs = this.firstCheckAt === 0 ? null : Math.round((performance.now() - this.firstCheckAt) * 10) / 10;
    this.logger.debug({ callId: leg.callId, legId: leg.legId, profile: profile.name, role: this.role, connectMs }, 'DTLS-SRTP connected');
    this.emit({ type: 'dtls', callId: leg.callId, legId: leg.legId, state: 'connected', role: this.role, profile: profile.name, reason: null, connectMs });
  }

  private onPeerClosed(): void {
    if (this.closed || this.failed) return;
    const leg = this.leg;
    this.emit({ type: 'dtls', callId: leg.callId, legId: leg.legId, state: 'closed', role: this.role, profile: null, reason: 'the peer sent a DTLS alert', connectMs: null });
  }

  private fail(reason: string): void {
    if (this.failed || this.closed) return;
    this.failed = true;
    clearTimeout(this.timer);
    this.dtls.close();
    const leg = this.leg;
    this.logger.warn({ callId: leg.callId, legId: leg.legId, reason }, 'WebRTC leg failed');
    this.emit({ type: 'dtls', callId: leg.callId, legId: leg.legId, state: 'failed', role: this.role, profile: null, reason, connectMs: null });
  }

  /** close_notify to the peer (while the socket is still open), forget the ICE password. The leg wipes its contexts. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.dtls.close();
    this.ice.wipe();
  }
}
