/**
 * The runner's result, for the timeline and for `--json`. Holds no key material: only
 * statuses, icons, tones, transports, suites and counters.
 */
import type { Check } from './expectation-check';
import type { WindowResult } from './media-window';

export interface StepReport {
  readonly index: number;
  readonly name: string;
  readonly action: string;
  readonly ok: boolean;
  /** Why the step did not run (an earlier operation failed), or null. */
  readonly skipped: string | null;
  readonly durationMs: number;
  readonly checks: readonly Check[];
  /** What the relay reported after the step (null when the call is gone or the step was skipped). */
  readonly status: string | null;
  readonly devices: readonly { readonly leg: string; readonly icon: string; readonly tone: string }[];
  readonly legs: readonly { readonly leg: string; readonly stream: string; readonly transport: string | null; readonly suite: string | null; readonly mode: string | null }[];
  readonly reasons: readonly string[];
  readonly media: WindowResult | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

export interface ScenarioReport {
  readonly file: string;
  readonly name: string;
  readonly source: string;
  readonly policy: string;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly steps: readonly StepReport[];
  /** Things the reader should know (e.g. cluster settings not applied to a remote relay). */
  readonly warnings: readonly string[];
  /** A failure outside the steps' checks (a simulated device could not be set up...). */
  readonly error: string | null;
}

export interface RunReport {
  readonly ok: boolean;
  readonly relay: string;
  readonly durationMs: number;
  readonly scenarios: readonly ScenarioReport[];
  readonly summary: {
    readonly scenarios: number;
    readonly passed: number;
    readonly failed: number;
    readonly steps: number;
    readonly failedSteps: number;
  };
}

export function summarize(relay: string, scenarios: readonly ScenarioReport[], durationMs: number): RunReport {
  const steps = scenarios.flatMap((s) => s.steps);
  const passed = scenarios.filter((s) => s.ok).length;
  return {
    ok: passed === scenarios.length,
    relay,
    durationMs,
    scenarios,
    summary: { scenarios: scenarios.length, passed, failed: scenarios.length - passed, steps: steps.length, failedSteps: steps.filter((s) => !s.ok).length },
  };
}
