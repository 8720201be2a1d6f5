/**
 * Sealed delivery (libsodium crypto_box_seal): an endpoint's key sets encrypted to the device's
 * X25519 public key with an ephemeral sender key, so they can cross systems (a controller, a
 * message bus) that must not read them. Only the device's secret key opens them.
 */
import { decodeBase64Strict, encodeBase64 } from './base64';
import { KeyError, KeyErrorCode } from './errors';
import { decodeKeySets, encodeKeySets, type LabelledKeySet } from './key-set-codec';
import { sodiumApi, wipe } from './sodium';

export interface SealedKeySets {
  readonly v: 1;
  readonly alg: 'crypto_box_seal';
  /** base64 */
  readonly sealed: string;
}

function publicKeyBytes(publicKey: Uint8Array | string): Uint8Array {
  const sodium = sodiumApi();
  let pk: Uint8Array;
  try {
    pk = typeof publicKey === 'string' ? decodeBase64Strict(publicKey) : publicKey;
  } catch {
    throw new KeyError(KeyErrorCode.BadPublicKey, 'device public key is not valid base64');
  }
  if (pk.length !== sodium.crypto_box_PUBLICKEYBYTES) {
    throw new KeyError(KeyErrorCode.BadPublicKey, `device public key is ${pk.length} bytes; X25519 needs ${sodium.crypto_box_PUBLICKEYBYTES}`);
  }
  return pk;
}

export function sealForDevice(sets: readonly LabelledKeySet[], devicePublicKey: Uint8Array | string): SealedKeySets {
  const sodium = sodiumApi();
  const pk = publicKeyBytes(devicePublicKey);
  const plain = encodeKeySets(sets);
  try {
    return { v: 1, alg: 'crypto_box_seal', sealed: encodeBase64(sodium.crypto_box_seal(plain, pk)) };
  } finally {
    wipe(plain);
  }
}

/** The device side (and tests): open with the device key pair. */
export function openSealed(sealed: SealedKeySets, publicKey: Uint8Array, secretKey: Uint8Array): LabelledKeySet[] {
  const sodium = sodiumApi();
  let cipher: Uint8Array;
  try {
    cipher = decodeBase64Strict(sealed.sealed);
  } catch {
    throw new KeyError(KeyErrorCode.BadSealedData, 'sealed key data is not valid base64');
  }
  let plain: Uint8Array;
  try {
    plain = sodium.crypto_box_seal_open(cipher, publicKey, secretKey);
  } catch {
    throw new KeyError(KeyErrorCode.BadSealedData, 'sealed key data did not open with this key pair');
  }
  try {
    return decodeKeySets(plain);
  } finally {
    wipe(plain);
  }
}
