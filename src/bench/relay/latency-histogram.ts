/**
 * Latency histogram with fixed 10 µs bins up to 200 ms (one overflow bin): recording is an
 * array increment, so the load generator can record every packet without allocating.
 */
const BIN_US = 10;
const BINS = 20_000;

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

export class LatencyHistogram {
  private readonly bins = new Uint32Array(BINS + 1);
  private count = 0;
  private maxMs = 0;

  record(ms: number): void {
    const bin = Math.floor((ms * 1000) / BIN_US);
    this.bins[bin < 0 ? 0 : bin > BINS ? BINS : bin] += 1;
    this.count += 1;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  reset(): void {
    this.bins.fill(0);
    this.count = 0;
    this.maxMs = 0;
  }

  /** Upper edge of the bin holding quantile q (0..1), in ms. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const target = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i <= BINS; i++) {
      seen += this.bins[i];
      if (seen >= target) return i === BINS ? this.maxMs : ((i + 1) * BIN_US) / 1000;
    }
    return this.maxMs;
  }

  summary(): LatencySummary {
    return { count: this.count, p50Ms: this.quantile(0.5), p99Ms: this.quantile(0.99), maxMs: this.count === 0 ? null : this.maxMs };
  }
}
