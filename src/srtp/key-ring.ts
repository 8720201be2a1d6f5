/**
 * The master keys of a context: which one protects, lookup by MKI on the way in (RFC 3711
 * §3.2.1: "an MKI that does not match a known key means the packet is dropped"), and lifetime
 * accounting with soft and hard limit notifications (RFC 3711 §9.2).
 */
import { SrtpError, SrtpErrorCode } from './errors';
import { MasterKey } from './master-key';
import type { ProtectionProfile } from './protection-profile';
import type { KeyLimitEvent, KeyUsage, MasterKeyInput } from './srtp-context-options';

export type KeyLimitListener = (kind: 'keysoftlimit' | 'keyexpired', event: KeyLimitEvent) => void;

export class KeyRing {
  readonly keys: MasterKey[];
  readonly mkiLength: number;
  private activeIndex = 0;
  private readonly onLimit: KeyLimitListener;

  constructor(profile: ProtectionProfile, inputs: readonly MasterKeyInput[], kdr: number, softLimitMargin: number | undefined, onLimit: KeyLimitListener) {
    if (inputs.length === 0) throw new SrtpError(SrtpErrorCode.NoKeys, 'an SRTP context needs at least one master key');
    const mkiLength = inputs[0].mki?.length ?? 0;
    if (inputs.length > 1 && mkiLength === 0) {
      throw new SrtpError(SrtpErrorCode.BadMki, 'several master keys need MKIs to tell them apart (RFC 3711 §3.2.1)');
    }
    if (mkiLength > 128) throw new SrtpError(SrtpErrorCode.BadMki, 'MKI longer than 128 bytes');
    this.mkiLength = mkiLength;
    this.onLimit = onLimit;
    const made: MasterKey[] = [];
    try {
      for (let i = 0; i < inputs.length; i++) made.push(new MasterKey(profile, inputs[i], i, mkiLength, kdr, softLimitMargin));
    } catch (err) {
      for (const k of made) k.wipe();
      throw err;
    }
    // A copy of exactly its length: an array grown by push keeps room for 16 more (~130 bytes
    // per context, issue 13's memory per call).
    this.keys = made.slice();
    const seen = new Set<string>();
    for (const k of this.keys) {
      if (k.mkiHex !== null) {
        if (seen.has(k.mkiHex)) {
          this.wipe();
          throw new SrtpError(SrtpErrorCode.DuplicateMki, `MKI ${k.mkiHex} is used by two keys`);
        }
        seen.add(k.mkiHex);
      }
    }
  }

  get active(): MasterKey {
    return this.keys[this.activeIndex];
  }

  get activeKeyIndex(): number {
    return this.activeIndex;
  }

  setActive(keyIndex: number): void {
    if (!Number.isInteger(keyIndex) || keyIndex < 0 || keyIndex >= this.keys.length) {
      throw new SrtpError(SrtpErrorCode.BadOption, `no master key at index ${String(keyIndex)}`);
    }
    this.activeIndex = keyIndex;
  }

  /** The key whose MKI sits at `buf[offset..)`, the only key when MKIs are not used, else null. */
  find(buf: Uint8Array, offset: number): MasterKey | null {
    if (this.mkiLength === 0) return this.keys[0];
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i].matchesMki(buf, offset)) return keys[i];
    return null;
  }

  countSrtp(key: MasterKey): void {
    const used = ++key.srtpUsed;
    if (used === key.srtpSoftLimit) this.notify('keysoftlimit', key, 'srtp');
    if (used === key.srtpLifetime) this.notify('keyexpired', key, 'srtp');
  }

  countSrtcp(key: MasterKey): void {
    const used = ++key.srtcpUsed;
    if (used === key.srtcpSoftLimit) this.notify('keysoftlimit', key, 'srtcp');
    if (used === key.srtcpLifetime) this.notify('keyexpired', key, 'srtcp');
  }

  usage(): KeyUsage[] {
    return this.keys.map((k) => ({
      keyIndex: k.keyIndex,
      mki: k.mkiHex,
      srtpPackets: k.srtpUsed,
      srtcpPackets: k.srtcpUsed,
      srtpLifetime: k.srtpLifetime,
      srtcpLifetime: k.srtcpLifetime,
      active: k.keyIndex === this.activeIndex,
    }));
  }

  wipe(): void {
    for (const k of this.keys) k.wipe();
  }

  private notify(kind: 'keysoftlimit' | 'keyexpired', key: MasterKey, stream: 'srtp' | 'srtcp'): void {
    this.onLimit(kind, {
      keyIndex: key.keyIndex,
      mki: key.mkiHex,
      stream,
      used: stream === 'srtp' ? key.srtpUsed : key.srtcpUsed,
      lifetime: stream === 'srtp' ? key.srtpLifetime : key.srtcpLifetime,
    });
  }
}
