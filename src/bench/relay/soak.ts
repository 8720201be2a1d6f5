/**
 * Soak: one relay in one pair mode at a fixed number of calls for minutes (issue 13 goal 3: RSS
 * flat over a 10-minute run at 80 % of the zero-loss rate). The generator sends in consecutive
 * windows (a short gap between them for the drain), RSS of the relay process is sampled every
 * few seconds the whole time, and the result is the RSS slope after a warm-up: a relay that
 * leaks per packet or per second grows linearly, one that only fills its heap up to a steady
 * size levels off once warm.
 */
import type { ModeSpec } from './bench-modes';
import type { GeneratorHandle } from './generator-client';
import { rssKiB } from './proc-stats';
import type { RelayName, RelayUnderTest } from './relay-under-test';

export interface SoakOptions {
  /** Calls held for the whole run. */
  readonly calls: number;
  readonly durationMs: number;
  /** Length of one generator window; loss and CPU are reported per window. */
  readonly windowMs: number;
  readonly drainMs: number;
  /** RSS sampling interval. */
  readonly sampleMs: number;
  /** Leading part of the run left out of the slope (heap growing to its working size). */
  readonly warmupMs: number;
}

export interface SoakSample {
  /** Seconds since the first window started. */
  readonly t: number;
  readonly rssKiB: number;
}

export interface SoakWindow {
  /** Seconds since the first window started, at the window's end. */
  readonly t: number;
  readonly sent: number;
  readonly lost: number;
  readonly verifyFailures: number;
  readonly relayCpu: number | null;
  readonly generatorSaturated: boolean;
}

export interface SoakResult {
  readonly relay: RelayName;
  readonly mode: string;
  readonly description: string;
  readonly calls: number;
  /** How the call count was chosen, e.g. "80 % of 800 (zero-loss calls of a ramp just before)". */
  readonly callsFrom: string;
  readonly durationS: number;
  readonly warmupS: number;
  readonly offeredPps: number;
  readonly sent: number;
  readonly lost: number;
  readonly lossPct: number;
  readonly verifyFailures: number;
  readonly windowsGeneratorSaturated: number;
  readonly relayCpu: number | null;
  readonly rssIdleKiB: number | null;
  readonly rssStartKiB: number | null;
  readonly rssEndKiB: number | null;
  /** Least-squares slope of RSS over the samples after the warm-up, KiB per minute. */
  readonly slopeKiBPerMin: number | null;
  /** Highest minus lowest RSS after the warm-up. */
  readonly rangeAfterWarmupKiB: number | null;
  readonly samples: readonly SoakSample[];
  readonly windows: readonly SoakWindow[];
}

/** Least-squares slope of y over x (per unit of x); null with fewer than two distinct x. */
export function slope(points: readonly { x: number; y: number }[]): number | null {
  const n = points.length;
  if (n < 2) return null;
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += p.x;
    sy += p.y;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) * (p.x - mx);
  }
  return den === 0 ? null : num / den;
}

/** Slope (KiB/min) and range of the samples taken at or after `warmupS`. */
export function rssTrend(samples: readonly SoakSample[], warmupS: number): { slopeKiBPerMin: number | null; rangeKiB: number | null; start: number | null; end: number | null } {
  const after = samples.filter((s) => s.t >= warmupS);
  if (after.length === 0) return { slopeKiBPerMin: null, rangeKiB: null, start: null, end: null };
  const perS = slope(after.map((s) => ({ x: s.t, y: s.rssKiB })));
  const values = after.map((s) => s.rssKiB);
  return {
    slopeKiBPerMin: perS === null ? null : perS * 60,
    rangeKiB: Math.max(...values) - Math.min(...values),
    start: values[0] ?? null,
    end: values[values.length - 1] ?? null,
  };
}

export async function soakMode(
  relay: RelayUnderTest,
  gen: GeneratorHandle,
  spec: ModeSpec,
  o: SoakOptions & { readonly callsFrom: string },
  onLine: (line: string) => void,
): Promise<SoakResult> {
  const rssIdleKiB = rssKiB(relay.pid);
  const opened = await gen.open(o.calls);
  await gen.configure(0, await relay.addCalls(0, opened, spec));
  const samples: SoakSample[] = [];
  const windows: SoakWindow[] = [];
  const t0 = performance.now();
  const sample = (): void => {
    const v = rssKiB(relay.pid);
    if (v !== null) samples.push({ t: (performance.now() - t0) / 1000, rssKiB: v });
  };
  sample();
  const timer = setInterval(sample, o.sampleMs);
  let sent = 0;
  let lost = 0;
  let verifyFailures = 0;
  let cpuSum = 0;
  let cpuWindows = 0;
  let windowMsSum = 0;
  let lastReport = 0;
  try {
    while (performance.now() - t0 < o.durationMs) {
      const measureMs = Math.round(Math.max(1000, Math.min(o.windowMs, o.durationMs - (performance.now() - t0))));
      const m = await gen.run({ warmupMs: windows.length === 0 ? 500 : 0, measureMs, drainMs: o.drainMs }, relay.pid);
      const s = m.stats;
      sent += s.sent;
      lost += s.lost;
      verifyFailures += s.verifyFailures;
      windowMsSum += Math.max(s.windowMs, s.measuredMs);
      if (m.relayCpu !== null) {
        cpuSum += m.relayCpu;
        cpuWindows++;
      }
      // as ramp.ts: the window stretched, or the generator's own sockets overflowed
      const stretched = s.windowMs > s.measuredMs * 1.1 || (s.rcvDrops ?? 0) > 0;
      windows.push({ t: (performance.now() - t0) / 1000, sent: s.sent, lost: s.lost, verifyFailures: s.verifyFailures, relayCpu: m.relayCpu, generatorSaturated: stretched });
      const now = performance.now() - t0;
      if (now - lastReport >= 60_000 || now >= o.durationMs) {
        lastReport = now;
        const rss = samples[samples.length - 1]?.rssKiB;
        onLine(`${relay.name} ${spec.mode} soak ${Math.round(now / 1000)} s: RSS ${rss ?? '?'} KiB, ${lost} of ${sent} lost`);
      }
      if (s.verifyFailures > 0) break;
    }
  } finally {
    clearInterval(timer);
  }
  sample();
  await gen.reset();
  const durationS = (performance.now() - t0) / 1000;
  const warmupS = Math.min(o.warmupMs / 1000, durationS / 2);
  const trend = rssTrend(samples, warmupS);
  return {
    relay: relay.name,
    mode: spec.mode,
    description: relay.description,
    calls: o.calls,
    callsFrom: o.callsFrom,
    durationS,
    warmupS,
    offeredPps: windowMsSum > 0 ? sent / (windowMsSum / 1000) : 0,
    sent,
    lost,
    lossPct: sent > 0 ? (100 * lost) / sent : 100,
    verifyFailures,
    windowsGeneratorSaturated: windows.filter((w) => w.generatorSaturated).length,
    relayCpu: cpuWindows > 0 ? cpuSum / cpuWindows : null,
    rssIdleKiB,
    rssStartKiB: trend.start,
    rssEndKiB: trend.end,
    slopeKiBPerMin: trend.slopeKiBPerMin,
    rangeAfterWarmupKiB: trend.rangeKiB,
    samples,
    windows,
  };
}
