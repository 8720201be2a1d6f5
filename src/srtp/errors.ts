/**
 * Typed errors for the control side of the SRTP engine (control plane throws,
 * data plane counts), built with the project's one error factory (src/errors). Packet-path
 * failures are never thrown; see `SrtpStatus`. Messages never carry key material.
 */
import { createErrorClass, defineErrorCatalog } from '../errors';

export enum SrtpErrorCode {
  UnknownProfile = 'SRTP_ERR_UNKNOWN_PROFILE',
  ProfileNotEnabled = 'SRTP_ERR_PROFILE_NOT_ENABLED',
  BadKeyLength = 'SRTP_ERR_BAD_KEY_LENGTH',
  BadSaltLength = 'SRTP_ERR_BAD_SALT_LENGTH',
  BadKdr = 'SRTP_ERR_BAD_KDR',
  BadLabel = 'SRTP_ERR_BAD_LABEL',
  BadMki = 'SRTP_ERR_BAD_MKI',
  DuplicateMki = 'SRTP_ERR_DUPLICATE_MKI',
  BadLifetime = 'SRTP_ERR_BAD_LIFETIME',
  BadReplayWindow = 'SRTP_ERR_BAD_REPLAY_WINDOW',
  BadRoc = 'SRTP_ERR_BAD_ROC',
  BadOption = 'SRTP_ERR_BAD_OPTION',
  NoKeys = 'SRTP_ERR_NO_KEYS',
  Closed = 'SRTP_ERR_CLOSED',
}

/** Status and meaning of each code (docs/errors.md lists the same table). */
export const SRTP_ERRORS = defineErrorCatalog<SrtpErrorCode>('SRTP_ERR_', {
  [SrtpErrorCode.UnknownProfile]: { statusCode: 400, message: 'the name is not a known SRTP protection profile' },
  [SrtpErrorCode.ProfileNotEnabled]: { statusCode: 400, message: 'the protection profile is known but not enabled' },
  [SrtpErrorCode.BadKeyLength]: { statusCode: 400, message: 'the master key length does not match the profile' },
  [SrtpErrorCode.BadSaltLength]: { statusCode: 400, message: 'the master salt length does not match the profile' },
  [SrtpErrorCode.BadKdr]: { statusCode: 400, message: 'the key derivation rate is not 0 or a power of two up to 2^24' },
  [SrtpErrorCode.BadLabel]: { statusCode: 400, message: 'the key derivation label is out of range' },
  [SrtpErrorCode.BadMki]: { statusCode: 400, message: 'the MKI is malformed or its length does not match the context' },
  [SrtpErrorCode.DuplicateMki]: { statusCode: 400, message: 'two master keys of one context carry the same MKI' },
  [SrtpErrorCode.BadLifetime]: { statusCode: 400, message: 'the master key lifetime is out of range' },
  [SrtpErrorCode.BadReplayWindow]: { statusCode: 400, message: 'the replay window size is out of range' },
  [SrtpErrorCode.BadRoc]: { statusCode: 400, message: 'the rollover counter is not a 32-bit unsigned integer' },
  [SrtpErrorCode.BadOption]: { statusCode: 400, message: 'an SRTP context option is out of range' },
  [SrtpErrorCode.NoKeys]: { statusCode: 400, message: 'the context was given no master key' },
  [SrtpErrorCode.Closed]: { statusCode: 409, message: 'the SRTP context is closed and its keys wiped' },
});

export class SrtpError extends createErrorClass('SrtpError', SRTP_ERRORS) {
  constructor(code: SrtpErrorCode, message: string) {
    super(code, { message });
  }
}
