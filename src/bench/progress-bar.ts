/**
 * A one-line progress bar on stderr. On a TTY it redraws in place; elsewhere (CI logs, pipes)
 * it prints a plain line at every 10% so logs stay short.
 */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean;
}

export class ProgressBar {
  private done = 0;
  private lastDecile = -1;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly stream: ProgressStream = process.stderr,
    private readonly enabled = true,
  ) {}

  tick(label: string): void {
    this.done = Math.min(this.done + 1, this.total);
    if (!this.enabled) return;
    const frac = this.total > 0 ? this.done / this.total : 1;
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = frac > 0 ? elapsed / frac - elapsed : 0;
    const pct = `${String(Math.floor(frac * 100)).padStart(3)}%`;
    const tail = `${this.done}/${this.total} eta ${formatSeconds(eta)} ${label}`;
    if (this.stream.isTTY === true) {
      const width = 24;
      const filled = Math.round(frac * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct} ${tail}`;
      const cols = this.stream.columns ?? 100;
      this.stream.write(`\r\x1b[K${line.slice(0, Math.max(cols - 1, 20))}`);
      if (this.done === this.total) this.stream.write('\n');
    } else {
      const decile = Math.floor(frac * 10);
      if (decile !== this.lastDecile || this.done === this.total) {
        this.lastDecile = decile;
        this.stream.write(`bench: ${pct} ${tail}\n`);
      }
    }
  }

  /** A message that should not be overwritten by the next redraw. */
  note(message: string): void {
    if (!this.enabled) return;
    this.stream.write(this.stream.isTTY === true ? `\r\x1b[K${message}\n` : `${message}\n`);
  }
}

function formatSeconds(s: number): string {
  const t = Math.max(0, Math.round(s));
  return t >= 60 ? `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s` : `${t}s`;
}
