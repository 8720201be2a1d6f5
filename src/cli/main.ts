#!/usr/bin/env node
/**
 * `srtp-relay` command line: serve | srtp | keys | scenario | bench.
 * Each subcommand lives in its own file and registers itself on the program.
 */
import { Command } from 'commander';
import { registerSrtpCommand } from './srtp-command';
import { registerKeysCommand } from './keys-command';
import { registerBenchCommand } from './bench-command';
import { registerServeCommand } from './serve-command';
import { registerScenarioCommand } from './scenario-command';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('srtp-relay')
    .description('SRTP media relay and key manager')
    .version('0.1.0')
    .showHelpAfterError();
  registerSrtpCommand(program);
  registerKeysCommand(program);
  registerBenchCommand(program);
  registerServeCommand(program);
  registerScenarioCommand(program);
  return program;
}

if (require.main === module) {
  buildProgram().parseAsync(process.argv).catch((err: unknown) => {
    const code = (err as { code?: string }).code;
    console.error(`srtp-relay: ${code !== undefined ? `${code}: ` : ''}${(err as Error).message}`);
    process.exit(2);
  });
}
