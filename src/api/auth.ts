/**
 * Bearer-token check for every route (REST, /metrics and the WebSocket upgrade; /healthz answers
 * without it, with the status only).
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
    const given = createHash('sha256').update(match?.[1] ?? '').digest();
    return match !== null && timingSafeEqual(given, this.digest);
  }
}
