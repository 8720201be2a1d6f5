/**
 * One ng message in, one reply out, whatever the transport: split the frame, answer a
 * retransmitted cookie from the cache, decode and normalise the body, call the call control,
 * encode the reply in the request's format. Nothing reaches the call control unless the request
 * parsed completely (a malformed request changes nothing).
 */
import type { Logger } from 'pino';
import type { NgDict } from './bencode';
import type { NgCallControl } from './call-control';
import { CookieCache, DEFAULT_COOKIE_CACHE, type CookieCacheOptions } from './cookie-cache';
import { NgError, NgErrorCode } from './errors';
import { decodeBody, encodeFrame, splitFrame, type NgFrame } from './framing';
import { callInfoFields, errorReply, loadLimitReply, okReply, pongReply } from './replies';
import { parseRequest, peekCommand } from './request-parser';
import type { NgRequest } from './requests';

/** Where a message came from (for logs). */
export interface NgPeer {
  readonly transport: 'udp' | 'tcp' | 'http';
  readonly address: string;
  readonly port: number;
}

export interface NgDispatcherOptions {
  /** Largest body accepted (64 KiB datagrams carry at most 65507 bytes over IPv4). */
  readonly maxBodyBytes?: number;
  readonly cookieCache?: CookieCacheOptions;
  readonly logger?: Logger;
}

export interface NgDispatcherCounters {
  /** Messages handled (answered from the cache or not). */
  requests: number;
  /** Answered from the cookie cache without running the command again. */
  retransmissions: number;
  /** Replies with result `error`. */
  errors: number;
  /** Messages without a usable cookie: no reply can be addressed. */
  dropped: number;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export class NgDispatcher {
  readonly counters: NgDispatcherCounters = { requests: 0, retransmissions: 0, errors: 0, dropped: 0 };
  private readonly cache: CookieCache;
  private readonly maxBodyBytes: number;
  private readonly logger: Logger | undefined;

  constructor(
    private readonly control: NgCallControl,
    options: NgDispatcherOptions = {},
  ) {
    this.cache = new CookieCache(options.cookieCache ?? DEFAULT_COOKIE_CACHE);
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.logger = options.logger;
  }

  /** The reply to send, or null when the message has no cookie to answer to (counted as dropped). */
  async handle(message: Buffer, peer: NgPeer): Promise<Buffer | null> {
    let frame: NgFrame;
    try {
      frame = splitFrame(message);
    } catch (err) {
      this.counters.dropped++;
      this.logger?.warn({ peer, code: (err as NgError).code }, `ng: message dropped: ${(err as Error).message}`);
      return null;
    }
    this.counters.requests++;
    // Keyed by sender address too: cookies are unique per proxy only (Kamailio's are
    // "<pid>_<counter>_<n>"), and two proxies must never get each other's replies.
    const { reply, cached } = this.cache.reply(`${peer.address} ${frame.cookie}`, () => this.execute(frame, peer));
    if (cached) {
      this.counters.retransmissions++;
      this.logger?.debug({ peer, cookie: frame.cookie }, 'ng: retransmission answered from the cookie cache');
    }
    return reply;
  }

  /** Never rejects: every failure is an error reply. */
  private async execute(frame: NgFrame, peer: NgPeer): Promise<Buffer> {
    let dict: NgDict;
    try {
      dict = decodeBody(frame.body, frame.format, this.maxBodyBytes);
    } catch (err) {
      return this.fail(frame, peer, undefined, err);
    }
    let request: NgRequest | undefined;
    try {
      const parsed = parseRequest(dict);
      request = parsed.request;
      if (parsed.warnings.length > 0) this.logger?.warn({ peer, command: request.command, warnings: parsed.warnings }, 'ng: request warnings');
      const reply = await this.run(request, parsed.warnings);
      return encodeFrame(frame.cookie, reply, frame.format);
    } catch (err) {
      if (err instanceof NgError && err.code === NgErrorCode.LoadLimit && request !== undefined && 'supportsLoadLimit' in request && request.supportsLoadLimit) {
        return encodeFrame(frame.cookie, loadLimitReply(err.message), frame.format);
      }
      return this.fail(frame, peer, request?.command ?? peekCommand(dict), err);
    }
  }

  private fail(frame: NgFrame, peer: NgPeer, command: string | undefined, err: unknown): Buffer {
    this.counters.errors++;
    const code = (err as { code?: unknown }).code;
    const typed = typeof code === 'string';
    // A typed error's message is meant for the caller; anything else is a bug whose details stay in the log.
    const reason = typed ? (err as Error).message : 'internal error';
    if (typed) this.logger?.info({ peer, command, code }, `ng: error reply: ${reason}`);
    else this.logger?.error({ peer, command, code: NgErrorCode.Internal, err }, 'ng: command failed');
    return encodeFrame(frame.cookie, errorReply(reason), frame.format);
  }

  private async run(req: NgRequest, warnings: readonly string[]): Promise<NgDict> {
    switch (req.command) {
      case 'ping':
        return pongReply();
      case 'offer': {
        const r = await this.control.offer(req);
        return okReply({ sdp: r.sdp }, [...warnings, ...(r.warnings ?? [])]);
      }
      case 'answer': {
        const r = await this.control.answer(req);
        return okReply({ sdp: r.sdp }, [...warnings, ...(r.warnings ?? [])]);
      }
      case 'delete': {
        const r = await this.control.delete(req);
        if (!r.found) {
          if (req.fatal) throw new NgError(NgErrorCode.UnknownCall, `unknown call-id "${req.callId}"`);
          return okReply({}, [...warnings, ...(r.warnings ?? []), `call-id "${req.callId}" not found`]);
        }
        const fields = r.call !== undefined && !req.fast ? callInfoFields(r.call) : {};
        return okReply(fields, [...warnings, ...(r.warnings ?? [])]);
      }
      case 'query': {
        const call = await this.control.query(req);
        if (call === null) throw new NgError(NgErrorCode.UnknownCall, `unknown call-id "${req.callId}"`);
        return okReply(callInfoFields(call), warnings);
      }
      case 'list': {
        const ids = await this.control.list(req);
        return okReply({ calls: ids.slice(0, req.limit) }, warnings);
      }
      case 'statistics': {
        const statistics = await this.control.statistics();
        return okReply({ statistics }, warnings);
      }
    }
  }
}
