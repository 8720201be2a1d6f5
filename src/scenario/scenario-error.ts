/**
 * Errors of the scenario runner that stop it before or instead of a verdict: a bad scenario
 * file, an unusable option, a relay that cannot be reached. A mismatch between expected and
 * observed behaviour is never an error — it is a FAIL in the report (exit status 1); these are
 * exit status 2.
 */
export const SCENARIO_ERRORS = Object.freeze({
  SCENARIO_ERR_READ: 'the scenario file cannot be read',
  SCENARIO_ERR_PARSE: 'the scenario file is not valid YAML or JSON',
  SCENARIO_ERR_INVALID: 'the scenario does not match the schema (docs/scenarios.md)',
  SCENARIO_ERR_UNSUPPORTED_STEP: 'the step needs an operation the control API does not offer yet',
  SCENARIO_ERR_NO_FILES: 'no scenario files given or found',
  SCENARIO_ERR_OPTION: 'invalid command-line option',
  SCENARIO_ERR_RELAY: 'the relay cannot be started or reached',
} as const);

export type ScenarioErrorCode = keyof typeof SCENARIO_ERRORS;

export interface ScenarioErrorWhere {
  readonly file?: string;
  /** 1-based step number. */
  readonly step?: number;
  readonly action?: string;
  /** Path of the offending field inside the file, e.g. `steps[2].expect.devices.A.icon`. */
  readonly field?: string;
}

export class ScenarioError extends Error {
  readonly code: ScenarioErrorCode;
  readonly where: ScenarioErrorWhere;

  constructor(code: ScenarioErrorCode, detail: string, where: ScenarioErrorWhere = {}) {
    super(ScenarioError.describe(detail, where));
    this.name = 'ScenarioError';
    this.code = code;
    this.where = where;
  }

  /** `file: step 3 (hold): field "steps[2].hold.moh": detail`. */
  private static describe(detail: string, where: ScenarioErrorWhere): string {
    const parts: string[] = [];
    if (where.file !== undefined) parts.push(where.file);
    if (where.step !== undefined) parts.push(`step ${where.step}${where.action !== undefined ? ` (${where.action})` : ''}`);
    if (where.field !== undefined) parts.push(`field "${where.field}"`);
    parts.push(detail);
    return parts.join(': ');
  }
}
