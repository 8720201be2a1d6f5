/**
 * Bearer-token check for every route (REST, /metrics and the WebSocket upgrade; /healthz and the
 * console's static page answer without it). The WebSocket upgrade may carry the token as a
 * subprotocol instead (websocket-auth.ts), because browsers cannot set its headers.
 * Compared as SHA-256 digests with timingSafeEqual, so neither length nor content leaks by timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors';

export class BearerAuth {
  private readonly digest: Buffer;

  constructor(token: string) {
    this.digest = createHash('sha256').update(token).digest();
  }

  /** Throws API_ERR_UNAUTHORIZED unless the header is `Bearer <token>`. */
  check(header: string | undefined): void {
    if (!this.valid(header)) throw new ApiError('API_ERR_UNAUTHORIZED');
  }

  /** Is the header `Bearer <token>`? (Routes open without a token still learn who holds it.) */
  valid(header: string | undefined): boolean {
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header) : null;
    return this.validToken(match?.[1] ?? null);
  }

  /** Is this the token? (null: none given.) */
  validToken(token: string | null): boolean {
    const given = createHash('sha256').update(token ?? '').digest();
    return token !== null && timingSafeEqual(given, this.digest);
  }
}
