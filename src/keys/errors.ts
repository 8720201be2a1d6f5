/**
 * Error catalog of the key manager (STYLE habit 6: control plane throws, data plane counts).
 *
 * Every code is listed once, with the HTTP status the control API maps it to and a short
 * description. `test/unit/keys/errors.test.ts` keeps the enum and the catalog in step.
 * Messages name what is wrong (field, lengths, limits) but never carry key material: callers
 * pass lengths and positions, never bytes or base64 text.
 */
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

export interface KeyErrorInfo {
  /** Status the control API answers with when this error reaches it. */
  readonly httpStatus: number;
  readonly description: string;
}

/** One entry per code; frozen, so the catalog is data (STYLE: an error catalog in one file). */
export const KEY_ERROR_CATALOG: Readonly<Record<KeyErrorCode, KeyErrorInfo>> = Object.freeze({
  [KeyErrorCode.NotReady]: { httpStatus: 503, description: 'libsodium is not initialised; await initKeys() first' },
  [KeyErrorCode.Released]: { httpStatus: 410, description: 'the key was released and wiped' },
  [KeyErrorCode.UnknownSuite]: { httpStatus: 400, description: 'crypto suite name is not a known SRTP protection profile' },
  [KeyErrorCode.SuiteNotAllowed]: { httpStatus: 400, description: 'crypto suite is known but not enabled (NULL cipher needs opt-in)' },
  [KeyErrorCode.NoCommonSuite]: { httpStatus: 409, description: 'no crypto suite is both preferred by policy and supported by every device' },
  [KeyErrorCode.EmptyPreference]: { httpStatus: 500, description: 'the suite preference list is empty' },
  [KeyErrorCode.BadOption]: { httpStatus: 400, description: 'an option of the key manager is out of range' },
  [KeyErrorCode.LineTooLong]: { httpStatus: 400, description: 'the a=crypto line exceeds the accepted length' },
  [KeyErrorCode.NotCryptoAttribute]: { httpStatus: 400, description: 'the line is not an a=crypto attribute' },
  [KeyErrorCode.BadTag]: { httpStatus: 400, description: 'the tag is not 1 to 9 decimal digits (RFC 4568 §9.1)' },
  [KeyErrorCode.MissingSuite]: { httpStatus: 400, description: 'the crypto suite field is missing' },
  [KeyErrorCode.MissingKeyParams]: { httpStatus: 400, description: 'the key-params field is missing or empty' },
  [KeyErrorCode.UnsupportedKeyMethod]: { httpStatus: 400, description: 'only the "inline" key method is supported (RFC 4568 §6.1)' },
  [KeyErrorCode.BadBase64]: { httpStatus: 400, description: 'the key||salt field is not valid base64' },
  [KeyErrorCode.BadKeyLength]: { httpStatus: 400, description: 'the decoded key||salt length does not match the suite' },
  [KeyErrorCode.BadLifetime]: { httpStatus: 400, description: 'lifetime is not a decimal or 2^n between 1 and 2^48' },
  [KeyErrorCode.BadMki]: { httpStatus: 400, description: 'MKI is not "value:length" with a decimal value that fits the length' },
  [KeyErrorCode.BadMkiLength]: { httpStatus: 400, description: 'MKI length is not 1 to 128 bytes (RFC 4568 §6.1)' },
  [KeyErrorCode.MkiRequired]: { httpStatus: 400, description: 'several keys in one line need an MKI on every key' },
  [KeyErrorCode.MkiLengthMismatch]: { httpStatus: 400, description: 'all keys of a line must use the same MKI length' },
  [KeyErrorCode.DuplicateMki]: { httpStatus: 400, description: 'two keys of a line carry the same MKI value' },
  [KeyErrorCode.TooManyKeys]: { httpStatus: 400, description: 'more master keys in one line than accepted' },
  [KeyErrorCode.TooManyKeyFields]: { httpStatus: 400, description: 'a key-param has more than lifetime and MKI after the key' },
  [KeyErrorCode.BadKdr]: { httpStatus: 400, description: 'KDR is not a decimal exponent 0..24 (RFC 4568 §6.3.1)' },
  [KeyErrorCode.BadWsh]: { httpStatus: 400, description: 'WSH is not a decimal window size of at least 64 (RFC 4568 §6.3.7)' },
  [KeyErrorCode.DuplicateSessionParam]: { httpStatus: 400, description: 'a session parameter appears twice' },
  [KeyErrorCode.UnsupportedSessionParam]: { httpStatus: 400, description: 'a known session parameter that this relay refuses (FEC_ORDER, FEC_KEY)' },
  [KeyErrorCode.UnknownSessionParam]: { httpStatus: 400, description: 'an unknown mandatory session parameter (RFC 4568 §6.3.8)' },
  [KeyErrorCode.ParamNotAllowedForSuite]: { httpStatus: 400, description: 'a session parameter the crypto suite cannot honour' },
  [KeyErrorCode.NoAcceptableOffer]: { httpStatus: 488, description: 'no offered a=crypto line is acceptable to policy' },
  [KeyErrorCode.DuplicateTag]: { httpStatus: 400, description: 'two offered a=crypto lines share a tag (RFC 4568 §5.1)' },
  [KeyErrorCode.AnswerMismatch]: { httpStatus: 488, description: 'the answer names a tag or suite that was not offered (RFC 4568 §7.1.3)' },
  [KeyErrorCode.WeakParamsRefused]: { httpStatus: 488, description: 'UNENCRYPTED_SRTP or UNAUTHENTICATED_SRTP offered but not allowed by policy' },
  [KeyErrorCode.NoNodeKey]: { httpStatus: 500, description: 'no node key is configured for encrypting persisted keys' },
  [KeyErrorCode.BadNodeKey]: { httpStatus: 500, description: 'the node key is not 32 bytes of base64' },
  [KeyErrorCode.BadPublicKey]: { httpStatus: 400, description: 'the device public key is not a 32-byte X25519 key' },
  [KeyErrorCode.BadSealedData]: { httpStatus: 400, description: 'sealed or persisted key data is malformed' },
  [KeyErrorCode.StoreDecryptFailed]: { httpStatus: 500, description: 'persisted key data did not authenticate under the node key' },
  [KeyErrorCode.UnknownCall]: { httpStatus: 404, description: 'no keys are held for this call' },
  [KeyErrorCode.DuplicateCall]: { httpStatus: 409, description: 'keys for this call already exist' },
  [KeyErrorCode.KeyReuse]: { httpStatus: 500, description: 'a master key would be used for two directions, legs or calls' },
});

export class KeyError extends Error {
  readonly code: KeyErrorCode;
  constructor(code: KeyErrorCode, message: string) {
    super(message);
    this.name = 'KeyError';
    this.code = code;
  }

  get httpStatus(): number {
    return KEY_ERROR_CATALOG[this.code].httpStatus;
  }
}

/** True for a KeyError (any code or the given one); used by the CLI and tests. */
export function isKeyError(err: unknown, code?: KeyErrorCode): err is KeyError {
  return err instanceof KeyError && (code === undefined || err.code === code);
}
