/**
 * How a browser authenticates the `/v1/events` WebSocket. A browser's `WebSocket` cannot set an
 * `Authorization` header, and a token in the URL would end up in access logs, proxies and the
 * browser history, so the token travels in the one header a browser lets a page choose: the
 * subprotocol list (`Sec-WebSocket-Protocol`, RFC 6455 §4.1 and §11.3.4), the way Kubernetes'
 * API server accepts `base64url.bearer.authorization.k8s.io.<token>`.
 *
 * The client offers two subprotocols: `srtp-relay.events.v1` (what it speaks) and
 * `srtp-relay.bearer.<base64url(token)>` (base64url so that any token is a valid RFC 7230 token).
 * The server answers with `srtp-relay.events.v1` only, never echoing the bearer entry back.
 * `Authorization: Bearer <token>` on the upgrade request keeps working for other clients.
 */
export const EVENTS_SUBPROTOCOL = 'srtp-relay.events.v1';
export const BEARER_SUBPROTOCOL_PREFIX = 'srtp-relay.bearer.';

/** Longest subprotocol header looked at: a token is short; anything longer is not ours. */
const MAX_HEADER_LENGTH = 4096;

/** The token carried in a `srtp-relay.bearer.<base64url>` subprotocol, or null. */
export function bearerFromSubprotocols(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string' || header.length > MAX_HEADER_LENGTH) return null;
  for (const entry of header.split(',')) {
    const value = entry.trim();
    if (!value.startsWith(BEARER_SUBPROTOCOL_PREFIX)) continue;
    const encoded = value.slice(BEARER_SUBPROTOCOL_PREFIX.length);
    if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return null;
    return Buffer.from(encoded, 'base64url').toString('utf8');
  }
  return null;
}

/** ws's `handleProtocols`: pick the events protocol, never the bearer entry (false: none). */
export function selectSubprotocol(protocols: ReadonlySet<string>): string | false {
  return protocols.has(EVENTS_SUBPROTOCOL) ? EVENTS_SUBPROTOCOL : false;
}
