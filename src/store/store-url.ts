/**
 * `--store`: `memory` (default), `redis://[:password@]host:port/db`, or
 * `redis+unix:///path/to/redis.sock?db=N`. Parsed once at start; `where` never shows a password.
 */
export type StoreLocation =
  | { readonly kind: 'memory' }
  | { readonly kind: 'redis'; readonly host: string; readonly port: number; readonly db: number; readonly password?: string; readonly where: string }
  | { readonly kind: 'redis'; readonly path: string; readonly db: number; readonly password?: string; readonly where: string };

export function parseStoreUrl(text: string): StoreLocation {
  const t = text.trim();
  if (t === '' || t === 'memory') return { kind: 'memory' };
  let url: URL;
  try {
    url = new URL(t);
  } catch {
    throw new Error(`store "${t}" is not memory, redis://host:port/db or redis+unix:///path?db=N`);
  }
  const password = url.password !== '' ? decodeURIComponent(url.password) : undefined;
  const pw = password !== undefined ? { password } : {};
  if (url.protocol === 'redis+unix:') {
    const db = dbNumber(url.searchParams.get('db') ?? '0', t);
    if (url.pathname === '' || url.pathname === '/') throw new Error(`store "${t}" names no socket path`);
    return { kind: 'redis', path: url.pathname, db, ...pw, where: `unix:${url.pathname}/${db}` };
  }
  if (url.protocol !== 'redis:') throw new Error(`store "${t}": only memory, redis:// and redis+unix:// are supported`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '' || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`store "${t}" needs a host and a port 1..65535`);
  const db = dbNumber(url.pathname.replace(/^\//, '') || '0', t);
  return { kind: 'redis', host, port, db, ...pw, where: `${url.hostname}:${port}/${db}` };
}

function dbNumber(text: string, whole: string): number {
  const db = Number(text);
  if (!/^\d+$/.test(text) || db > 15) throw new Error(`store "${whole}": database must be 0..15`);
  return db;
}
