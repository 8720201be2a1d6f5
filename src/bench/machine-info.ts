/** Machine details printed with every benchmark table: numbers mean little without them. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { packageVersion } from './package-version';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  /** CPU flags that decide crypto speed: AES-NI, SHA extensions, vector AES, carry-less multiply. */
  readonly cryptoFlags: readonly string[];
  readonly hypervisor: boolean;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly nodeOpenssl: string;
  readonly systemOpenssl: string;
  readonly libsrtp: string;
  readonly werift: string;
  /** Core the children were pinned to, or null when not pinned. */
  readonly pinnedCpu: number | null;
}

const INTERESTING_FLAGS = ['aes', 'pclmulqdq', 'sha_ni', 'avx', 'avx2', 'avx512f', 'vaes', 'vpclmulqdq'];

function cpuFlags(): { flags: string[]; hypervisor: boolean } {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('flags')) ?? '';
    const all = new Set(line.replace(/^flags\s*:\s*/, '').split(/\s+/));
    return { flags: INTERESTING_FLAGS.filter((f) => all.has(f)), hypervisor: all.has('hypervisor') };
  } catch {
    return { flags: [], hypervisor: false };
  }
}

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function dpkgVersion(pkg: string): string {
  const v = run('dpkg-query', ['-W', '-f=${Version}', pkg]);
  return v === 'unknown' || v === '' ? 'unknown' : `${pkg} ${v}`;
}

export function machineInfo(pinnedCpu: number | null): MachineInfo {
  const cpus = os.cpus();
  const { flags, hypervisor } = cpuFlags();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    cryptoFlags: flags,
    hypervisor,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.versions.node,
    nodeOpenssl: process.versions.openssl,
    systemOpenssl: run('openssl', ['version']),
    libsrtp: dpkgVersion('libsrtp2-1'),
    werift: packageVersion('werift-rtp'),
    pinnedCpu,
  };
}

export function machineMarkdown(m: MachineInfo): string {
  return [
    `| | |`,
    `|---|---|`,
    `| CPU | ${m.cpuModel}${m.hypervisor ? ' (virtual machine)' : ''} |`,
    `| cores | ${m.cores}${m.pinnedCpu !== null ? `, runs pinned to CPU ${m.pinnedCpu} (taskset)` : ', not pinned'} |`,
    `| crypto CPU flags | ${m.cryptoFlags.join(', ') || 'none found'} |`,
    `| memory | ${m.memoryGiB} GiB |`,
    `| OS | ${m.os} |`,
    `| Node.js | ${m.node} (bundled OpenSSL ${m.nodeOpenssl}) |`,
    `| system OpenSSL (native-bench) | ${m.systemOpenssl} |`,
    `| libsrtp | ${m.libsrtp} |`,
    `| werift-rtp | ${m.werift} |`,
  ].join('\n');
}
