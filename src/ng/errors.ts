/**
 * Typed errors of the ng front end (control plane throws), built with the project's one error
 * factory (src/errors). Every one of them
 * becomes an ng reply `{ result: "error", "error-reason": message }` (rtpengine's
 * rtpengine's docs/ng_control_protocol.md: an error reply carries `error-reason` and nothing else); the code
 * is for logs and tests, and the HTTP status only says what kind of failure it is (`POST /ng`
 * answers 200 with the ng reply). Messages never carry SDP bodies or key material.
 */
import { createErrorClass, defineErrorCatalog } from '../errors';

export enum NgErrorCode {
  /** The body is not valid bencode (or exceeds the size/depth bounds). */
  BadBencode = 'NG_ERR_BAD_BENCODE',
  /** The body is not a valid JSON object. */
  BadJson = 'NG_ERR_BAD_JSON',
  /** No `<cookie> <body>` shape: no space, empty or overlong cookie, empty body. */
  BadFrame = 'NG_ERR_BAD_FRAME',
  /** The body decodes but is not a dictionary. */
  NotADictionary = 'NG_ERR_NOT_A_DICTIONARY',
  /** `command` missing or not one this relay implements. */
  UnknownCommand = 'NG_ERR_UNKNOWN_COMMAND',
  /** A required key (`call-id`, `from-tag`, `to-tag`, `sdp`) is missing or empty. */
  MissingKey = 'NG_ERR_MISSING_KEY',
  /** A key has the wrong type or a value outside its allowed set. */
  BadValue = 'NG_ERR_BAD_VALUE',
  /** The message is larger than the transport allows (UDP datagram, TCP buffer, HTTP body). */
  TooLarge = 'NG_ERR_TOO_LARGE',
  /** `query`/`delete` (with the `fatal` flag) of a call the relay does not know. */
  UnknownCall = 'NG_ERR_UNKNOWN_CALL',
  /** The relay refuses new calls for now (answered `load limit` when the proxy supports it). */
  LoadLimit = 'NG_ERR_LOAD_LIMIT',
  /** A bug: an exception that is not a typed error (answered as `internal error`, details logged). */
  Internal = 'NG_ERR_INTERNAL',
  /** Client side (NgClient): the relay did not answer in time, answered garbage, or answered `error`. */
  PeerFailed = 'NG_ERR_PEER_FAILED',
}

/** Status and meaning of each code (docs/errors.md lists the same table). */
export const NG_ERRORS = defineErrorCatalog<NgErrorCode>('NG_ERR_', {
  [NgErrorCode.BadBencode]: { statusCode: 400, message: 'the body is not valid bencode or exceeds the size or depth bounds' },
  [NgErrorCode.BadJson]: { statusCode: 400, message: 'the body is not a valid JSON object' },
  [NgErrorCode.BadFrame]: { statusCode: 400, message: 'the message is not `<cookie> <body>`' },
  [NgErrorCode.NotADictionary]: { statusCode: 400, message: 'the body is not a dictionary' },
  [NgErrorCode.UnknownCommand]: { statusCode: 400, message: 'the command is missing or not implemented' },
  [NgErrorCode.MissingKey]: { statusCode: 400, message: 'a required key (call-id, from-tag, to-tag, sdp) is missing or empty' },
  [NgErrorCode.BadValue]: { statusCode: 400, message: 'a key has the wrong type or a value outside its allowed set' },
  [NgErrorCode.TooLarge]: { statusCode: 413, message: 'the message is larger than the transport allows' },
  [NgErrorCode.UnknownCall]: { statusCode: 404, message: 'the relay does not know this call' },
  [NgErrorCode.LoadLimit]: { statusCode: 503, message: 'the relay refuses new calls for now (load limit)' },
  [NgErrorCode.Internal]: { statusCode: 500, message: 'internal error' },
  [NgErrorCode.PeerFailed]: { statusCode: 502, message: 'the ng peer did not answer, answered garbage, or answered an error' },
});

export class NgError extends createErrorClass('NgError', NG_ERRORS) {
  constructor(code: NgErrorCode, message: string) {
    super(code, { message });
  }
}
