/**
 * Typed reads from parsed YAML/JSON with the path of every value, so each validation error
 * names the file, the step and the field (`steps[2].expect.devices.A.icon`).
 */
import { ScenarioError, type ScenarioErrorWhere } from './scenario-error';

export type Plain = Record<string, unknown>;

export class FieldReader {
  constructor(readonly where: ScenarioErrorWhere, readonly path: string) {}

  /** A reader for a nested field. */
  at(key: string | number): FieldReader {
    const path = typeof key === 'number' ? `${this.path}[${key}]` : this.path === '' ? key : `${this.path}.${key}`;
    return new FieldReader(this.where, path);
  }

  /** Same path, more context (the step being read). */
  within(where: ScenarioErrorWhere): FieldReader {
    return new FieldReader({ ...this.where, ...where }, this.path);
  }

  fail(detail: string, code: 'SCENARIO_ERR_INVALID' | 'SCENARIO_ERR_UNSUPPORTED_STEP' = 'SCENARIO_ERR_INVALID'): never {
    throw new ScenarioError(code, detail, { ...this.where, ...(this.path !== '' ? { field: this.path } : {}) });
  }

  object(value: unknown): Plain {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(`expected a mapping, got ${describe(value)}`);
    return value as Plain;
  }

  /** Refuse keys outside `allowed`: a typo must not silently drop an expectation. */
  onlyKeys(obj: Plain, allowed: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.at(key).fail(`unknown field (allowed: ${allowed.join(', ')})`);
    }
  }

  string(value: unknown): string {
    if (typeof value !== 'string' || value.length === 0) this.fail(`expected a non-empty string, got ${describe(value)}`);
    return value;
  }

  boolean(value: unknown): boolean {
    if (typeof value !== 'boolean') this.fail(`expected true or false, got ${describe(value)}`);
    return value;
  }

  number(value: unknown, min: number, max: number, integer = true): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
      this.fail(`expected ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got ${describe(value)}`);
    }
    return value;
  }

  oneOf<const T extends string>(value: unknown, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(`expected one of ${allowed.join(', ')}, got ${describe(value)}`);
    }
    return value as T;
  }

  array(value: unknown): unknown[] {
    if (!Array.isArray(value)) this.fail(`expected a list, got ${describe(value)}`);
    return value;
  }

  /** A list of strings; a single string is taken as a list of one. */
  strings(value: unknown): string[] {
    const list = typeof value === 'string' ? [value] : this.array(value);
    return list.map((v, i) => this.at(i).string(v));
  }

  /** An id the control API accepts (letters, digits, `_ . : -`, 1-64 characters). */
  id(value: unknown): string {
    const s = this.string(value);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(s)) this.fail(`"${s}" is not a valid id (1-64 letters, digits, _ . : -, starting with a letter or digit)`);
    return s;
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return value.length > 40 ? `"${value.slice(0, 40)}..."` : `"${value}"`;
  return String(value);
}
