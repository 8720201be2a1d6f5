/**
 * The scenario runner's only way into the relay: the control API over HTTP, with the bearer
 * token. The same for an in-process relay and a remote one. A refused request becomes a
 * `RelayApiError` carrying the API's error code, which steps may expect (`expect.error`).
 */
export class RelayApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;

  constructor(method: string, path: string, status: number, code: string, message: string, field: string | null) {
    super(`${method} ${path} → ${status} ${code}: ${message}${field !== null ? ` (field ${field})` : ''}`);
    this.name = 'RelayApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export class RelayClient {
  /** Requests made, for the report (small integer, never the bodies: they may carry keys). */
  requests = 0;

  constructor(readonly baseUrl: string, private readonly token: string) {}

  async request<T = unknown>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    this.requests += 1;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new RelayApiError(method, path, 0, 'NETWORK', cause?.code ?? cause?.message ?? (err as Error).message, null);
    }
    const text = await res.text();
    let parsed: unknown = null;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (res.status >= 400) {
      const e = (parsed as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
      throw new RelayApiError(method, path, res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? res.statusText, e?.field ?? null);
    }
    return parsed as T;
  }
}
