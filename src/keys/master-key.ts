/**
 * A master key and its salt (RFC 3711 §3.2.1) held as a secret.
 *
 * The bytes live in private fields. `toJSON`, `util.inspect`, `toString` and primitive
 * conversion show only lengths, the MKI and the lifetime, so a key object passed to a logger,
 * a template string or `JSON.stringify` prints nothing secret (keys never reach logs, errors or snapshots). Key bytes leave
 * only through `deliver()`, which returns copies the caller owns and must wipe. `release()`
 * wipes the bytes with libsodium `memzero`; later deliveries throw KEY_ERR_RELEASED.
 */
import { inspect } from 'node:util';
import { KeyError, KeyErrorCode } from './errors';
import { randomKeyBytes } from './random-pool';
import { wipe } from './sodium';

/** What `deliver()` hands out: copies, owned (and to be wiped) by the caller. */
export interface DeliveredMasterKey {
  readonly key: Uint8Array;
  readonly salt: Uint8Array;
  /** MKI value bytes (RFC 3711 §3.1), absent when the set uses no MKI. */
  readonly mki?: Uint8Array;
  /** Packets this key may protect (RFC 3711 §9.2), absent for the protocol maximum. */
  readonly lifetime?: number;
}

export interface MasterKeyParams {
  readonly mki?: Uint8Array;
  readonly lifetime?: number;
}

/** Public, non-secret description of a master key (what the redacted views show). */
export interface MasterKeyInfo {
  readonly keyLength: number;
  readonly saltLength: number;
  readonly mki: string | null;
  readonly mkiLength: number;
  readonly lifetime: number | null;
  readonly released: boolean;
}

export class MasterKey {
  readonly #key: Uint8Array;
  readonly #salt: Uint8Array;
  readonly #mki: Uint8Array | null;
  readonly lifetime: number | null;
  #released: boolean;

  private constructor(key: Uint8Array, salt: Uint8Array, params: MasterKeyParams) {
    this.#key = key;
    this.#salt = salt;
    this.#mki = params.mki !== undefined ? Uint8Array.from(params.mki) : null;
    this.lifetime = params.lifetime ?? null;
    this.#released = false;
  }

  /** Fresh key and salt from the OS CSPRNG (random-pool.ts). */
  static generate(keyLength: number, saltLength: number, params: MasterKeyParams = {}): MasterKey {
    return new MasterKey(randomKeyBytes(keyLength), randomKeyBytes(saltLength), params);
  }

  /** Take a copy of received bytes (e.g. an SDES inline key); the caller may wipe its own. */
  static fromBytes(key: Uint8Array, salt: Uint8Array, params: MasterKeyParams = {}): MasterKey {
    return new MasterKey(Uint8Array.from(key), Uint8Array.from(salt), params);
  }

  get keyLength(): number {
    return this.#key.length;
  }

  get saltLength(): number {
    return this.#salt.length;
  }

  get released(): boolean {
    return this.#released;
  }

  /** MKI as lowercase hex (not secret: it travels in clear in every packet), or null. */
  get mkiHex(): string | null {
    return this.#mki === null ? null : Buffer.from(this.#mki).toString('hex');
  }

  /** A copy of the MKI bytes, or null. */
  get mki(): Uint8Array | null {
    return this.#mki === null ? null : Uint8Array.from(this.#mki);
  }

  /** The explicit exit for key material: copies of key and salt, for the caller to wipe. */
  deliver(): DeliveredMasterKey {
    if (this.#released) throw new KeyError(KeyErrorCode.Released, 'master key was released and wiped; it cannot be delivered');
    return {
      key: Uint8Array.from(this.#key),
      salt: Uint8Array.from(this.#salt),
      ...(this.#mki !== null ? { mki: Uint8Array.from(this.#mki) } : {}),
      ...(this.lifetime !== null ? { lifetime: this.lifetime } : {}),
    };
  }

  /**
   * Constant-time comparison of key material, so uniqueness checks (no reuse across directions,
   * legs and calls) need no delivery of the bytes.
   */
  sameMaterialAs(other: MasterKey): boolean {
    return constantTimeEqual(this.#key, other.#key) && constantTimeEqual(this.#salt, other.#salt);
  }

  /** Wipe key and salt (libsodium memzero). Idempotent. */
  release(): void {
    if (this.#released) return;
    wipe(this.#key);
    wipe(this.#salt);
    this.#released = true;
  }

  info(): MasterKeyInfo {
    return {
      keyLength: this.#key.length,
      saltLength: this.#salt.length,
      mki: this.mkiHex,
      mkiLength: this.#mki?.length ?? 0,
      lifetime: this.lifetime,
      released: this.#released,
    };
  }

  toJSON(): MasterKeyInfo & { redacted: true } {
    return { ...this.info(), redacted: true };
  }

  toString(): string {
    return `[MasterKey redacted ${this.#key.length}+${this.#salt.length} bytes${this.#mki !== null ? ` mki=${this.mkiHex ?? ''}` : ''}]`;
  }

  [Symbol.toPrimitive](): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
