/**
 * Where our relay's time goes: V8 CPU profiles of the relay process (main thread and every
 * media worker thread, via node --cpu-prof) while the generator drives one step, summarised
 * as self time per category and per function. Idle samples are left out: the share is of the
 * time the threads were busy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CpuProfile } from '../cpu-profiler';
import type { FunctionShare } from './relay-results';

function shortUrl(url: string): string {
  const m = /(src\/.*|dist\/.*|node:.*|node_modules\/.*)$/.exec(url.replace(/^file:\/\//, ''));
  return m ? m[1] : url;
}

export function categoryOf(fn: string, url: string): string | null {
  if (fn === '(idle)' || fn === '(root)') return null;
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(program)') return 'native: V8/libuv/OpenSSL, not attributed to JS';
  if (/\/(src|dist)\/srtp\//.test(url)) return 'SRTP engine (src/srtp)';
  if (/\/(src|dist)\/relay\//.test(url)) return 'relay packet path (src/relay)';
  if (/\/(src|dist)\/rtp\//.test(url)) return 'RTP header views (src/rtp)';
  if (url.includes('dgram') || url.includes('internal/udp') || url.includes('node:net')) return 'node:dgram (send/receive JS layer)';
  if (url.includes('internal/crypto') || url === 'node:crypto') return 'node:crypto JS layer';
  if (url.startsWith('node:') || url === '') return 'node/V8 builtins (events, buffers, timers)';
  return 'other';
}

export interface ProfileSummary {
  readonly samples: number;
  readonly categories: { category: string; pct: number }[];
  readonly top: FunctionShare[];
  readonly files: string[];
}

export function summarizeRelayProfiles(dir: string, topN = 15): ProfileSummary {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
  const byFn = new Map<string, { fn: string; location: string; hits: number }>();
  const byCat = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const hits = new Map<number, number>();
    for (const id of p.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
    for (const node of p.nodes) {
      const h = hits.get(node.id) ?? node.hitCount ?? 0;
      if (h === 0) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const fn = functionName === '' ? '(anonymous)' : functionName;
      const cat = categoryOf(fn, url);
      if (cat === null) continue;
      const location = url === '' ? '' : `${shortUrl(url)}:${lineNumber + 1}`;
      const key = `${fn}@${location}`;
      const e = byFn.get(key) ?? { fn, location, hits: 0 };
      e.hits += h;
      byFn.set(key, e);
      byCat.set(cat, (byCat.get(cat) ?? 0) + h);
      total += h;
    }
  }
  const pct = (h: number): number => (total > 0 ? (100 * h) / total : 0);
  return {
    samples: total,
    categories: [...byCat.entries()].sort((a, b) => b[1] - a[1]).map(([category, h]) => ({ category, pct: pct(h) })),
    top: [...byFn.values()].sort((a, b) => b.hits - a.hits).slice(0, topN).map((e) => ({ fn: e.fn, location: e.location, pct: pct(e.hits) })),
    files,
  };
}
