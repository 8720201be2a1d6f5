/**
 * Typed errors of the ng front end (STYLE habit 7: control plane throws). Every one of them
 * becomes an ng reply `{ result: "error", "error-reason": message }` (rtpengine's
 * docs/ng_control_protocol.md: an error reply carries `error-reason` and nothing else); the code
 * is for logs and tests. Messages never carry SDP bodies or key material.
 */
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
}

export class NgError extends Error {
  readonly code: NgErrorCode;
  constructor(code: NgErrorCode, message: string) {
    super(message);
    this.name = 'NgError';
    this.code = code;
  }
}
