/**
 * The typed request model, one type per ng command this relay implements. The normaliser
 * (request-parser.ts) builds these from the wire dictionary; the call control sees only these
 * (DESIGN.md: `control/` knows nothing of ng wire formats).
 */

export type NgCommandName = 'ping' | 'offer' | 'answer' | 'delete' | 'query' | 'list' | 'statistics';
export const NG_COMMANDS: readonly NgCommandName[] = Object.freeze(['ping', 'offer', 'answer', 'delete', 'query', 'list', 'statistics']);

/** `transport-protocol`: the protocol toward the recipient of the rewritten SDP. `accept` only in answers. */
export type NgTransportProtocol = 'RTP/AVP' | 'RTP/SAVP' | 'RTP/AVPF' | 'RTP/SAVPF' | 'UDP/TLS/RTP/SAVP' | 'UDP/TLS/RTP/SAVPF' | 'accept';
export const NG_TRANSPORT_PROTOCOLS: readonly NgTransportProtocol[] = Object.freeze(['RTP/AVP', 'RTP/SAVP', 'RTP/AVPF', 'RTP/SAVPF', 'UDP/TLS/RTP/SAVP', 'UDP/TLS/RTP/SAVPF', 'accept']);

/** `ICE`: what to do with ICE attributes (`default` when absent). */
export type NgIceMode = 'remove' | 'force' | 'default' | 'force-relay' | 'optional';
export const NG_ICE_MODES: readonly NgIceMode[] = Object.freeze(['remove', 'force', 'default', 'force-relay', 'optional']);

/** `DTLS`: `off` (also spelled `no`, `disable`), `passive`, `active`. */
export type NgDtlsMode = 'off' | 'passive' | 'active';

/** `rtcp-mux` list entries (RFC 5761 handling). */
export type NgRtcpMuxOption = 'offer' | 'require' | 'demux' | 'accept' | 'reject';
export const NG_RTCP_MUX_OPTIONS: readonly NgRtcpMuxOption[] = Object.freeze(['offer', 'require', 'demux', 'accept', 'reject']);

/** `replace` list entries: which SDP parts the relay rewrites besides the media lines. */
export type NgReplaceOption = 'origin' | 'origin-full' | 'session-connection' | 'sdp-version' | 'username' | 'session-name' | 'zero-address' | 'force-increment-sdp-ver';
export const NG_REPLACE_OPTIONS: readonly NgReplaceOption[] = Object.freeze(['origin', 'origin-full', 'session-connection', 'sdp-version', 'username', 'session-name', 'zero-address', 'force-increment-sdp-ver']);

/** RFC 4568 section 6.3 session parameters the proxy may force on or off. */
export type NgSdesSessionParam = 'unencrypted_srtp' | 'unencrypted_srtcp' | 'unauthenticated_srtp';

/** `SDES` list (or `SDES-` flags): suite selection and formatting of `a=crypto` lines. */
export interface NgSdesOptions {
  /** `off` / `no` / `disable`: do not offer SDES. */
  readonly off: boolean;
  /** `pad`: keep base64 padding in `inline:` (we always pad; the flag is accepted). */
  readonly pad: boolean;
  /** `lifetime`: add a 2^31 key lifetime to each key. */
  readonly lifetime: boolean;
  /** `nonew`: offer only suites the offerer offered. */
  readonly noNew: boolean;
  /** `prefer`: prefer SDES over DTLS when both are offered. */
  readonly prefer: boolean;
  /** `static`: keep the negotiated suite on re-invites. */
  readonly static: boolean;
  /** `no-<SUITE>`: suites removed from the offer (upper case). */
  readonly excludeSuites: readonly string[];
  /** `only-<SUITE>`: the only suites offered (upper case); takes precedence over `no-`. */
  readonly onlySuites: readonly string[];
  /** `order:<A;B;...>`: suites placed first, in this order. */
  readonly order: readonly string[];
  /** `offerer_pref:<A;B;...>`: suites preferred toward the offerer. */
  readonly offererPreference: readonly string[];
  /** Session parameters forced on (`unencrypted_srtp`, ...) or off (`encrypted_srtp`, ...). */
  readonly sessionParams: Readonly<Partial<Record<NgSdesSessionParam, boolean>>>;
}

export interface NgReceivedFrom {
  readonly family: 'IP4' | 'IP6';
  readonly address: string;
}

interface NgCallKey {
  readonly callId: string;
  readonly fromTag: string;
  readonly viaBranch?: string;
}

/** What `offer` and `answer` share. */
export interface NgMediaRequest extends NgCallKey {
  readonly sdp: string;
  readonly toTag?: string;
  /** Plain flags from the `flags` list, canonical: lower case, words joined by `-`. */
  readonly flags: readonly string[];
  readonly transportProtocol?: NgTransportProtocol;
  readonly ice?: NgIceMode;
  /** Further `ICE` list entries (`trickle`, `lite-*`, `ice2`), lower case. */
  readonly iceOptions: readonly string[];
  readonly dtls?: NgDtlsMode;
  readonly sdes: NgSdesOptions;
  readonly rtcpMux: readonly NgRtcpMuxOption[];
  readonly replace: readonly NgReplaceOption[];
  /** `direction`: logical interface names, [from side, to side]. */
  readonly direction?: readonly [string, string];
  readonly receivedFrom?: NgReceivedFrom;
  readonly mediaAddress?: string;
  readonly addressFamily?: 'IP4' | 'IP6';
  readonly label?: string;
  readonly recordCall?: boolean;
  /** `supports` contains `load limit`: answer overload with `result: load limit`. */
  readonly supportsLoadLimit: boolean;
  /**
   * `key=value` flags whose key ng does not define: the channel for this relay's extensions
   * (per-side device and security hints), keys canonical, values as sent.
   */
  readonly params: Readonly<Record<string, string>>;
}

export interface NgPingRequest {
  readonly command: 'ping';
}

export interface NgOfferRequest extends NgMediaRequest {
  readonly command: 'offer';
}

export interface NgAnswerRequest extends NgMediaRequest {
  readonly command: 'answer';
  readonly toTag: string;
}

export interface NgDeleteRequest {
  readonly command: 'delete';
  readonly callId: string;
  /** Absent: the whole call. Kamailio sends call-id + from-tag on BYE, and that also ends the whole call. */
  readonly fromTag?: string;
  readonly toTag?: string;
  readonly viaBranch?: string;
  /** `fatal` flag: an unknown call is an error instead of `ok` with a warning. */
  readonly fatal: boolean;
  /** `fast` flag: no statistics in the reply. */
  readonly fast: boolean;
  /** `to-tag` flag: delete only the named to-tag's side instead of the whole call. */
  readonly honourToTag: boolean;
  /** `delete delay` in seconds (0: now). */
  readonly deleteDelay?: number;
}

export interface NgQueryRequest {
  readonly command: 'query';
  readonly callId: string;
  readonly fromTag?: string;
  readonly toTag?: string;
}

export interface NgListRequest {
  readonly command: 'list';
  /** How many call-ids at most (default 32, as rtpengine). */
  readonly limit: number;
}

export interface NgStatisticsRequest {
  readonly command: 'statistics';
}

export type NgRequest = NgPingRequest | NgOfferRequest | NgAnswerRequest | NgDeleteRequest | NgQueryRequest | NgListRequest | NgStatisticsRequest;

/** A parsed request and the warnings parsing produced (unknown keys, ignored values). */
export interface NgParsedRequest {
  readonly request: NgRequest;
  readonly warnings: readonly string[];
}
