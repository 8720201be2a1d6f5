/**
 * Typed errors for the control side of the SRTP engine (the control plane throws,
 * data plane counts). Packet-path failures are never thrown; see `SrtpStatus`.
 * Messages never carry key material.
 */
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
  /**
   * Never thrown by the engine: its packet methods return an SrtpStatus instead. Reserved for a
   * caller that turns a rejected packet into a control-plane error (the HTTP layer maps it to
   * 400); today no caller does.
   */
  PacketRejected = 'SRTP_ERR_PACKET_REJECTED',
}

export class SrtpError extends Error {
  readonly code: SrtpErrorCode;
  constructor(code: SrtpErrorCode, message: string) {
    super(message);
    this.name = 'SrtpError';
    this.code = code;
  }
}
