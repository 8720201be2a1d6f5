/** `srtp-relay keys derive`: print the session keys of a master key (RFC 3711 §4.3) as JSON hex. */
import { Command } from 'commander';
import { deriveSessionKeys, resolveProfile, type SessionKeyMaterial } from '../srtp';
import { decodeInlineKey } from './inline-key';
import { parseNonNegativeInteger } from './srtp-command';

interface DeriveOptions {
  suite: string;
  key: string;
  kdr?: number;
  index?: number;
  srtcpIndex?: number;
  allowNull?: boolean;
}

const toHex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

function describe(m: SessionKeyMaterial): Record<string, string> {
  const out: Record<string, string> = { encryptionKey: toHex(m.encryptionKey), salt: toHex(m.salt) };
  if (m.authenticationKey.length > 0) out.authenticationKey = toHex(m.authenticationKey);
  return out;
}

export function deriveKeysJson(opts: DeriveOptions): string {
  const profile = resolveProfile(opts.suite, { allowNull: opts.allowNull === true });
  const { key, salt } = decodeInlineKey(profile, opts.key);
  const kdr = opts.kdr ?? 0;
  const index = opts.index ?? 0;
  const srtcpIndex = opts.srtcpIndex ?? index;
  try {
    const keys = deriveSessionKeys(profile, key, salt, kdr, index, srtcpIndex);
    return JSON.stringify({ suite: profile.name, kdr, index, srtcpIndex, srtp: describe(keys.srtp), srtcp: describe(keys.srtcp) }, null, 2);
  } finally {
    key.fill(0);
    salt.fill(0);
  }
}

export function addKeysDeriveCommand(keys: Command): void {
  keys
    .command('derive')
    .description('print the SRTP and SRTCP session keys (hex) of an SDES inline key as JSON')
    .requiredOption('--suite <name>', 'protection profile')
    .requiredOption('--key <base64>', 'base64 of master key || master salt')
    .option('--kdr <n>', 'key derivation rate (0 or a power of two up to 2^24)', parseNonNegativeInteger('--kdr', 2 ** 24))
    .option('--index <n>', 'SRTP packet index (48-bit) used when kdr != 0', parseNonNegativeInteger('--index', 2 ** 48 - 1))
    .option('--srtcp-index <n>', 'SRTCP index (31-bit) used when kdr != 0; default --index', parseNonNegativeInteger('--srtcp-index', 0x7fffffff))
    .option('--allow-null', 'permit NULL_HMAC_SHA1_*')
    .action((opts: DeriveOptions) => {
      process.stdout.write(`${deriveKeysJson(opts)}\n`);
    });
}
