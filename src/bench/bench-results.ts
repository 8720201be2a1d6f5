/** The shape of results.json for `bench srtp`, and the aggregation from raw runs to verdicts. */
import type { ProfileName } from '../srtp/protection-profile';
import type { BenchOp, BenchSample, ImplName } from './bench-types';
import type { MachineInfo } from './machine-info';
import type { ProfileSummary } from './profile-summary';
import { median, spread } from './stats';

/** The SRTP engine's performance targets (BENCHMARKS.md, "Targets"): per suite and size. */
export const TARGET_VS_OPENSSL = 1 / 3;
export const TARGET_VS_WERIFT = 5;

export interface CellResult {
  readonly impl: ImplName;
  readonly suite: ProfileName;
  readonly payload: number;
  readonly op: BenchOp;
  /** packets per second of every run, in run order */
  readonly runs: readonly number[];
  readonly medianPps: number;
  /** (max - min) / median over the runs */
  readonly spread: number;
  readonly library: string;
}

export interface Comparison {
  readonly suite: ProfileName;
  readonly payload: number;
  readonly op: BenchOp;
  /** median packets/s per implementation; null where not run or not supported */
  readonly pps: Readonly<Record<ImplName, number | null>>;
  /** pps / openssl pps per implementation */
  readonly vsOpenssl: Readonly<Record<ImplName, number | null>>;
  /** ours / werift */
  readonly oursVsWerift: number | null;
  /** null where the comparison cannot be made (missing implementation) */
  readonly meetsOpensslTarget: boolean | null;
  readonly meetsWeriftTarget: boolean | null;
}

export interface CaseProfile {
  readonly suite: ProfileName;
  readonly payload: number;
  readonly op: BenchOp;
  readonly file: string;
  readonly packets: number;
  readonly pps: number;
  readonly summary: ProfileSummary;
}

export interface SrtpBenchResults {
  readonly kind: 'srtp';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationSeconds: number;
  readonly options: {
    readonly runs: number;
    readonly counts: Readonly<Record<ImplName, number>>;
    readonly suites: readonly ProfileName[];
    readonly sizes: readonly number[];
    readonly ops: readonly BenchOp[];
    readonly impls: readonly ImplName[];
    readonly isolation: string;
  };
  readonly machine: MachineInfo;
  readonly selftests: Readonly<Record<string, string>>;
  readonly samples: readonly BenchSample[];
  readonly cells: readonly CellResult[];
  readonly comparisons: readonly Comparison[];
  readonly targets: {
    readonly vsOpenssl: number;
    readonly vsWerift: number;
    readonly allMet: boolean;
    readonly missed: readonly string[];
  };
  readonly profiles: readonly CaseProfile[];
}

export function caseLabel(c: { suite: string; payload: number; op: string }): string {
  return `${c.suite} ${c.payload} B ${c.op}`;
}

export function aggregateCells(samples: readonly BenchSample[]): CellResult[] {
  const groups = new Map<string, BenchSample[]>();
  for (const s of samples) {
    const key = `${s.impl}|${s.suite}|${s.payload}|${s.op}`;
    const g = groups.get(key) ?? [];
    g.push(s);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const runs = g.map((s) => s.pps);
    return {
      impl: g[0].impl, suite: g[0].suite, payload: g[0].payload, op: g[0].op,
      runs, medianPps: median(runs), spread: spread(runs), library: g[0].library ?? '',
    };
  });
}

export function compare(cells: readonly CellResult[], suites: readonly ProfileName[], sizes: readonly number[], ops: readonly BenchOp[], impls: readonly ImplName[]): Comparison[] {
  const out: Comparison[] = [];
  for (const suite of suites) {
    for (const payload of sizes) {
      for (const op of ops) {
        const pps = {} as Record<ImplName, number | null>;
        for (const impl of impls) {
          pps[impl] = cells.find((c) => c.impl === impl && c.suite === suite && c.payload === payload && c.op === op)?.medianPps ?? null;
        }
        for (const impl of ['ours', 'openssl', 'libsrtp', 'werift', 'naive'] as const) pps[impl] ??= null;
        const base = pps.openssl;
        const vsOpenssl = {} as Record<ImplName, number | null>;
        for (const impl of Object.keys(pps) as ImplName[]) {
          const v = pps[impl];
          vsOpenssl[impl] = v !== null && base !== null && base > 0 ? v / base : null;
        }
        const oursVsWerift = pps.ours !== null && pps.werift !== null && pps.werift > 0 ? pps.ours / pps.werift : null;
        out.push({
          suite, payload, op, pps, vsOpenssl, oursVsWerift,
          meetsOpensslTarget: vsOpenssl.ours === null ? null : vsOpenssl.ours >= TARGET_VS_OPENSSL,
          meetsWeriftTarget: oursVsWerift === null ? null : oursVsWerift >= TARGET_VS_WERIFT,
        });
      }
    }
  }
  return out;
}

export function missedTargets(comparisons: readonly Comparison[]): string[] {
  const missed: string[] = [];
  for (const c of comparisons) {
    if (c.meetsOpensslTarget === false) missed.push(`${caseLabel(c)}: ${fmtRatio(c.vsOpenssl.ours)} of OpenSSL (target ≥ 0.33)`);
    if (c.meetsWeriftTarget === false) missed.push(`${caseLabel(c)}: ${fmtRatio(c.oursVsWerift)}x werift (target ≥ 5x)`);
  }
  return missed;
}

export function fmtRatio(r: number | null): string {
  if (r === null) return 'n/a';
  return r >= 10 ? r.toFixed(1) : r.toFixed(2);
}
