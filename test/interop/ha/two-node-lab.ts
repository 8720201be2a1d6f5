/**
 * The HA failover lab (docs/ha.md "Proof"): network namespaces made by the test — a switch
 * (a bridge), the active node, the standby, the endpoints — with 198.51.100.0/24 addresses only
 * inside them; a real redis-server (Debian's, via scripts/install-redis.sh) on a unix socket
 * with keyspace notifications on; two built `srtp-relay serve` processes. The test process talks
 * to the APIs through unix-socket forwarders inside the namespaces (ns-agent.js), so nothing
 * is added to the host's own network. Everything is removed in `close()`, children killed by PID.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli/main.js');
const AGENT = path.join(__dirname, 'ns-agent.js');
export const REDIS_SERVER = '/usr/bin/redis-server';
export const FLOATING = '198.51.100.100';
export const ENDPOINT_ADDRESS = '198.51.100.21';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Fails loudly (with the reason) where namespaces cannot be made: never a silent skip. */
export function assertNamespacesAvailable(): void {
  const probe = `srtpha-probe-${process.pid}`;
  try {
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
  } catch (err) {
    throw new Error(`the HA failover test needs network namespaces (root or CAP_SYS_ADMIN + CAP_NET_ADMIN, iproute2): ${(err as Error).message}`);
  }
}

/** A JSON-lines child (ns-agent.js) inside a namespace. */
export class NsAgent {
  readonly child: ChildProcess;
  private readonly waiters: { match: (m: AgentMessage) => boolean; resolve: (m: AgentMessage) => void }[] = [];
  onRx: (id: string, t: number, packet: Buffer) => void = () => undefined;

  constructor(ns: string) {
    this.child = spawn('ip', ['netns', 'exec', ns, process.execPath, AGENT], { stdio: ['pipe', 'pipe', 'inherit'] });
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as AgentMessage;
      if (m.op === 'rx') {
        this.onRx(m.id as string, m.t as number, Buffer.from(m.hex as string, 'hex'));
        return;
      }
      const i = this.waiters.findIndex((w) => w.match(m));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
    });
  }

  private send(msg: object): void {
    this.child.stdin!.write(`${JSON.stringify(msg)}\n`);
  }

  private wait(match: (m: AgentMessage) => boolean): Promise<AgentMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('ns agent did not answer')), 10_000);
      this.waiters.push({ match, resolve: (m) => { clearTimeout(timer); resolve(m); } });
    });
  }

  async bind(id: string, address: string): Promise<number> {
    const reply = this.wait((m) => m.op === 'bound' && m.id === id);
    this.send({ op: 'bind', id, address });
    return (await reply).port as number;
  }

  sendTo(id: string, address: string, port: number, packet: Uint8Array): void {
    this.send({ op: 'send', id, address, port, hex: Buffer.from(packet).toString('hex') });
  }

  async forward(socketPath: string, port: number): Promise<void> {
    const reply = this.wait((m) => m.op === 'forwarding');
    this.send({ op: 'forward', path: socketPath, port });
    await reply;
  }

  stop(): void {
    this.child.stdin?.end();
    if (this.child.exitCode === null && this.child.pid !== undefined) this.child.kill('SIGKILL');
  }
}

interface AgentMessage {
  op: string;
  [k: string]: unknown;
}

/** A built `srtp-relay serve` inside a namespace, reached over a unix socket. */
export class ServeNode {
  child: ChildProcess | null = null;
  output = '';
  apiSocket: string;

  constructor(readonly lab: TwoNodeLab, readonly ns: string, readonly nodeId: string, readonly role: 'active' | 'standby') {
    this.apiSocket = path.join(lab.dir, `${nodeId}.api.sock`);
  }

  async start(portRange: readonly [number, number]): Promise<void> {
    const child = spawn('ip', ['netns', 'exec', this.ns, process.execPath, CLI, 'serve',
      '--listen', '127.0.0.1:0', '--media-bind', FLOATING, '--port-range', `${portRange[0]}-${portRange[1]}`, '--workers', '1',
      '--listen-ng', 'none', '--store', `redis+unix://${this.lab.redisSocket}?db=0`, '--role', this.role, '--node-id', this.nodeId,
      '--data-dir', path.join(this.lab.dir, this.nodeId), '--log-level', 'warn'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SRTP_RELAY_TOKEN: this.lab.token, SRTP_RELAY_NODE_KEY: this.lab.clusterKey },
    });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => { this.output += d.toString(); });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.nodeId} did not start:\n${this.output}`)), 20_000);
      child.stdout!.on('data', (d: Buffer) => {
        this.output += d.toString();
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\/v1/.exec(this.output);
        if (m !== null) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.nodeId} exited (${String(code)}):\n${this.output}`));
      });
    });
    await this.lab.agent(this.ns).forward(this.apiSocket, port);
  }

  /** kill -9 and wait until the process is gone (resolves at once when it already is). */
  async kill9AndWait(): Promise<void> {
    const child = this.child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    this.kill9();
    await gone;
  }

  /** kill -9, as a crash would. */
  kill9(): void {
    if (this.child?.pid === undefined || this.child.exitCode !== null) return;
    try {
      process.kill(this.child.pid, 'SIGKILL');
    } catch {
      // exited already (its exit not reported yet)
    }
  }

  async api<T = Record<string, unknown>>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request({
        socketPath: this.apiSocket, path: url, method, agent: false,
        headers: { authorization: `Bearer ${this.lab.token}`, ...(data !== undefined ? { 'content-type': 'application/json' } : {}) },
      }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => { text += c.toString(); });
        const json = /json/.test(String(res.headers['content-type']));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: (text === '' ? {} : json ? JSON.parse(text) : text) as T }));
      });
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${url} timed out`)));
      req.end(data);
    });
  }

  async ok<T = Record<string, unknown>>(method: string, url: string, body?: unknown): Promise<T> {
    const r = await this.api<T>(method, url, body);
    if (r.status >= 300) throw new Error(`${this.nodeId} ${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
}

export class TwoNodeLab {
  readonly tag = randomBytes(3).toString('hex');
  readonly dir = mkdtempSync(path.join(tmpdir(), 'srtp-ha-'));
  readonly token = randomBytes(24).toString('hex');
  readonly clusterKey = randomBytes(32).toString('base64');
  readonly redisSocket = path.join(this.dir, 'redis.sock');
  readonly ns = { sw: `srtpha-sw-${this.tag}`, a: `srtpha-a-${this.tag}`, b: `srtpha-b-${this.tag}`, e: `srtpha-e-${this.tag}` };
  redis: ChildProcess | null = null;
  private readonly agents = new Map<string, NsAgent>();
  private readonly made: string[] = [];

  /** Namespaces, the bridge, veths, addresses; the floating address on the active's side. */
  build(): void {
    for (const n of Object.values(this.ns)) {
      ip('netns', 'add', n);
      this.made.push(n);
      ip('-n', n, 'link', 'set', 'lo', 'up');
    }
    ip('-n', this.ns.sw, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', this.ns.sw, 'link', 'set', 'br0', 'up');
    const hosts: [string, string, string][] = [[this.ns.a, 'a', '198.51.100.11/24'], [this.ns.b, 'b', '198.51.100.12/24'], [this.ns.e, 'e', `${ENDPOINT_ADDRESS}/24`]];
    for (const [n, short, addr] of hosts) {
      ip('-n', this.ns.sw, 'link', 'add', `p-${short}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', n);
      ip('-n', this.ns.sw, 'link', 'set', `p-${short}`, 'master', 'br0', 'up');
      ip('-n', n, 'addr', 'add', addr, 'dev', 'eth0');
      ip('-n', n, 'link', 'set', 'eth0', 'up');
    }
    ip('-n', this.ns.a, 'addr', 'add', `${FLOATING}/32`, 'dev', 'eth0');
    // The standby binds the floating address before it has it (docs/ha.md): per-namespace sysctl.
    execFileSync('ip', ['netns', 'exec', this.ns.b, 'sysctl', '-q', '-w', 'net.ipv4.ip_nonlocal_bind=1']);
  }

  /** Move the floating address (what keepalived does), and refresh the endpoints' ARP entry (its gratuitous ARP). */
  moveFloatingToStandby(): void {
    try {
      ip('-n', this.ns.a, 'addr', 'del', `${FLOATING}/32`, 'dev', 'eth0');
    } catch {
      // gone with the node
    }
    ip('-n', this.ns.b, 'addr', 'add', `${FLOATING}/32`, 'dev', 'eth0');
    ip('-n', this.ns.e, 'neigh', 'flush', 'all');
  }

  agent(ns: string): NsAgent {
    let a = this.agents.get(ns);
    if (a === undefined) {
      a = new NsAgent(ns);
      this.agents.set(ns, a);
    }
    return a;
  }

  /** redis-server on a unix socket only (no TCP port), keyspace notifications on, no persistence. */
  async startRedis(): Promise<void> {
    if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} missing: run scripts/install-redis.sh (npm run peers)`);
    const child = spawn(REDIS_SERVER, ['--port', '0', '--unixsocket', this.redisSocket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no',
      '--notify-keyspace-events', 'Kghx', '--dir', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.redis = child;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
      const onData = (d: Buffer): void => {
        out += d.toString();
        if (/ready to accept connections/i.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${String(code)}): ${out}`));
      });
    });
  }

  async stopRedis(): Promise<void> {
    const child = this.redis;
    this.redis = null;
    if (child === null || child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(child.pid, 'SIGKILL');
    await exited;
    rmSync(this.redisSocket, { force: true });
  }

  close(): void {
    for (const a of this.agents.values()) a.stop();
    if (this.redis?.pid !== undefined && this.redis.exitCode === null) process.kill(this.redis.pid, 'SIGKILL');
    for (const n of this.made.reverse()) {
      try {
        ip('netns', 'del', n);
      } catch {
        // already gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
