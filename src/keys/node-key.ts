/**
 * The node key: the secretbox key under which this node encrypts any key state it persists
 * (key state is sealed in any store). It comes from configuration or the environment
 * and is never written next to the data it protects; persisted records carry only a nonce and
 * ciphertext. It redacts itself like a master key.
 */
import { inspect } from 'node:util';
import { decodeBase64Strict } from './base64';
import { KeyError, KeyErrorCode } from './errors';
import { randomBytes, sodiumApi, wipe } from './sodium';

export const NODE_KEY_ENV = 'SRTP_RELAY_NODE_KEY';

export class NodeKey {
  readonly #bytes: Uint8Array;
  #released = false;

  private constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** From base64 text (config value or environment variable). */
  static fromBase64(text: string): NodeKey {
    let bytes: Uint8Array;
    try {
      bytes = decodeBase64Strict(text.trim());
    } catch {
      throw new KeyError(KeyErrorCode.BadNodeKey, 'node key is not valid base64');
    }
    const need = sodiumApi().crypto_secretbox_KEYBYTES;
    if (bytes.length !== need) {
      const got = bytes.length;
      wipe(bytes);
      throw new KeyError(KeyErrorCode.BadNodeKey, `node key decodes to ${got} bytes; secretbox needs ${need}`);
    }
    return new NodeKey(bytes);
  }

  /**
   * Configuration wins over the environment (`SRTP_RELAY_NODE_KEY`). No key is an error: the
   * relay must not persist keys it cannot protect.
   */
  static load(source: { config?: string; env?: NodeJS.ProcessEnv } = {}): NodeKey {
    const text = source.config ?? (source.env ?? process.env)[NODE_KEY_ENV];
    if (text === undefined || text.trim() === '') {
      throw new KeyError(KeyErrorCode.NoNodeKey, `no node key: set ${NODE_KEY_ENV} or the keys.nodeKey configuration value`);
    }
    return NodeKey.fromBase64(text);
  }

  /** A fresh random node key (tests, first-time setup tooling). */
  static generate(): NodeKey {
    return new NodeKey(randomBytes(sodiumApi().crypto_secretbox_KEYBYTES));
  }

  /** For libsodium calls inside the key manager only; never hand this out. */
  use<T>(fn: (bytes: Uint8Array) => T): T {
    if (this.#released) throw new KeyError(KeyErrorCode.Released, 'node key was released');
    return fn(this.#bytes);
  }

  release(): void {
    if (this.#released) return;
    wipe(this.#bytes);
    this.#released = true;
  }

  toJSON(): { redacted: true } {
    return { redacted: true };
  }

  toString(): string {
    return '[NodeKey redacted]';
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
