/**
 * `srtp-relay keys new --suite NAME`: print a fresh SDES crypto attribute (RFC 4568 §9.1),
 * keys from libsodium's CSPRNG. The printed line is a key delivery: it is the point of the
 * command, so the key appears in it, and nowhere else (no log line).
 */
import { Command, InvalidArgumentError } from 'commander';
import { formatCryptoAttribute, generateKeySet, initKeys, isKeyError, parseLifetime, resolveSuite, type KeySetOptions } from '../keys';

export interface KeysNewOptions {
  readonly suite: string;
  readonly tag?: number;
  readonly keys?: number;
  readonly mkiLength?: number;
  readonly lifetime?: number;
  readonly allowNull?: boolean;
}

/** Build the line; throws KeyError on bad options. Needs `initKeys()` to have resolved. */
export function newCryptoLine(options: KeysNewOptions): string {
  const profile = resolveSuite(options.suite, { allowNull: options.allowNull === true });
  const setOptions: KeySetOptions = {
    ...(options.keys !== undefined ? { keyCount: options.keys } : {}),
    ...(options.mkiLength !== undefined ? { mkiLength: options.mkiLength } : {}),
    ...(options.lifetime !== undefined ? { lifetime: options.lifetime } : {}),
  };
  const set = generateKeySet(profile, setOptions);
  try {
    return formatCryptoAttribute(options.tag ?? 1, set);
  } finally {
    set.release();
  }
}

function integer(value: string): number {
  if (!/^[0-9]{1,9}$/.test(value)) throw new InvalidArgumentError('expected a decimal integer');
  return Number(value);
}

export function addKeysNewCommand(keys: Command): void {
  keys
    .command('new')
    .description('print a fresh SDES a=crypto attribute (RFC 4568)')
    .requiredOption('--suite <name>', 'crypto suite, e.g. AEAD_AES_256_GCM or AES_CM_128_HMAC_SHA1_80')
    .option('--tag <n>', 'attribute tag (default 1)', integer)
    .option('--keys <n>', 'number of master keys (more than one adds MKIs)', integer)
    .option('--mki-length <bytes>', 'MKI length in bytes, 1..128', integer)
    .option('--lifetime <packets>', 'master key lifetime, decimal or 2^n (max 2^48)', (v: string) => {
      try {
        return parseLifetime(v);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
    })
    .option('--allow-null', 'allow NULL_HMAC_SHA1_* suites (no encryption)')
    .action(async (opts: KeysNewOptions) => {
      await initKeys();
      try {
        console.log(newCryptoLine(opts));
      } catch (err) {
        if (!isKeyError(err)) throw err;
        console.error(`error ${err.code}: ${err.message}`);
        process.exitCode = 1;
      }
    });
}
