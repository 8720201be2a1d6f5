/**
 * Errors of the scenario runner that stop it before or instead of a verdict: a bad scenario
 * file, an unusable option, a relay that cannot be reached. A mismatch between expected and
 * observed behaviour is never an error — it is a FAIL in the report (exit status 1); these are
 * exit status 2. Built with the project's one error factory (src/errors).
 */
import { createErrorClass, defineErrorCatalog } from '../errors';

const SCENARIO_ERROR_TABLE = {
  SCENARIO_ERR_READ: { statusCode: 400, message: 'the scenario file cannot be read' },
  SCENARIO_ERR_PARSE: { statusCode: 400, message: 'the scenario file is not valid YAML or JSON' },
  SCENARIO_ERR_INVALID: { statusCode: 400, message: 'the scenario does not match the schema (docs/scenarios.md)' },
  SCENARIO_ERR_UNSUPPORTED_STEP: { statusCode: 400, message: 'the step needs an operation the control API does not offer yet' },
  SCENARIO_ERR_NO_FILES: { statusCode: 400, message: 'no scenario files given or found' },
  SCENARIO_ERR_OPTION: { statusCode: 400, message: 'invalid command-line option' },
  SCENARIO_ERR_RELAY: { statusCode: 503, message: 'the relay cannot be started or reached' },
  SCENARIO_ERR_INTERNAL: { statusCode: 500, message: 'the runner failed for a reason it has no code for (a bug)' },
} as const;

export type ScenarioErrorCode = keyof typeof SCENARIO_ERROR_TABLE;

export const SCENARIO_ERRORS = defineErrorCatalog<ScenarioErrorCode>('SCENARIO_ERR_', SCENARIO_ERROR_TABLE);

export interface ScenarioErrorWhere {
  readonly file?: string;
  /** 1-based step number. */
  readonly step?: number;
  readonly action?: string;
  /** Path of the offending field inside the file, e.g. `steps[2].expect.devices.A.icon`. */
  readonly field?: string;
}

export class ScenarioError extends createErrorClass('ScenarioError', SCENARIO_ERRORS) {
  readonly where: ScenarioErrorWhere;

  constructor(code: ScenarioErrorCode, detail: string, where: ScenarioErrorWhere = {}) {
    super(code, { message: ScenarioError.describe(detail, where), ...(where.field === undefined ? {} : { field: where.field }) });
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
