/**
 * ng spells the same key or flag several ways: `transport-protocol`, `transport protocol`,
 * `transport_protocol`; `SDES` and `sdes` in flags. Everything is compared in one canonical
 * form: lower case, with spaces and underscores turned into hyphens.
 *
 * Every request repeats the same few dozen spellings (`call-id`, `from-tag`, `SDES-pad`, ...), so
 * the canonical forms are remembered: a bounded table (the first spellings seen; a request
 * cannot grow it past the bound, later spellings are computed each time).
 */
const MEMO_LIMIT = 512;
/** Longer names (a `key=value` flag's whole text, say) are not remembered. */
const MEMO_MAX_LENGTH = 64;
const memo = new Map<string, string>();

export function canonicalKey(name: string): string {
  const known = memo.get(name);
  if (known !== undefined) return known;
  const c = name.trim().toLowerCase().replace(/[ _]+/g, '-');
  if (memo.size < MEMO_LIMIT && name.length <= MEMO_MAX_LENGTH) memo.set(name, c);
  return c;
}
