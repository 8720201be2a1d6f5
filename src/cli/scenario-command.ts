/**
 * `srtp-relay scenario run <files...>`: fallback behaviour scenarios (docs/scenarios.md) against
 * a relay started in this process, or an existing one (`--url`/`--token`, or SRTP_RELAY_URL /
 * SRTP_RELAY_TOKEN). Prints a timeline per step, or a JSON report with `--json`.
 * `srtp-relay scenario validate <files...>` checks files without running them.
 *
 * Exit status: 0 every scenario passed; 1 a step did not behave as expected; 2 a file is bad, an
 * option is wrong or the relay cannot be reached (nothing was judged).
 */
import type { Command } from 'commander';
import { parsePortRange } from '../api';
import {
  expandScenarioPaths, formatScenario, formatSummary, loadScenarioFile, runScenarios, ScenarioError,
  type MediaSettings, type RelayChoice, type Scenario,
} from '../scenario';

/** Outside the serve default (30000-39999) and the kernel's ephemeral ports (32768-60999). */
export const DEFAULT_SCENARIO_PORT_RANGE = '28000-29999';

export interface ScenarioRunFlags {
  readonly json?: boolean;
  readonly url?: string;
  readonly token?: string;
  readonly workers?: string;
  readonly portRange?: string;
  readonly bind?: string;
  readonly packets?: string;
  readonly pacing?: string;
}

export interface CommandIo {
  readonly out: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

const defaultIo = (): CommandIo => ({ out: (t) => process.stdout.write(t), env: process.env });

export function registerScenarioCommand(program: Command): void {
  const scenario = program.command('scenario').description('run fallback behaviour scenarios against a live relay (docs/scenarios.md)');
  scenario
    .command('run')
    .description('run scenario files (YAML or JSON; directories run every file in them)')
    .argument('<files...>', 'scenario files or directories')
    .option('--json', 'print a machine-readable report')
    .option('--url <url>', 'an existing relay\'s API (env SRTP_RELAY_URL); default: start one in this process')
    .option('--token <token>', 'bearer token of that relay (env SRTP_RELAY_TOKEN)')
    .option('--workers <n>', 'in-process relay: media worker threads (default 0 = same thread)')
    .option('--port-range <min-max>', `in-process relay: media UDP ports (default ${DEFAULT_SCENARIO_PORT_RANGE})`)
    .option('--bind <ip>', 'address the simulated devices bind and announce (default 127.0.0.1)')
    .option('--packets <n>', 'packets per sender per measurement window (overrides the files)')
    .option('--pacing <ms>', 'milliseconds between packets (overrides the files)')
    .action(async (files: string[], flags: ScenarioRunFlags) => {
      process.exitCode = await runScenarioCommand(files, flags);
    });
  scenario
    .command('validate')
    .description('check scenario files against the schema without running them')
    .argument('<files...>', 'scenario files or directories')
    .option('--json', 'print a machine-readable result')
    .action((files: string[], flags: { json?: boolean }) => {
      process.exitCode = validateScenarioCommand(files, flags);
    });
}

export async function runScenarioCommand(paths: readonly string[], flags: ScenarioRunFlags, io: CommandIo = defaultIo()): Promise<number> {
  let scenarios: Scenario[];
  let relay: RelayChoice;
  let media: Partial<MediaSettings> | undefined;
  try {
    scenarios = expandScenarioPaths(paths).map(loadScenarioFile);
    relay = relayChoice(flags, io.env);
    media = mediaOverrides(flags);
  } catch (err) {
    return fail(err, flags.json === true, io);
  }
  try {
    const report = await runScenarios(scenarios, {
      relay,
      ...(flags.bind !== undefined ? { bindAddress: flags.bind } : {}),
      ...(media !== undefined ? { media } : {}),
      ...(flags.json === true ? {} : { onScenario: (r) => io.out(`${formatScenario(r)}\n`) }),
    });
    if (flags.json === true) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else io.out(formatSummary(report));
    return report.ok ? 0 : 1;
  } catch (err) {
    return fail(err, flags.json === true, io);
  }
}

export function validateScenarioCommand(paths: readonly string[], flags: { json?: boolean }, io: CommandIo = defaultIo()): number {
  try {
    const scenarios = expandScenarioPaths(paths).map(loadScenarioFile);
    if (flags.json === true) io.out(`${JSON.stringify({ ok: true, scenarios: scenarios.map((s) => ({ file: s.file, name: s.name, source: s.source, steps: s.steps.length })) }, null, 2)}\n`);
    else for (const s of scenarios) io.out(`ok  ${s.file}: ${s.name} (${s.steps.length} steps; ${s.source})\n`);
    return 0;
  } catch (err) {
    return fail(err, flags.json === true, io);
  }
}

function relayChoice(flags: ScenarioRunFlags, env: NodeJS.ProcessEnv): RelayChoice {
  const url = flags.url ?? env.SRTP_RELAY_URL;
  if (url !== undefined && url !== '') {
    if (flags.workers !== undefined || flags.portRange !== undefined) throw option('--workers and --port-range are for the in-process relay, not with --url');
    const token = flags.token ?? env.SRTP_RELAY_TOKEN;
    if (token === undefined || token === '') throw option('--url needs --token (or SRTP_RELAY_TOKEN)');
    if (!/^https?:\/\//.test(url)) throw option(`--url must be an http(s) URL, got "${url}"`);
    return { kind: 'remote', url, token };
  }
  if (flags.token !== undefined) throw option('--token needs --url (or SRTP_RELAY_URL)');
  const workers = flags.workers === undefined ? 0 : integer(flags.workers, '--workers', 0, 64);
  let portRange: [number, number];
  try {
    portRange = parsePortRange(flags.portRange ?? DEFAULT_SCENARIO_PORT_RANGE);
  } catch (err) {
    throw option(`--port-range: ${(err as Error).message}`);
  }
  return { kind: 'in-process', workers, portRange };
}

function mediaOverrides(flags: ScenarioRunFlags): Partial<MediaSettings> | undefined {
  if (flags.packets === undefined && flags.pacing === undefined) return undefined;
  return {
    ...(flags.packets !== undefined ? { packets: integer(flags.packets, '--packets', 1, 1000) } : {}),
    ...(flags.pacing !== undefined ? { pacingMs: integer(flags.pacing, '--pacing', 1, 100) } : {}),
  };
}

function integer(text: string, name: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw option(`${name} must be an integer in ${min}..${max}, got "${text}"`);
  return n;
}

function option(message: string): ScenarioError {
  return new ScenarioError('SCENARIO_ERR_OPTION', message);
}

function fail(err: unknown, json: boolean, io: CommandIo): number {
  const code = err instanceof ScenarioError ? err.code : (err as { code?: string }).code ?? 'SCENARIO_ERR_INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  if (json) io.out(`${JSON.stringify({ ok: false, error: { code, message } }, null, 2)}\n`);
  else console.error(`srtp-relay scenario: ${code}: ${message}`);
  return 2;
}
