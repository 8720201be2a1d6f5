/**
 * The console's only way to the relay: GET requests with `Authorization: Bearer <token>`, the
 * same requests any API client makes. A refusal keeps the API's own `{ error: { code, message } }`
 * so the page can show it as the API said it.
 */
export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }

  /** `401 API_ERR_UNAUTHORIZED: missing or wrong bearer token`. */
  describe(): string {
    return this.status === 0 ? this.message : `${this.status} ${this.code}: ${this.message}`;
  }
}

export class ApiClient {
  constructor(private readonly token: string) {}

  async get<T>(path: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(path, { headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' }, cache: 'no-store', credentials: 'omit' });
    } catch {
      throw new ApiFailure(0, 'NETWORK', 'the relay did not answer (network error); retrying');
    }
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      body = null;
    }
    if (!res.ok) {
      const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      const code = typeof error?.code === 'string' ? error.code : `HTTP_${res.status}`;
      const message = typeof error?.message === 'string' ? error.message : res.statusText;
      throw new ApiFailure(res.status, code, message);
    }
    return body as T;
  }
}
