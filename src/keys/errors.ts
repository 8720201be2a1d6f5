/**
 * Error catalog of the key manager (control plane throws, data plane counts),
 * built with the project's one error factory (src/errors).
 *
 * Every code is listed once, with the HTTP status a front end answers with and a short
 * description. `test/unit/keys/errors.test.ts` keeps the enum and the catalog in step.
 * Messages name what is wrong (field, lengths, limits) but never carry key material: callers
 * pass lengths and positions, never bytes or base64 text.
 */
import { createErrorClass, defineErrorCatalog, type ErrorEntry } from '../errors';

export enum KeyErrorCode {
  // libsodium and lifecycle
  NotReady = 'KEY_ERR_NOT_READY',
  Released = 'KEY_ERR_RELEASED',
  // policy
  UnknownSuite = 'KEY_ERR_UNKNOWN_SUITE',
  SuiteNotAllowed = 'KEY_ERR_SUITE_NOT_ALLOWED',
  NoCommonSuite = 'KEY_ERR_NO_COMMON_SUITE',
  EmptyPreference = 'KEY_ERR_EMPTY_PREFERENCE',
  BadOption = 'KEY_ERR_BAD_OPTION',
  // SDES a=crypto line (RFC 4568 §9.1 grammar)
  LineTooLong = 'KEY_ERR_LINE_TOO_LONG',
  NotCryptoAttribute = 'KEY_ERR_NOT_CRYPTO_ATTRIBUTE',
  BadTag = 'KEY_ERR_BAD_TAG',
  MissingSuite = 'KEY_ERR_MISSING_SUITE',
  MissingKeyParams = 'KEY_ERR_MISSING_KEY_PARAMS',
  UnsupportedKeyMethod = 'KEY_ERR_UNSUPPORTED_KEY_METHOD',
  BadBase64 = 'KEY_ERR_BAD_BASE64',
  BadKeyLength = 'KEY_ERR_BAD_KEY_LENGTH',
  BadLifetime = 'KEY_ERR_BAD_LIFETIME',
  BadMki = 'KEY_ERR_BAD_MKI',
  BadMkiLength = 'KEY_ERR_BAD_MKI_LENGTH',
  MkiRequired = 'KEY_ERR_MKI_REQUIRED',
  MkiLengthMismatch = 'KEY_ERR_MKI_LENGTH_MISMATCH',
  DuplicateMki = 'KEY_ERR_DUPLICATE_MKI',
  TooManyKeys = 'KEY_ERR_TOO_MANY_KEYS',
  TooManyKeyFields = 'KEY_ERR_TOO_MANY_KEY_FIELDS',
  BadKdr = 'KEY_ERR_BAD_KDR',
  BadWsh = 'KEY_ERR_BAD_WSH',
  DuplicateSessionParam = 'KEY_ERR_DUPLICATE_SESSION_PARAM',
  UnsupportedSessionParam = 'KEY_ERR_UNSUPPORTED_SESSION_PARAM',
  UnknownSessionParam = 'KEY_ERR_UNKNOWN_SESSION_PARAM',
  ParamNotAllowedForSuite = 'KEY_ERR_PARAM_NOT_ALLOWED_FOR_SUITE',
  // offer/answer (RFC 4568 §7)
  NoAcceptableOffer = 'KEY_ERR_NO_ACCEPTABLE_OFFER',
  DuplicateTag = 'KEY_ERR_DUPLICATE_TAG',
  AnswerMismatch = 'KEY_ERR_ANSWER_MISMATCH',
  WeakParamsRefused = 'KEY_ERR_WEAK_PARAMS_REFUSED',
  // secrets at rest and in transit
  NoNodeKey = 'KEY_ERR_NO_NODE_KEY',
  BadNodeKey = 'KEY_ERR_BAD_NODE_KEY',
  BadPublicKey = 'KEY_ERR_BAD_PUBLIC_KEY',
  BadSealedData = 'KEY_ERR_BAD_SEALED_DATA',
  StoreDecryptFailed = 'KEY_ERR_STORE_DECRYPT_FAILED',
  // managed keys
  UnknownCall = 'KEY_ERR_UNKNOWN_CALL',
  DuplicateCall = 'KEY_ERR_DUPLICATE_CALL',
  KeyReuse = 'KEY_ERR_KEY_REUSE',
}

/** Status and description of a code (the factory's catalog entry). */
export type KeyErrorInfo = ErrorEntry;

/** One entry per code; frozen, so the catalog is data (docs/errors.md lists the same table). */
export const KEY_ERROR_CATALOG = defineErrorCatalog<KeyErrorCode>('KEY_ERR_', {
  [KeyErrorCode.NotReady]: { statusCode: 503, message: 'libsodium is not initialised; await initKeys() first' },
  [KeyErrorCode.Released]: { statusCode: 410, message: 'the key was released and wiped' },
  [KeyErrorCode.UnknownSuite]: { statusCode: 400, message: 'crypto suite name is not a known SRTP protection profile' },
  [KeyErrorCode.SuiteNotAllowed]: { statusCode: 400, message: 'crypto suite is known but not enabled (NULL cipher needs opt-in)' },
  [KeyErrorCode.NoCommonSuite]: { statusCode: 409, message: 'no crypto suite is both preferred by policy and supported by every device' },
  [KeyErrorCode.EmptyPreference]: { statusCode: 500, message: 'the suite preference list is empty' },
  [KeyErrorCode.BadOption]: { statusCode: 400, message: 'an option of the key manager is out of range' },
  [KeyErrorCode.LineTooLong]: { statusCode: 400, message: 'the a=crypto line exceeds the accepted length' },
  [KeyErrorCode.NotCryptoAttribute]: { statusCode: 400, message: 'the line is not an a=crypto attribute' },
  [KeyErrorCode.BadTag]: { statusCode: 400, message: 'the tag is not 1 to 9 decimal digits (RFC 4568 §9.1)' },
  [KeyErrorCode.MissingSuite]: { statusCode: 400, message: 'the crypto suite field is missing' },
  [KeyErrorCode.MissingKeyParams]: { statusCode: 400, message: 'the key-params field is missing or empty' },
  [KeyErrorCode.UnsupportedKeyMethod]: { statusCode: 400, message: 'only the "inline" key method is supported (RFC 4568 §6.1)' },
  [KeyErrorCode.BadBase64]: { statusCode: 400, message: 'the key||salt field is not valid base64' },
  [KeyErrorCode.BadKeyLength]: { statusCode: 400, message: 'the decoded key||salt length does not match the suite' },
  [KeyErrorCode.BadLifetime]: { statusCode: 400, message: 'lifetime is not a decimal or 2^n between 1 and 2^48' },
  [KeyErrorCode.BadMki]: { statusCode: 400, message: 'MKI is not "value:length" with a decimal value that fits the length' },
  [KeyErrorCode.BadMkiLength]: { statusCode: 400, message: 'MKI length is not 1 to 128 bytes (RFC 4568 §6.1)' },
  [KeyErrorCode.MkiRequired]: { statusCode: 400, message: 'several keys in one line need an MKI on every key' },
  [KeyErrorCode.MkiLengthMismatch]: { statusCode: 400, message: 'all keys of a line must use the same MKI length' },
  [KeyErrorCode.DuplicateMki]: { statusCode: 400, message: 'two keys of a line carry the same MKI value' },
  [KeyErrorCode.TooManyKeys]: { statusCode: 400, message: 'more master keys in one line than accepted' },
  [KeyErrorCode.TooManyKeyFields]: { statusCode: 400, message: 'a key-param has more than lifetime and MKI after the key' },
  [KeyErrorCode.BadKdr]: { statusCode: 400, message: 'KDR is not a decimal exponent 0..24 (RFC 4568 §6.3.1)' },
  [KeyErrorCode.BadWsh]: { statusCode: 400, message: 'WSH is not a decimal window size of at least 64 (RFC 4568 §6.3.7)' },
  [KeyErrorCode.DuplicateSessionParam]: { statusCode: 400, message: 'a session parameter appears twice' },
  [KeyErrorCode.UnsupportedSessionParam]: { statusCode: 400, message: 'a known session parameter that this relay refuses (FEC_ORDER, FEC_KEY)' },
  [KeyErrorCode.UnknownSessionParam]: { statusCode: 400, message: 'an unknown mandatory session parameter (RFC 4568 §6.3.8)' },
  [KeyErrorCode.ParamNotAllowedForSuite]: { statusCode: 400, message: 'a session parameter the crypto suite cannot honour' },
  [KeyErrorCode.NoAcceptableOffer]: { statusCode: 488, message: 'no offered a=crypto line is acceptable to policy' },
  [KeyErrorCode.DuplicateTag]: { statusCode: 400, message: 'two offered a=crypto lines share a tag (RFC 4568 §5.1)' },
  [KeyErrorCode.AnswerMismatch]: { statusCode: 488, message: 'the answer names a tag or suite that was not offered (RFC 4568 §7.1.3)' },
  [KeyErrorCode.WeakParamsRefused]: { statusCode: 488, message: 'UNENCRYPTED_SRTP or UNAUTHENTICATED_SRTP offered but not allowed by policy' },
  [KeyErrorCode.NoNodeKey]: { statusCode: 500, message: 'no node key is configured for encrypting persisted keys' },
  [KeyErrorCode.BadNodeKey]: { statusCode: 500, message: 'the node key is not 32 bytes of base64' },
  [KeyErrorCode.BadPublicKey]: { statusCode: 400, message: 'the device public key is not a 32-byte X25519 key' },
  [KeyErrorCode.BadSealedData]: { statusCode: 400, message: 'sealed or persisted key data is malformed' },
  [KeyErrorCode.StoreDecryptFailed]: { statusCode: 500, message: 'persisted key data did not authenticate under the node key' },
  [KeyErrorCode.UnknownCall]: { statusCode: 404, message: 'no keys are held for this call' },
  [KeyErrorCode.DuplicateCall]: { statusCode: 409, message: 'keys for this call already exist' },
  [KeyErrorCode.KeyReuse]: { statusCode: 500, message: 'a master key would be used for two directions, legs or calls' },
});

export class KeyError extends createErrorClass('KeyError', KEY_ERROR_CATALOG) {
  constructor(code: KeyErrorCode, message: string) {
    super(code, { message });
  }

  /** Older name of `statusCode`. */
  get httpStatus(): number {
    return this.statusCode;
  }
}

/** True for a KeyError (any code or the given one); used by the CLI and tests. */
export function isKeyError(err: unknown, code?: KeyErrorCode): err is KeyError {
  return err instanceof KeyError && (code === undefined || err.code === code);
}
