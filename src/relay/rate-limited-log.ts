/**
 * Bad-packet logging at a bounded rate (the data plane counts and drops): a flood of forged packets must not
 * become a flood of log lines. Allows `burst` lines per `intervalMs`, then counts what it
 * suppressed and reports the count with the next line it lets through.
 */
import type { Logger } from 'pino';

export class RateLimitedLog {
  private windowStart = 0;
  private inWindow = 0;
  private suppressed = 0;
  /** The child logger with `bindings`, made for the first line let through (most legs never log one). */
  private child: Logger | null = null;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Record<string, unknown> = {},
    private readonly burst = 5,
    private readonly intervalMs = 10_000,
  ) {}

  private get logger(): Logger {
    if (this.child === null) this.child = this.parent.child(this.bindings);
    return this.child;
  }

  /** Log a dropped packet; fields must never include key material or packet bytes. */
  drop(reason: string, source: string, port: number, length: number): void {
    if (!this.admit()) return;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    this.logger.warn({ reason, source, port, length, suppressed }, 'packet dropped');
  }

  /** Log a failed send toward the leg's remote (the socket's error code, never packet bytes). */
  sendFailed(code: string, target: string, port: number): void {
    if (!this.admit()) return;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    this.logger.warn({ code, target, port, suppressed }, 'send failed');
  }

  /** One line more in this window? Counts the ones it refuses. */
  private admit(): boolean {
    if (!this.parent.isLevelEnabled('warn')) return false;
    const now = Date.now();
    if (now - this.windowStart >= this.intervalMs) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    if (this.inWindow >= this.burst) {
      this.suppressed += 1;
      return false;
    }
    this.inWindow += 1;
    return true;
  }
}
