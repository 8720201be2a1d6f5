/**
 * The "Relay soak" section of BENCHMARKS.md (between its own markers, so the other sections'
 * runs leave it alone): RSS over a long run at a fixed share of the zero-loss rate, per relay
 * and mode, with the RSS slope after the warm-up (issue 13 goal 3: flat over 10 minutes).
 */
import { replaceMarkedSection } from '../benchmarks-md';
import { machineMarkdown, type MachineInfo } from '../machine-info';
import type { SoakResult } from './soak';

export const SOAK_START = '<!-- bench:soak:start -->';
export const SOAK_END = '<!-- bench:soak:end -->';

export interface SoakBenchResults {
  readonly kind: 'relay-soak';
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly loadAverage: readonly number[];
  readonly generator: string;
  readonly options: { readonly minutes: number; readonly rateFraction: number; readonly threads: number; readonly sampleS: number; readonly warmupS: number; readonly windowS: number };
  readonly results: readonly SoakResult[];
  readonly errors: readonly string[];
}

const f1 = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(1));

function row(s: SoakResult): string {
  const min = (s.durationS / 60).toFixed(1);
  const rss = `${s.rssIdleKiB ?? '?'} / ${s.rssStartKiB ?? '?'} / ${s.rssEndKiB ?? '?'}`;
  const loss = `${s.lost} of ${s.sent} (${s.lossPct.toFixed(4)} %)${s.verifyFailures > 0 ? `, ${s.verifyFailures} failed verification` : ''}`;
  const sat = s.windowsGeneratorSaturated > 0 ? `, generator behind in ${s.windowsGeneratorSaturated} of ${s.windows.length} windows` : '';
  return `| ${s.mode} | ${s.relay} | ${s.calls} (${s.callsFrom}) | ${min} | ${Math.round(s.offeredPps)} | ${f1(s.relayCpu === null ? null : s.relayCpu)} | ${rss} | **${f1(s.slopeKiBPerMin)}** | ${s.rangeAfterWarmupKiB ?? 'n/a'} | ${loss}${sat} |`;
}

export function soakSection(r: SoakBenchResults, runDir: string): string {
  const noisy = r.loadAverage[0] > r.machine.cores * 0.5 ? ` Load average ${r.loadAverage[0].toFixed(2)} on ${r.machine.cores} cores: **preliminary, noisy numbers**.` : '';
  return [
    SOAK_START,
    '### Relay soak: RSS over a long run (`npm run bench:relay -- --soak <minutes>`)',
    '',
    `Latest run: ${r.startedAt}, ${r.options.minutes} min per relay and mode at ${Math.round(r.options.rateFraction * 100)} % of the zero-loss call count, ${r.options.threads} media threads, generator windows of ${r.options.windowS} s, RSS (VmRSS, all threads) sampled every ${r.options.sampleS} s; the slope is a least-squares fit over the samples after the first ${r.options.warmupS} s. Load generator: ${r.generator}. JSON with every sample: \`${runDir}/\` (not committed).${noisy}`,
    '',
    machineMarkdown(r.machine),
    '',
    '| mode | relay | calls | minutes | offered pkt/s | relay CPU (cores) | RSS KiB idle / after warm-up / end | RSS slope KiB/min | RSS range after warm-up KiB | lost |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...r.results.map(row),
    ...(r.errors.length > 0 ? ['', ...r.errors.map((e) => `Error: ${e}`)] : []),
    SOAK_END,
  ].join('\n');
}

export function updateSoakSection(file: string, r: SoakBenchResults, runDir: string): void {
  replaceMarkedSection(file, SOAK_START, SOAK_END, soakSection(r, runDir));
}
