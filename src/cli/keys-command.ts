import { Command } from 'commander';
import { addKeysDeriveCommand } from './keys-derive';
import { addKeysNewCommand } from './keys-new';
import { addKeysParseCommand } from './keys-parse';

/** `srtp-relay keys ...`: key derivation (engine) and key manager tools (SDES). */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('derive, create and explain SRTP keys');
  addKeysDeriveCommand(keys);
  addKeysNewCommand(keys);
  addKeysParseCommand(keys);
}
