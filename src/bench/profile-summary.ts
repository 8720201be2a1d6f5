/**
 * Where the time goes: self time per function from CPU profiles recorded around the timed loop
 * (cpu-profiler.ts), grouped into categories a reader can act on.
 */
import { readFileSync } from 'node:fs';
import type { CpuProfile } from './cpu-profiler';

export interface FunctionCost {
  readonly fn: string;
  /** file:line, shortened to the part under src/ or node:internal/. */
  readonly location: string;
  readonly category: string;
  readonly selfPct: number;
}

export interface ProfileSummary {
  readonly samples: number;
  readonly top: readonly FunctionCost[];
  /** share of self time per category, largest first */
  readonly categories: readonly { readonly category: string; readonly pct: number }[];
}

function shortUrl(url: string): string {
  const m = /((?:srtp|bench|rtp|relay)\/[^/]+|node:internal\/.*|node_modules\/.*)$/.exec(url.replace(/^file:\/\//, ''));
  return m ? m[1] : url;
}

function categoryOf(fn: string, url: string): string {
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(program)' || fn === '(idle)' || fn === '(root)') return 'native/unattributed (incl. OpenSSL calls)';
  if (/\/srtp\/[^/]+\.[jt]s$/.test(url)) return 'engine (src/srtp)';
  if (/\/bench\/[^/]+\.[jt]s$/.test(url)) return 'benchmark loop';
  if (url.startsWith('node:internal/crypto') || url.includes('internal/crypto')) return 'node:crypto JS layer';
  if (url.startsWith('node:') || url === '') return 'node/V8 builtins';
  return 'other';
}

export function summarizeProfiles(profiles: readonly CpuProfile[], topN = 15): ProfileSummary {
  const byFn = new Map<string, { fn: string; location: string; category: string; hits: number }>();
  let total = 0;
  for (const p of profiles) {
    const hits = new Map<number, number>();
    if (p.samples !== undefined) for (const id of p.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
    for (const node of p.nodes) {
      const h = p.samples !== undefined ? hits.get(node.id) ?? 0 : node.hitCount ?? 0;
      if (h === 0) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const fn = functionName === '' ? '(anonymous)' : functionName;
      const location = url === '' ? '' : `${shortUrl(url)}:${lineNumber + 1}`;
      const key = `${fn}@${location}`;
      const e = byFn.get(key) ?? { fn, location, category: categoryOf(fn, url), hits: 0 };
      e.hits += h;
      byFn.set(key, e);
      total += h;
    }
  }
  const all = [...byFn.values()].sort((a, b) => b.hits - a.hits);
  const cats = new Map<string, number>();
  for (const e of all) cats.set(e.category, (cats.get(e.category) ?? 0) + e.hits);
  const pct = (h: number): number => (total > 0 ? (100 * h) / total : 0);
  return {
    samples: total,
    top: all.slice(0, topN).map((e) => ({ fn: e.fn, location: e.location, category: e.category, selfPct: pct(e.hits) })),
    categories: [...cats.entries()].sort((a, b) => b[1] - a[1]).map(([category, h]) => ({ category, pct: pct(h) })),
  };
}

export function summarizeProfileFile(file: string, topN = 15): ProfileSummary {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const profiles = (Array.isArray(parsed) ? parsed : [parsed]) as CpuProfile[];
  return summarizeProfiles(profiles, topN);
}
