/**
 * Runs scenarios step by step against a relay: operation → observe (call, security, media
 * window) → check. In-process, each scenario gets its own relay (so its `cluster` settings
 * apply); remote, all share the given relay. A refused operation that the step did not expect
 * fails the step and skips the rest of the scenario (the call's state is no longer the one the
 * scenario describes). The call is deleted at the end whatever happened.
 */
import { performance } from 'node:perf_hooks';
import { initKeys } from '../keys';
import { checkExpectation } from './expectation-check';
import { observe, type Observation } from './observation';
import { RelayApiError } from './relay-client';
import { connectRemoteRelay, startInProcessRelay, type RelayTarget } from './relay-target';
import { summarize, type RunReport, type ScenarioReport, type StepReport } from './run-report';
import { ScenarioSession } from './scenario-session';
import type { MediaSettings, Scenario, Step } from './scenario-types';
import { executeStep } from './step-executor';

export type RelayChoice =
  | { readonly kind: 'in-process'; readonly workers: number; readonly portRange: readonly [number, number] }
  | { readonly kind: 'remote'; readonly url: string; readonly token: string };

export interface RunOptions {
  readonly relay: RelayChoice;
  /** Address the simulated devices bind and give the relay (default 127.0.0.1). */
  readonly bindAddress?: string;
  /** Overrides every scenario's `media` settings (e.g. slower pacing on a loaded machine). */
  readonly media?: Partial<MediaSettings>;
  /** Told as each scenario finishes (progress output). */
  readonly onScenario?: (report: ScenarioReport) => void;
}

export async function runScenarios(scenarios: readonly Scenario[], options: RunOptions): Promise<RunReport> {
  const started = performance.now();
  await initKeys();
  const reports: ScenarioReport[] = [];
  const shared = options.relay.kind === 'remote' ? await connectRemoteRelay(options.relay.url, options.relay.token) : null;
  try {
    for (const scenario of scenarios) {
      const withMedia = options.media === undefined ? scenario : { ...scenario, media: { ...scenario.media, ...options.media } };
      const report = shared !== null
        ? await runScenario(withMedia, shared, options)
        : await withInProcessRelay(withMedia, options);
      reports.push(report);
      options.onScenario?.(report);
    }
  } finally {
    await shared?.close();
  }
  const relay = options.relay.kind === 'remote' ? options.relay.url : 'in-process';
  return summarize(relay, reports, Math.round(performance.now() - started));
}

async function withInProcessRelay(scenario: Scenario, options: RunOptions): Promise<ScenarioReport> {
  const choice = options.relay as Extract<RelayChoice, { kind: 'in-process' }>;
  const target = await startInProcessRelay({ workers: choice.workers, portRange: choice.portRange, cluster: scenario.cluster });
  try {
    return await runScenario(scenario, target, options);
  } finally {
    await target.close();
  }
}

export async function runScenario(scenario: Scenario, target: RelayTarget, options: Pick<RunOptions, 'bindAddress'> = {}): Promise<ScenarioReport> {
  const started = performance.now();
  const warnings: string[] = [];
  if (!target.inProcess && scenario.cluster !== null) {
    warnings.push('cluster settings apply only to an in-process relay; the remote relay uses its own configuration');
  }
  const steps: StepReport[] = [];
  let error: string | null = null;
  let session: ScenarioSession | null = null;
  try {
    session = await ScenarioSession.open(scenario, target.client, options.bindAddress ?? '127.0.0.1');
    let abort: string | null = null;
    for (const step of scenario.steps) {
      if (abort !== null) {
        steps.push(skippedStep(step, abort));
        continue;
      }
      const report = await runStep(session, step);
      steps.push(report);
      if (report.error !== null && step.expect.error === undefined) abort = `step ${step.index} failed: ${report.error.code}`;
    }
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  } finally {
    if (session !== null) {
      await target.client.request('DELETE', session.base).catch(() => undefined);
      session.close();
    }
  }
  const ok = error === null && steps.length === scenario.steps.length && steps.every((s) => s.ok);
  return Object.freeze({
    file: scenario.file, name: scenario.name, source: scenario.source, policy: scenario.policy, ok,
    durationMs: Math.round(performance.now() - started), steps: Object.freeze(steps), warnings: Object.freeze(warnings), error,
  });
}

async function runStep(session: ScenarioSession, step: Step): Promise<StepReport> {
  const started = performance.now();
  let refused: RelayApiError | null = null;
  try {
    await executeStep(session, step);
  } catch (err) {
    if (!(err instanceof RelayApiError) || err.status === 0) throw err;
    refused = err;
  }
  const obs = await observe(session, step, refused);
  const checks = checkExpectation(step.expect, obs, session.scenario.media);
  return Object.freeze({
    index: step.index,
    name: step.name,
    action: step.action,
    ok: checks.every((c) => c.ok),
    skipped: null,
    durationMs: Math.round(performance.now() - started),
    checks: Object.freeze(checks),
    ...observed(obs),
    media: obs.window,
    error: refused === null ? null : { code: refused.code, message: refused.message },
  });
}

function observed(obs: Observation): Pick<StepReport, 'status' | 'devices' | 'legs' | 'reasons'> {
  return {
    status: obs.ended ? 'ended' : obs.security?.status ?? null,
    devices: (obs.security?.devices ?? []).map((d) => ({ leg: d.leg, icon: d.icon, tone: d.tone })),
    legs: (obs.call?.legs ?? []).flatMap((l) => l.streams.map((s) => ({ leg: l.id, stream: s.kind, transport: s.transport, suite: s.suite, mode: s.mode }))),
    reasons: (obs.security?.reasons ?? []).map((r) => r.code + (r.legId !== undefined ? `@${r.legId}` : r.resourceId !== undefined ? `@${r.resourceId}` : '')),
  };
}

function skippedStep(step: Step, why: string): StepReport {
  return Object.freeze({
    index: step.index, name: step.name, action: step.action, ok: false, skipped: why, durationMs: 0, checks: [],
    status: null, devices: [], legs: [], reasons: [], media: null, error: null,
  });
}
