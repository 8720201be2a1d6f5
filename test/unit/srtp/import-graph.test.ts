/**
 * The engine's modules import each other without cycles (type-only imports included, as
 * `npx madge --circular --extensions ts src` counts them). A cycle is how the three counter-block
 * builders once tangled keystream-ahead, transform-common and stream-state.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SRTP = resolve(__dirname, '../../../src/srtp');

function importsOf(file: string): string[] {
  const src = readFileSync(join(SRTP, file), 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^\s*(?:import|export)\b[^'";]*?from\s+'\.\/([\w-]+)'/gm)) out.push(`${m[1]}.ts`);
  return out;
}

function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null;
    if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'open');
    path.push(n);
    for (const m of graph.get(n) ?? []) {
      const c = visit(m);
      if (c !== null) return c;
    }
    path.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of graph.keys()) {
    const c = visit(n);
    if (c !== null) return c;
  }
  return null;
}

describe('src/srtp import graph', () => {
  const files = readdirSync(SRTP).filter((f) => f.endsWith('.ts'));
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  it('every relative import names a file of the folder (the parser sees them)', () => {
    for (const [file, deps] of graph) for (const d of deps) expect(`${file} -> ${d}: ${files.includes(d)}`).toBe(`${file} -> ${d}: true`);
    expect(graph.get('srtp-transform.ts')).toEqual(expect.arrayContaining(['stream-state.ts', 'transform-common.ts']));
  });

  it('has no cycle', () => {
    expect(findCycle(graph)).toBeNull();
  });

  it('would see one (the detector works)', () => {
    expect(findCycle(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']]]))).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
  });
});
