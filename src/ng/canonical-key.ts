/**
 * ng spells the same key or flag several ways: `transport-protocol`, `transport protocol`,
 * `transport_protocol`; `SDES` and `sdes` in flags. Everything is compared in one canonical
 * form: lower case, with spaces and underscores turned into hyphens.
 */
export function canonicalKey(name: string): string {
  return name.trim().toLowerCase().replace(/[ _]+/g, '-');
}
