/**
 * Lifetimes and rollover (RFC 3711 §9.2 lifetimes, §8.1 MKI-based key switching).
 *
 * The SRTP engine counts packets per master key and emits `keysoftlimit` shortly before a key's
 * lifetime and `keyexpired` when it is reached. This class turns those into decisions:
 * - sender, MKIs negotiated and a next key present: switch protection to it (`setActiveKey`),
 *   so the receiver follows by the MKI in each packet without signaling;
 * - otherwise: emit `rekeyneeded`, asking the call controller to re-negotiate keys.
 * A receiver never switches (the sender picks the key); it asks for a rekey only when the sender
 * has no further MKI key to move to. Events carry indexes and MKIs, never key bytes.
 */
import { EventEmitter } from 'node:events';
import type { KeyLimitEvent, KeyUsage } from '../srtp/srtp-context-options';

/** The part of SrtpContext (docs/srtp-engine-api.md) that rollover needs. */
export interface RekeyableContext {
  on(event: 'keysoftlimit' | 'keyexpired', listener: (e: KeyLimitEvent) => void): unknown;
  off(event: 'keysoftlimit' | 'keyexpired', listener: (e: KeyLimitEvent) => void): unknown;
  setActiveKey(keyIndex: number): void;
  keyUsage(): KeyUsage[];
}

export type RolloverRole = 'sender' | 'receiver';

export interface RolloverEvent {
  readonly fromIndex: number;
  readonly toIndex: number;
  readonly mki: string | null;
}

export interface RekeyNeededEvent {
  readonly reason: 'softlimit' | 'expired';
  readonly keyIndex: number;
  readonly mki: string | null;
  readonly stream: 'srtp' | 'srtcp';
  readonly used: number;
  readonly lifetime: number;
}

export interface KeyRolloverEvents {
  rollover: [RolloverEvent];
  rekeyneeded: [RekeyNeededEvent];
}

export interface KeyRolloverOptions {
  readonly role: RolloverRole;
  /** Master keys in the context, in order. */
  readonly keyCount: number;
  /** 0 when no MKI was negotiated: then there is nothing to roll over to. */
  readonly mkiLength: number;
}

export class KeyRollover extends EventEmitter<KeyRolloverEvents> {
  readonly role: RolloverRole;
  #ctx: RekeyableContext | null;
  #active: number;
  readonly #keyCount: number;
  readonly #canRoll: boolean;
  /** One rekey request per (key, stream, reason): the engine may repeat its events. */
  readonly #asked: Set<string>;
  readonly #onSoft: (e: KeyLimitEvent) => void;
  readonly #onExpired: (e: KeyLimitEvent) => void;

  constructor(ctx: RekeyableContext, options: KeyRolloverOptions) {
    super();
    this.role = options.role;
    this.#ctx = ctx;
    this.#active = 0;
    this.#keyCount = options.keyCount;
    this.#canRoll = options.mkiLength > 0 && options.keyCount > 1;
    this.#asked = new Set();
    this.#onSoft = (e) => this.#handle(e, 'softlimit');
    this.#onExpired = (e) => this.#handle(e, 'expired');
    ctx.on('keysoftlimit', this.#onSoft);
    ctx.on('keyexpired', this.#onExpired);
  }

  /** Index of the key the sender protects with (as far as this object switched it). */
  get activeKey(): number {
    return this.#active;
  }

  /** Usage per master key, straight from the engine's counters. */
  usage(): KeyUsage[] {
    return this.#ctx?.keyUsage() ?? [];
  }

  /** Stop listening (the context is being closed or replaced). Idempotent. */
  detach(): void {
    if (this.#ctx === null) return;
    this.#ctx.off('keysoftlimit', this.#onSoft);
    this.#ctx.off('keyexpired', this.#onExpired);
    this.#ctx = null;
  }

  #handle(e: KeyLimitEvent, reason: 'softlimit' | 'expired'): void {
    const ctx = this.#ctx;
    if (ctx === null) return;
    const hasNext = this.#canRoll && e.keyIndex + 1 < this.#keyCount;
    if (this.role === 'sender') {
      // Only the key in use matters; a limit on a key we already left needs nothing.
      if (e.keyIndex !== this.#active) return;
      if (hasNext) {
        const from = this.#active;
        this.#active = from + 1;
        ctx.setActiveKey(this.#active);
        const next = ctx.keyUsage().find((u) => u.keyIndex === this.#active);
        this.emit('rollover', { fromIndex: from, toIndex: this.#active, mki: next?.mki ?? null });
        return;
      }
    } else if (hasNext) {
      // The remote sender has a next MKI key and is expected to switch to it (RFC 3711 §8.1).
      return;
    }
    const id = `${e.keyIndex}/${e.stream}/${reason}`;
    if (this.#asked.has(id)) return;
    this.#asked.add(id);
    this.emit('rekeyneeded', { reason, keyIndex: e.keyIndex, mki: e.mki, stream: e.stream, used: e.used, lifetime: e.lifetime });
  }
}
