/**
 * `/v1/events` from the browser. A page cannot set headers on a WebSocket and the token must
 * never be in a URL, so it goes as a subprotocol (src/api/websocket-auth.ts): the page offers
 * `srtp-relay.events.v1` and `srtp-relay.bearer.<base64url(token)>`, the server selects the
 * first. Reconnects with a bounded backoff; every (re)connect is reported so the caller can
 * refetch what it may have missed.
 */
import type { ApiEvent } from './api-types.js';

/** Same values as src/api/websocket-auth.ts (a unit test keeps them equal). */
export const EVENTS_SUBPROTOCOL = 'srtp-relay.events.v1';
export const BEARER_SUBPROTOCOL_PREFIX = 'srtp-relay.bearer.';

const MAX_BACKOFF_MS = 30_000;

export type StreamState = 'connecting' | 'open' | 'closed';

export function base64url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export class EventStream {
  private socket: WebSocket | null = null;
  private timer: number | null = null;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly token: string,
    private readonly onEvent: (event: ApiEvent) => void,
    private readonly onState: (state: StreamState) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.timer = null;
    this.socket?.close();
    this.socket = null;
  }

  private connect(): void {
    const url = new URL('/v1/events', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    this.onState('connecting');
    const socket = new WebSocket(url.href, [EVENTS_SUBPROTOCOL, BEARER_SUBPROTOCOL_PREFIX + base64url(this.token)]);
    this.socket = socket;
    socket.onopen = () => {
      this.failures = 0;
      this.onState('open');
    };
    socket.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') return;
      let event: ApiEvent;
      try {
        event = JSON.parse(message.data) as ApiEvent;
      } catch {
        return;
      }
      if (typeof event === 'object' && event !== null && typeof event.type === 'string') this.onEvent(event);
    };
    socket.onclose = () => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = null;
      this.onState('closed');
      this.failures += 1;
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.failures, 6));
      this.timer = window.setTimeout(() => {
        this.timer = null;
        if (!this.stopped) this.connect();
      }, delay);
    };
  }
}
