/**
 * The API bearer token: from the environment (SRTP_RELAY_TOKEN) or the config when given,
 * otherwise read from — or generated on first start into — `<dataDir>/token` (mode 0600, in a
 * 0700 directory). The token itself is never logged; only where it came from.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from './config-error';

export interface TokenSource {
  readonly token: string;
  readonly source: 'env' | 'config' | 'file' | 'generated';
  /** The token file, when the token lives in one. */
  readonly file: string | null;
}

const MIN_TOKEN_LENGTH = 16;

export async function resolveToken(options: { env: NodeJS.ProcessEnv; configToken?: string; dataDir: string }): Promise<TokenSource> {
  const fromEnv = options.env.SRTP_RELAY_TOKEN;
  if (fromEnv !== undefined && fromEnv !== '') return { token: checked(fromEnv, 'SRTP_RELAY_TOKEN'), source: 'env', file: null };
  if (options.configToken !== undefined) return { token: checked(options.configToken, 'config token'), source: 'config', file: null };
  const file = path.join(options.dataDir, 'token');
  try {
    const text = (await readFile(file, 'utf8')).trim();
    await chmod(file, 0o600);
    return { token: checked(text, file), source: 'file', file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  // `wx`: never overwrite a token another process wrote meanwhile.
  await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, source: 'generated', file };
}

function checked(token: string, where: string): string {
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) throw new ConfigError(`${where}: the API token needs at least ${MIN_TOKEN_LENGTH} characters and no spaces`);
  return token;
}
