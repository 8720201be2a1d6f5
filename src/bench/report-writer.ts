/**
 * Writes a `bench srtp` run out: report.md, results.json and SVG charts in the run directory,
 * and the SRTP section of BENCHMARKS.md (between markers, so other sections survive).
 */
import { replaceMarkedSection } from './benchmarks-md';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseLabel, fmtRatio, TARGET_VS_OPENSSL, TARGET_VS_WERIFT } from './bench-results';
import type { Comparison, SrtpBenchResults } from './bench-results';
import type { BenchOp, ImplName } from './bench-types';
import { machineMarkdown } from './machine-info';
import { formatCount, renderBarChart, SERIES_COLORS } from './svg-chart';

export const BENCHMARKS_START = '<!-- bench:srtp:start -->';
export const BENCHMARKS_END = '<!-- bench:srtp:end -->';

const IMPL_TITLES: Record<ImplName, string> = {
  ours: 'srtp-relay',
  openssl: 'OpenSSL (C)',
  libsrtp: 'libsrtp2 (C)',
  werift: 'werift',
  naive: 'naive node:crypto',
};

function pps(v: number | null): string {
  return v === null ? 'n/a' : formatCount(v);
}

function verdict(ok: boolean | null): string {
  return ok === null ? 'n/a' : ok ? 'met' : '**MISSED**';
}

export function chartFile(op: BenchOp, payload: number): string {
  return `${op}-${payload}.svg`;
}

/** The headline table: ours against the two targets. */
export function targetTable(r: SrtpBenchResults): string {
  const rows = r.comparisons.map((c) =>
    `| ${c.suite} | ${c.payload} | ${c.op} | ${pps(c.pps.ours)} | ${pps(c.pps.openssl)} | ${fmtRatio(c.vsOpenssl.ours)} | ${verdict(c.meetsOpensslTarget)} | ${pps(c.pps.werift)} | ${fmtRatio(c.oursVsWerift)} | ${verdict(c.meetsWeriftTarget)} |`);
  return [
    `| suite | payload B | op | srtp-relay pkt/s | OpenSSL pkt/s | ours/OpenSSL | ≥ ${fmtRatio(TARGET_VS_OPENSSL)} | werift pkt/s | ours/werift | ≥ ${TARGET_VS_WERIFT}x |`,
    '|---|---:|---|---:|---:|---:|---|---:|---:|---|',
    ...rows,
  ].join('\n');
}

/** Every implementation's median, with its ratio to native OpenSSL. */
export function medianTable(r: SrtpBenchResults): string {
  const impls = r.options.impls;
  const head = `| suite | payload B | op | ${impls.map((i) => `${IMPL_TITLES[i]} pkt/s (×OpenSSL)`).join(' | ')} |`;
  const sep = `|---|---:|---|${impls.map(() => '---:').join('|')}|`;
  const rows = r.comparisons.map((c: Comparison) =>
    `| ${c.suite} | ${c.payload} | ${c.op} | ${impls.map((i) => c.pps[i] === null ? 'n/a' : `${formatCount(c.pps[i] as number)} (${fmtRatio(c.vsOpenssl[i])})`).join(' | ')} |`);
  return [head, sep, ...rows].join('\n');
}

function noisyCells(r: SrtpBenchResults): string[] {
  return r.cells.filter((c) => c.spread > 0.25).map((c) => `${c.impl} ${caseLabel(c)}: runs spread ${(c.spread * 100).toFixed(0)}%`);
}

function profileSection(r: SrtpBenchResults): string {
  if (r.profiles.length === 0) {
    return r.targets.allMet ? 'All targets met; no profile was needed.\n' : 'Targets were missed but profiling was disabled for this run.\n';
  }
  const out: string[] = [];
  // Category shares averaged over all profiled cases, then per case the top functions.
  const cat = new Map<string, number>();
  for (const p of r.profiles) for (const c of p.summary.categories) cat.set(c.category, (cat.get(c.category) ?? 0) + c.pct / r.profiles.length);
  out.push('Self time of the timed loop only (in-process inspector, 100 µs sampling), averaged over the profiled cases:\n');
  out.push('| where | share of self time |', '|---|---:|');
  for (const [k, v] of [...cat.entries()].sort((a, b) => b[1] - a[1])) out.push(`| ${k} | ${v.toFixed(1)}% |`);
  out.push('');
  const agg = new Map<string, { fn: string; location: string; pct: number }>();
  for (const p of r.profiles) {
    for (const f of p.summary.top) {
      const key = `${f.fn}@${f.location}`;
      const e = agg.get(key) ?? { fn: f.fn, location: f.location, pct: 0 };
      e.pct += f.selfPct / r.profiles.length;
      agg.set(key, e);
    }
  }
  out.push('Functions with the most self time, averaged over the profiled cases:\n');
  out.push('| function | location | self time |', '|---|---|---:|');
  for (const e of [...agg.values()].sort((a, b) => b.pct - a.pct).slice(0, 15)) out.push(`| \`${e.fn}\` | ${e.location || '(native)'} | ${e.pct.toFixed(1)}% |`);
  out.push('');
  for (const p of r.profiles) {
    out.push(`<details><summary>${caseLabel(p)}: ${formatCount(p.pps)} pkt/s while profiled, ${p.summary.samples} samples (${p.file})</summary>\n`);
    out.push('| function | location | category | self |', '|---|---|---|---:|');
    for (const f of p.summary.top.slice(0, 10)) out.push(`| \`${f.fn}\` | ${f.location || '(native)'} | ${f.category} | ${f.selfPct.toFixed(1)}% |`);
    out.push('\n</details>\n');
  }
  return `${out.join('\n')}\n`;
}

export function renderReport(r: SrtpBenchResults, analysis?: string): string {
  const o = r.options;
  const lines: string[] = [];
  lines.push(`# SRTP engine benchmark — ${r.startedAt}`, '');
  lines.push(`Duration ${Math.round(r.durationSeconds)} s. ${o.runs} runs per cell, median reported; ${o.isolation}.`, '');
  lines.push('## Machine', '', machineMarkdown(r.machine), '');
  lines.push('## Workload', '');
  lines.push(`RTP packets with a 12-byte header and ${o.sizes.join(' or ')}-byte payloads, one SSRC, one core. Protect: one plaintext packet whose sequence number advances each packet, into a preallocated output. Unprotect: a sender protects a ring of 1024 packets (untimed), the receiver unprotects them (timed), so every index is fresh and replay checks pass as in steady state. Every run is a fresh process; a warm-up of min(count/10, 20000) packets precedes the timed loop. Packets timed per run: ${Object.entries(o.counts).filter(([i]) => o.impls.includes(i as ImplName)).map(([i, n]) => `${i} ${n}`).join(', ')}.`, '');
  lines.push('- **srtp-relay**: `SrtpContext.protectRtp(pkt, out)` / `unprotectRtp(pkt, out, len)`.');
  lines.push('- **OpenSSL (C)**: `native-bench/openssl_srtp.c`, SRTP on OpenSSL EVP with key schedules and HMAC key state set up once; same per-packet work (index estimate, IV, encrypt, HMAC over header+payload+ROC or GCM with header AAD, replay window, tag check before decrypt).');
  lines.push('- **libsrtp2 (C)**: `native-bench/libsrtp_bench.c` driving Debian\'s libsrtp2 (`srtp_protect`/`srtp_unprotect`, in place; protect includes copying the plaintext into the send buffer).');
  lines.push('- **werift**: werift-rtp `SrtpSession` (only AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM; other suites n/a). Protect reuses one parsed header object; werift has no replay window.');
  lines.push('- **naive node:crypto**: `src/bench/naive-srtp.ts`, a cipher and an HMAC object created per packet, output via `Buffer.concat`.', '');
  lines.push('## Targets', '');
  lines.push(`srtp-relay must reach at least ${fmtRatio(TARGET_VS_OPENSSL)} of native OpenSSL's packets per second and at least ${TARGET_VS_WERIFT}x werift's, for every suite at both sizes.`, '');
  lines.push(r.targets.allMet ? '**All targets met.**' : `**${r.targets.missed.length} target(s) missed:**`, '');
  for (const m of r.targets.missed) lines.push(`- ${m}`);
  lines.push('', targetTable(r), '');
  lines.push('## All implementations (median packets/s, ratio to native OpenSSL)', '', medianTable(r), '');
  lines.push('## Charts', '');
  for (const op of o.ops) for (const size of o.sizes) lines.push(`![${op} ${size} B](${chartFile(op, size)})`);
  lines.push('');
  lines.push('## Where the time goes (srtp-relay)', '', profileSection(r));
  if (analysis !== undefined && analysis.trim() !== '') lines.push('## Analysis', '', analysis.trim(), '');
  lines.push('## Self-tests of the native programs', '');
  for (const [k, v] of Object.entries(r.selftests)) lines.push(`- ${k}: ${v}`);
  lines.push('');
  const noisy = noisyCells(r);
  if (noisy.length > 0) {
    lines.push('## Noisy cells (runs spread > 25%)', '');
    for (const n of noisy) lines.push(`- ${n}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

export function writeCharts(r: SrtpBenchResults, dir: string): string[] {
  const files: string[] = [];
  const impls = r.options.impls;
  for (const op of r.options.ops) {
    for (const size of r.options.sizes) {
      const rows = r.comparisons.filter((c) => c.op === op && c.payload === size);
      const svg = renderBarChart({
        title: `SRTP ${op}, ${size}-byte payload, one core (median packets/s)`,
        yLabel: 'packets per second',
        groups: rows.map((c) => c.suite),
        series: impls.map((i) => ({ name: IMPL_TITLES[i], color: SERIES_COLORS[i] ?? '#000' })),
        values: rows.map((c) => impls.map((i) => c.pps[i])),
      });
      const file = join(dir, chartFile(op, size));
      writeFileSync(file, svg);
      files.push(file);
    }
  }
  return files;
}

/** The SRTP section of BENCHMARKS.md. runDir is shown relative to the repository. */
export function renderBenchmarksSection(r: SrtpBenchResults, runDir: string): string {
  return [
    BENCHMARKS_START,
    '## SRTP engine (`npm run bench:srtp`)',
    '',
    `Latest run: ${r.startedAt}, ${r.options.runs} runs per cell (median), ${r.options.isolation}. Full report, JSON and charts: \`${runDir}/\` (not committed; rerun to regenerate).`,
    '',
    machineMarkdown(r.machine),
    '',
    `### Targets: ≥ ${fmtRatio(TARGET_VS_OPENSSL)} of native OpenSSL, ≥ ${TARGET_VS_WERIFT}x werift`,
    '',
    r.targets.allMet ? 'All targets met.' : `${r.targets.missed.length} target(s) missed; see the report's "Where the time goes".`,
    '',
    targetTable(r),
    '',
    '### All implementations (median packets/s, ratio to native OpenSSL)',
    '',
    medianTable(r),
    '',
    BENCHMARKS_END,
  ].join('\n');
}

export function updateBenchmarksMd(file: string, section: string): void {
  replaceMarkedSection(file, BENCHMARKS_START, BENCHMARKS_END, section);
}
