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
  private made: Logger | null = null;

  /** `logger`: the logger, or a function making it on the first line logged (a child logger per leg costs memory). */
  constructor(
    private readonly logger: Logger | (() => Logger),
    private readonly burst = 5,
    private readonly intervalMs = 10_000,
  ) {}

  private get log(): Logger {
    if (this.made === null) this.made = typeof this.logger === 'function' ? this.logger() : this.logger;
    return this.made;
  }

  /** Log a dropped packet; fields must never include key material or packet bytes. */
  drop(reason: string, source: string, port: number, length: number): void {
    if (!this.admit()) return;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    this.log.warn({ reason, source, port, length, suppressed }, 'packet dropped');
  }

  /** Log a failed send toward the leg's remote (the socket's error code, never packet bytes). */
  sendFailed(code: string, target: string, port: number): void {
    if (!this.admit()) return;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    this.log.warn({ code, target, port, suppressed }, 'send failed');
  }

  /** One line more in this window? Counts the ones it refuses. */
  private admit(): boolean {
    if (!this.log.isLevelEnabled('warn')) return false;
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
