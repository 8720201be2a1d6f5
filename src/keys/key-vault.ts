/**
 * Persisted key state, encrypted (libsodium crypto_secretbox: XSalsa20-Poly1305) under the node
 * key. A record holds a version, the algorithm, a random nonce and the ciphertext; no key,
 * and no key-derived value, is stored beside it. Tampering or a wrong node key fails
 * authentication and is reported as KEY_ERR_STORE_DECRYPT_FAILED.
 */
import { decodeBase64Strict, encodeBase64 } from './base64';
import { KeyError, KeyErrorCode } from './errors';
import { decodeKeySets, encodeKeySets, type LabelledKeySet } from './key-set-codec';
import type { NodeKey } from './node-key';
import { randomBytes, sodiumApi, wipe } from './sodium';

export interface PersistedKeySets {
  readonly v: 1;
  readonly alg: 'secretbox';
  /** base64 */
  readonly nonce: string;
  /** base64 of secretbox(encodeKeySets(...)) */
  readonly box: string;
}

export function sealForStore(sets: readonly LabelledKeySet[], nodeKey: NodeKey): PersistedKeySets {
  const sodium = sodiumApi();
  const plain = encodeKeySets(sets);
  try {
    const nonce = randomBytes(sodium.crypto_secretbox_NONCEBYTES);
    const box = nodeKey.use((k) => sodium.crypto_secretbox_easy(plain, nonce, k));
    return { v: 1, alg: 'secretbox', nonce: encodeBase64(nonce), box: encodeBase64(box) };
  } finally {
    wipe(plain);
  }
}

export function openFromStore(record: PersistedKeySets, nodeKey: NodeKey, options: { allowNull?: boolean } = {}): LabelledKeySet[] {
  const sodium = sodiumApi();
  if (record === null || typeof record !== 'object' || record.v !== 1 || record.alg !== 'secretbox' || typeof record.nonce !== 'string' || typeof record.box !== 'string') {
    throw new KeyError(KeyErrorCode.BadSealedData, 'persisted key record has an unknown shape or version');
  }
  let nonce: Uint8Array;
  let box: Uint8Array;
  try {
    nonce = decodeBase64Strict(record.nonce);
    box = decodeBase64Strict(record.box);
  } catch {
    throw new KeyError(KeyErrorCode.BadSealedData, 'persisted key record is not valid base64');
  }
  if (nonce.length !== sodium.crypto_secretbox_NONCEBYTES) throw new KeyError(KeyErrorCode.BadSealedData, 'persisted key record has a bad nonce length');
  let plain: Uint8Array;
  try {
    plain = nodeKey.use((k) => sodium.crypto_secretbox_open_easy(box, nonce, k));
  } catch (err) {
    if (err instanceof KeyError) throw err;
    throw new KeyError(KeyErrorCode.StoreDecryptFailed, 'persisted key record did not authenticate under the node key');
  }
  try {
    return decodeKeySets(plain, options);
  } finally {
    wipe(plain);
  }
}
