/**
 * Reading scenario files: a path is a file (`.yaml`, `.yml`, `.json`) or a directory of them
 * (sorted by name, not recursive). YAML merge keys (`<<: *secure`) are allowed so devices can
 * share a profile; duplicate keys are an error.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ScenarioError } from './scenario-error';
import type { Scenario } from './scenario-types';
import { validateScenario } from './scenario-validate';

const EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Files named on the command line, directories expanded. */
export function expandScenarioPaths(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let stat;
    try {
      stat = statSync(p);
    } catch (err) {
      throw new ScenarioError('SCENARIO_ERR_READ', (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message, { file: p });
    }
    if (stat.isDirectory()) {
      const inside = readdirSync(p).filter((f) => EXTENSIONS.includes(path.extname(f).toLowerCase())).sort();
      files.push(...inside.map((f) => path.join(p, f)));
    } else {
      files.push(p);
    }
  }
  if (files.length === 0) throw new ScenarioError('SCENARIO_ERR_NO_FILES', `nothing to run in ${paths.join(', ') || '(no paths)'}`);
  return files;
}

export function parseScenarioText(text: string, file: string): Scenario {
  const ext = path.extname(file).toLowerCase();
  let doc: unknown;
  if (ext === '.json') {
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new ScenarioError('SCENARIO_ERR_PARSE', (err as Error).message, { file });
    }
  } else {
    const parsed = YAML.parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true });
    const first = parsed.errors[0];
    if (first !== undefined) throw new ScenarioError('SCENARIO_ERR_PARSE', first.message.split('\n')[0] ?? first.message, { file });
    doc = parsed.toJS({ maxAliasCount: 1000 });
  }
  return validateScenario(doc, file, path.basename(file, ext));
}

export function loadScenarioFile(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioError('SCENARIO_ERR_READ', (err as Error).message, { file });
  }
  return parseScenarioText(text, file);
}
