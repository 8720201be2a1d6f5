/**
 * `GET /v1/calls?limit=&cursor=`: calls in id order, one page at a time. The cursor is the last
 * id of the previous page (base64url, opaque to clients), so a page is stable while calls come
 * and go, and only the page's views are built (5,000 calls no longer make a 900 KB answer).
 */
import { ApiError } from './errors';

export interface CallPage<T> {
  readonly calls: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (id === '' || encodeCursor(id) !== cursor) throw new ApiError('API_ERR_BAD_CURSOR', { field: 'cursor' });
  return id;
}

export function pageOfCalls<T>(ids: Iterable<string>, view: (id: string) => T, limit: number, cursor: string | undefined): CallPage<T> {
  const after = cursor === undefined ? null : decodeCursor(cursor);
  const sorted = [...ids].filter((id) => after === null || id > after).sort();
  const page = sorted.slice(0, limit);
  return { calls: page.map(view), nextCursor: sorted.length > limit ? encodeCursor(page[page.length - 1] as string) : null };
}
