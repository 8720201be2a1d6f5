/**
 * An SRTP cryptographic context (RFC 3711 §3.2): a profile, its master keys and the per-SSRC
 * state of SRTP and SRTCP streams, protect side and unprotect side kept apart.
 *
 * Packet methods never throw: they return an SrtpStatus, and on Ok leave the packet in
 * `output[0..outputLength)`. Construction and control methods throw SrtpError.
 */
import { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import { GCM_TAG_LENGTH } from './aes-gcm-aead';
import { SrtpError, SrtpErrorCode } from './errors';
import { KeyRing } from './key-ring';
import { validateKdr } from './key-derivation';
import { resolveProfile, type ProtectionProfile } from './protection-profile';
import { DEFAULT_REPLAY_WINDOW, MAX_REPLAY_WINDOW, MIN_REPLAY_WINDOW } from './replay-window';
import { SrtcpTransform, SRTCP_TRAILER_LENGTH } from './srtcp-transform';
import { PacketFrame } from './packet-frame';
import type { KeyLimitEvent, KeyUsage, MasterKeyInput, SrtpContextOptions } from './srtp-context-options';
import { SrtpStatus } from './srtp-status';
import { SrtpTransform } from './srtp-transform';
import { PacketResult, type TransformSettings } from './transform-common';
import { WordViews } from './word-xor';

export interface SrtpContextEvents {
  keysoftlimit: [KeyLimitEvent];
  keyexpired: [KeyLimitEvent];
}

function windowSize(value: number | undefined, what: string): number {
  const size = value ?? DEFAULT_REPLAY_WINDOW;
  if (!Number.isInteger(size) || size < MIN_REPLAY_WINDOW || size > MAX_REPLAY_WINDOW) {
    throw new SrtpError(SrtpErrorCode.BadReplayWindow, `${what} must be an integer from ${MIN_REPLAY_WINDOW} to ${MAX_REPLAY_WINDOW}, got ${String(value)}`);
  }
  return size;
}

function srtcpTagLength(profile: ProtectionProfile, requested: number | undefined): number {
  if (requested === undefined) return profile.srtcpTagLength;
  if (profile.aead) {
    if (requested !== profile.srtcpTagLength) throw new SrtpError(SrtpErrorCode.BadOption, `${profile.name} always uses a 16-byte tag`);
    return requested;
  }
  if (requested !== 4 && requested !== 10) throw new SrtpError(SrtpErrorCode.BadOption, `srtcpTagLength must be 4 or 10, got ${String(requested)}`);
  return requested;
}

export class SrtpContext extends EventEmitter {
  readonly profile: ProtectionProfile;
  private readonly ring: KeyRing;
  private readonly result = new PacketResult();
  /** Word views over this context's output buffers (word-xor.ts); no state is shared between contexts. */
  private readonly views = new WordViews();
  private readonly settings: TransformSettings;
  private readonly rtp: SrtpTransform;
  /**
   * Made with the first SRTCP call that needs it: many streams carry no RTCP (or none through a
   * given context), and each transform costs its own object and maps (issue 13 goal 3).
   */
  private rtcpOnce: SrtcpTransform | null = null;
  private closed = false;

  constructor(options: SrtpContextOptions) {
    super();
    this.profile = resolveProfile(options.profile, { allowNull: options.allowNull });
    const kdr = options.kdr ?? 0;
    validateKdr(kdr);
    const encryptSrtp = options.encryptSrtp ?? true;
    const authenticateSrtp = options.authenticateSrtp ?? true;
    if (this.profile.aead && (!encryptSrtp || !authenticateSrtp)) {
      throw new SrtpError(SrtpErrorCode.BadOption, `${this.profile.name} always encrypts and authenticates RTP (RFC 7714); UNENCRYPTED_SRTP / UNAUTHENTICATED_SRTP do not apply`);
    }
    const aead = this.profile.aead;
    const encrypts = this.profile.cipher !== 'null';
    const srtcpTag = srtcpTagLength(this.profile, options.srtcpTagLength);
    const settings: TransformSettings = {
      profile: this.profile,
      ring: null as unknown as KeyRing,
      kdr,
      result: this.result,
      frame: new PacketFrame(),
      views: this.views,
      aeadTagLength: aead ? GCM_TAG_LENGTH : 0,
      srtpTagLength: aead || !authenticateSrtp ? 0 : this.profile.srtpTagLength,
      srtcpTagLength: aead ? 0 : srtcpTag,
      encryptSrtp: encryptSrtp && encrypts,
      encryptSrtcp: (options.encryptSrtcp ?? true) && encrypts,
      replayWindow: windowSize(options.replayWindow, 'replayWindow'),
      srtcpReplayWindow: windowSize(options.srtcpReplayWindow, 'srtcpReplayWindow'),
    };
    const keys: readonly MasterKeyInput[] = Array.isArray(options.keys) ? options.keys : [options.keys as MasterKeyInput];
    this.ring = new KeyRing(this.profile, keys, kdr, options.softLimitMargin, (kind, event) => { this.emit(kind, event); });
    (settings as { ring: KeyRing }).ring = this.ring;
    this.settings = settings;
    this.rtp = new SrtpTransform(settings);
  }

  private get rtcp(): SrtcpTransform {
    return (this.rtcpOnce ??= new SrtcpTransform(this.settings));
  }

  /** The buffer the last successful operation wrote (the caller's `out`, or a new one). */
  get output(): Uint8Array {
    return this.result.output;
  }

  get outputLength(): number {
    return this.result.length;
  }

  /** Most bytes protectRtp adds (tag or AEAD tag, plus MKI). */
  get protectOverhead(): number {
    return this.rtp.overhead;
  }

  /** Most bytes protectRtcp adds (trailer, tag, MKI). */
  get protectRtcpOverhead(): number {
    return this.settings.aeadTagLength + SRTCP_TRAILER_LENGTH + this.ring.mkiLength + this.settings.srtcpTagLength;
  }

  get mkiLength(): number {
    return this.ring.mkiLength;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  protectRtp(packet: Uint8Array, out?: Uint8Array, length: number = packet.length): SrtpStatus {
    if (this.closed) return SrtpStatus.Closed;
    return this.rtp.protect(packet, length, out);
  }

  unprotectRtp(packet: Uint8Array, out?: Uint8Array, length: number = packet.length): SrtpStatus {
    if (this.closed) return SrtpStatus.Closed;
    return this.rtp.unprotect(packet, length, out, false);
  }

  /** Verified passthrough: authenticate, check replay, commit ROC/replay state; no output. */
  verifyRtp(packet: Uint8Array, length: number = packet.length): SrtpStatus {
    if (this.closed) return SrtpStatus.Closed;
    return this.rtp.unprotect(packet, length, undefined, true);
  }

  protectRtcp(packet: Uint8Array, out?: Uint8Array, length: number = packet.length): SrtpStatus {
    if (this.closed) return SrtpStatus.Closed;
    return this.rtcp.protect(packet, length, out);
  }

  unprotectRtcp(packet: Uint8Array, out?: Uint8Array, length: number = packet.length): SrtpStatus {
    if (this.closed) return SrtpStatus.Closed;
    return this.rtcp.unprotect(packet, length, out, false);
  }

  verifyRtcp(packet: Uint8Array, length: number = packet.length): SrtpStatus {
    if (this.closed) return SrtpStatus.Closed;
    return this.rtcp.unprotect(packet, length, undefined, true);
  }

  /**
   * Highest packet index accepted so far from an inbound SSRC (RFC 3711 §3.3.2: the replay
   * window's top; SRTCP index for `rtcp`), -1 when none. Read-only: the relay compares it before
   * and after a packet to learn whether that packet advanced the stream (latching).
   */
  highestIndex(ssrc: number, rtcp: boolean): number {
    if (rtcp) return this.rtcpOnce === null ? -1 : this.rtcpOnce.highestInbound(ssrc >>> 0);
    return this.rtp.highestInbound(ssrc >>> 0);
  }

  /** ROC of an SSRC's stream (inbound by default), undefined when the SSRC is unknown. */
  getRoc(ssrc: number, direction: 'inbound' | 'outbound' = 'inbound'): number | undefined {
    return this.rtp.getRoc(ssrc >>> 0, direction);
  }

  /**
   * Set the ROC of an SSRC (RFC 3711 §3.3.1: late joiners and rekeys carry it in signaling).
   * The next packet of that SSRC sets s_l, and the stream's replay window starts afresh.
   * Applies to both the inbound and the outbound stream unless `direction` names one.
   */
  setRoc(ssrc: number, roc: number, direction: 'inbound' | 'outbound' | 'both' = 'both'): void {
    this.assertOpen();
    if (!Number.isInteger(roc) || roc < 0 || roc > 0xffffffff) throw new SrtpError(SrtpErrorCode.BadRoc, `ROC must be an integer from 0 to 2^32-1, got ${String(roc)}`);
    if (direction !== 'outbound') this.rtp.setRoc(ssrc >>> 0, roc, 'inbound');
    if (direction !== 'inbound') this.rtp.setRoc(ssrc >>> 0, roc, 'outbound');
  }

  /**
   * The index the next protect of this SSRC would use (RFC 3711 §3.3.1; SRTCP: §3.4, `seq`
   * ignored), -1 past the last ROC. Read-only: the relay checks it against its index
   * reservation before protecting (docs/ha.md).
   */
  peekProtectIndex(ssrc: number, seq: number, rtcp: boolean): number {
    if (this.closed) return -1;
    if (rtcp) return this.rtcpOnce === null ? 1 : this.rtcpOnce.peekProtectIndex(ssrc >>> 0);
    return this.rtp.peekProtectIndex(ssrc >>> 0, seq);
  }

  /**
   * Continue an SSRC's stream strictly above `index` after a failover (RFC 3711 §9.1, RFC 7714
   * §8: a (key, SSRC, index) is never used twice): outbound, protect never uses an index at or
   * below it; inbound, nothing at or below it is accepted again, and ROC comes from it. Only
   * raises: a lower index than the stream already passed changes nothing.
   */
  resumeAbove(ssrc: number, index: number, direction: 'inbound' | 'outbound', rtcp: boolean): void {
    this.assertOpen();
    if (!Number.isInteger(index) || index < 0 || index > 0xffffffffffff) throw new SrtpError(SrtpErrorCode.BadOption, `index must be an integer from 0 to 2^48-1, got ${String(index)}`);
    if (rtcp) this.rtcp.resumeAbove(ssrc >>> 0, index, direction);
    else this.rtp.resumeAbove(ssrc >>> 0, index, direction);
  }

  /** Which master key protects from now on (MKI rollover, RFC 3711 §8.1). */
  setActiveKey(keyIndex: number): void {
    this.assertOpen();
    this.ring.setActive(keyIndex);
  }

  get activeKeyIndex(): number {
    return this.ring.activeKeyIndex;
  }

  keyUsage(): KeyUsage[] {
    return this.ring.usage();
  }

  /** Wipe every key and session key; later packet calls return Closed. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rtp.wipe();
    this.rtcpOnce?.wipe();
    this.ring.wipe();
    this.views.clear();
    this.removeAllListeners();
  }

  /** Never expose key material through JSON or inspection: keys are secrets (docs/keys.md). */
  toJSON(): Record<string, unknown> {
    return { profile: this.profile.name, keys: this.ring.keys.length, mkiLength: this.ring.mkiLength, closed: this.closed };
  }

  [inspect.custom](): string {
    return `SrtpContext ${JSON.stringify(this.toJSON())}`;
  }

  private assertOpen(): void {
    if (this.closed) throw new SrtpError(SrtpErrorCode.Closed, 'SRTP context is closed');
  }
}
