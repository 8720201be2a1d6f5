/** Scenario runner (`src/scenario`): fallback behaviour scenarios against a live relay. See docs/scenarios.md. */
export { ScenarioError, SCENARIO_ERRORS, type ScenarioErrorCode } from './scenario-error';
export * from './scenario-types';
export { loadScenarioFile, parseScenarioText, expandScenarioPaths } from './scenario-loader';
export { validateScenario } from './scenario-validate';
export { UNSUPPORTED_STEPS } from './unsupported-steps';
export { runScenarios, runScenario, type RunOptions, type RelayChoice } from './scenario-runner';
export { startInProcessRelay, connectRemoteRelay, type RelayTarget } from './relay-target';
export { RelayClient, RelayApiError } from './relay-client';
export type { RunReport, ScenarioReport, StepReport } from './run-report';
export type { Check, CheckKind } from './expectation-check';
export type { FlowResult, WindowResult } from './media-window';
export { formatTimeline, formatScenario, formatSummary } from './timeline-format';
