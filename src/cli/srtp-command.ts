/**
 * `srtp-relay srtp protect|unprotect`: a debugging tool for anyone holding a capture and a key.
 * Exit status is non-zero only for invalid arguments; rejected packets print `error CODE`.
 */
import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError } from 'commander';
import { resolveProfile } from '../srtp';
import { decodeInlineKey } from './inline-key';
import { SrtpLineProcessor, type SrtpLineOperation } from './srtp-lines';

export function parseNonNegativeInteger(name: string, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) > max) throw new InvalidArgumentError(`${name} must be an integer from 0 to ${max}`);
    return Number(value);
  };
}

interface SrtpCommandOptions {
  suite: string;
  key: string;
  rtcp?: boolean;
  mki?: string;
  roc?: number;
  kdr?: number;
  replayWindow?: number;
  srtcpTag?: number;
  allowNull?: boolean;
}

function buildProcessor(operation: SrtpLineOperation, opts: SrtpCommandOptions): SrtpLineProcessor {
  const profile = resolveProfile(opts.suite, { allowNull: opts.allowNull === true });
  const { key, salt } = decodeInlineKey(profile, opts.key);
  let mki: Uint8Array | undefined;
  if (opts.mki !== undefined) {
    if (!/^([0-9a-fA-F]{2}){1,128}$/.test(opts.mki)) throw new InvalidArgumentError('--mki must be 1 to 128 bytes of hex');
    mki = Uint8Array.from(Buffer.from(opts.mki, 'hex'));
  }
  try {
    return new SrtpLineProcessor({
      operation,
      rtcp: opts.rtcp === true,
      roc: opts.roc,
      context: {
        profile,
        keys: { key, salt, mki },
        allowNull: opts.allowNull === true,
        kdr: opts.kdr,
        replayWindow: opts.replayWindow,
        srtcpTagLength: opts.srtcpTag,
      },
    });
  } finally {
    key.fill(0);
    salt.fill(0);
  }
}

async function run(operation: SrtpLineOperation, opts: SrtpCommandOptions): Promise<void> {
  const processor = buildProcessor(operation, opts);
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    const out = processor.process(line);
    if (out !== null) process.stdout.write(`${out}\n`);
  }
  processor.close();
}

function addOperation(srtp: Command, operation: SrtpLineOperation, description: string): void {
  srtp
    .command(operation)
    .description(description)
    .requiredOption('--suite <name>', 'protection profile, e.g. AES_CM_128_HMAC_SHA1_80')
    .requiredOption('--key <base64>', 'SDES inline value: base64 of master key || master salt')
    .option('--rtcp', 'packets are RTCP/SRTCP')
    .option('--mki <hex>', 'MKI value carried in every packet')
    .option('--roc <n>', 'rollover counter for each SSRC when first seen', parseNonNegativeInteger('--roc', 0xffffffff))
    .option('--kdr <n>', 'key derivation rate (0 or a power of two up to 2^24)', parseNonNegativeInteger('--kdr', 2 ** 24))
    .option('--replay-window <n>', 'replay window in packets (64..32768, default 128)', parseNonNegativeInteger('--replay-window', 32768))
    .option('--srtcp-tag <bytes>', 'SRTCP tag length for HMAC profiles: 10 (default) or 4', parseNonNegativeInteger('--srtcp-tag', 16))
    .option('--allow-null', 'permit NULL_HMAC_SHA1_* (no encryption)')
    .action(async (opts: SrtpCommandOptions) => run(operation, opts));
}

export function registerSrtpCommand(program: Command): void {
  const srtp = program.command('srtp').description('protect or unprotect packets given as hex lines on stdin');
  addOperation(srtp, 'protect', 'RTP/RTCP hex lines in, SRTP/SRTCP hex lines out');
  addOperation(srtp, 'unprotect', 'SRTP/SRTCP hex lines in, RTP/RTCP hex lines (or "error CODE") out');
}
