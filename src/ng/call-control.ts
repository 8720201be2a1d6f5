/**
 * What the ng front end needs from the call control. The dispatcher (dispatcher.ts) calls it
 * with typed requests and turns its results into ng replies; the implementation on top of
 * `src/control`'s CallController is the later wiring (docs/ng.md). Results use this relay's
 * vocabulary; the ng wire keys (`last signal`, `local port`, ...) are written by query-reply.ts.
 *
 * Errors: throw NgError (NG_ERR_LOAD_LIMIT when overloaded, NG_ERR_BAD_VALUE for an SDP the
 * relay cannot use, ...) or any typed error with a `code`; its message becomes `error-reason`.
 */
import type { NgDict } from './bencode';
import type { NgAnswerRequest, NgDeleteRequest, NgListRequest, NgOfferRequest, NgQueryRequest } from './requests';

export interface NgSdpResult {
  /** The rewritten SDP for the recipient of the offer (or answer). */
  readonly sdp: string;
  /** Non-fatal problems, sent as the reply's `warning`. */
  readonly warnings?: readonly string[];
}

export interface NgPacketStats {
  readonly packets: number;
  readonly bytes: number;
  readonly errors: number;
}

export interface NgEndpoint {
  readonly family: 'IPv4' | 'IPv6';
  readonly address: string;
  readonly port: number;
}

export interface NgStreamInfo {
  readonly localPort?: number;
  /** Where the relay sends this stream (learned or signalled). */
  readonly endpoint?: NgEndpoint;
  /** The endpoint the SDP advertised. */
  readonly advertisedEndpoint?: NgEndpoint;
  /** Negotiated SRTP suite, absent for plain RTP. */
  readonly cryptoSuite?: string;
  readonly lastPacket?: number;
  /** `RTP`, `RTCP`, ... */
  readonly flags: readonly string[];
  readonly stats: NgPacketStats;
}

export interface NgMediaInfo {
  /** 1-based, in SDP order. */
  readonly index: number;
  readonly type: string;
  readonly protocol?: string;
  /** `initialized`, `rtcp-mux`, `SDES`, `DTLS-SRTP`, `passthrough`, `ICE`. */
  readonly flags: readonly string[];
  readonly streams: readonly NgStreamInfo[];
}

export interface NgTagInfo {
  readonly tag: string;
  /** UNIX seconds. */
  readonly created: number;
  readonly label?: string;
  readonly inDialogueWith?: string;
  readonly medias: readonly NgMediaInfo[];
}

export interface NgCallInfo {
  /** UNIX seconds. */
  readonly created: number;
  /** UNIX seconds of the last offer/answer/delete. */
  readonly lastSignal: number;
  readonly tags: readonly NgTagInfo[];
  readonly totals: { readonly rtp: NgPacketStats; readonly rtcp: NgPacketStats };
  /**
   * This relay's additions to the query reply, already in wire form (issue 12: the `security`
   * dictionary with status, per-tag icon and tone, reasons).
   */
  readonly extensions?: NgDict;
}

export interface NgDeleteResult {
  /** False: no such call (or tag); `ok` with a warning, or an error with the `fatal` flag. */
  readonly found: boolean;
  /** The call as it was when deleted (left out of the reply with the `fast` flag). */
  readonly call?: NgCallInfo;
  readonly warnings?: readonly string[];
}

export interface NgCallControl {
  offer(req: NgOfferRequest): Promise<NgSdpResult>;
  answer(req: NgAnswerRequest): Promise<NgSdpResult>;
  delete(req: NgDeleteRequest): Promise<NgDeleteResult>;
  /** Null: no such call. */
  query(req: NgQueryRequest): Promise<NgCallInfo | null>;
  /** Call-ids of live calls, at most `req.limit`. */
  list(req: NgListRequest): Promise<readonly string[]>;
  /** rtpengine's `statistics` reply content (`currentstatistics`, `totalstatistics`, ...). */
  statistics(): Promise<NgDict>;
}
