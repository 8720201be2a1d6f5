/**
 * Client for scripts/libsrtp-peer.py: libsrtp2 (Debian 2.5.0) as a long-running child process
 * speaking JSON lines. Requests are pipelined: `call` writes at once and replies come back in
 * order, so a test can keep thousands of operations in flight through one process.
 *
 * The peer runs under /usr/bin/python3 on purpose: Debian's python3-pylibsrtp exists only for
 * the system interpreter, and a pyenv `python3` earlier on PATH would not have it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';

export const SYSTEM_PYTHON = '/usr/bin/python3';
export const PEER_SCRIPT = path.resolve(__dirname, '../../scripts/libsrtp-peer.py');

/** libsrtp srtp_err_status_t values the tests look at (srtp.h). */
export const LIBSRTP = {
  ok: 0,
  badParam: 2,
  authFail: 7,
  /** AEAD input shorter than its tag. */
  cipherFail: 8,
  replayFail: 9,
  replayOld: 10,
  /** No stream for the SSRC (specific-SSRC policies only). */
  noCtx: 13,
  /** SRTCP shorter than its trailer. */
  cantCheck: 14,
  /** RTP header longer than the packet. */
  parseErr: 21,
  badMki: 25,
} as const;

export interface PeerKey {
  key: string;
  salt: string;
  mki?: string;
}

export interface CreateRequest {
  profile: string;
  direction: 'inbound' | 'outbound';
  keys: PeerKey[];
  windowSize?: number;
  allowRepeatTx?: boolean;
  ssrc?: number;
  srtcpTagLength?: number;
  encryptSrtp?: boolean;
  encryptSrtcp?: boolean;
  authenticateSrtp?: boolean;
  /** Overrides the SRTP tag length; see `rtcpOnlyReceiver` in libsrtp-differential.test.ts. */
  rtpAuthTagLength?: number;
}

export type PacketOp = 'protectRtp' | 'unprotectRtp' | 'protectRtcp' | 'unprotectRtcp';

/** Result of one libsrtp packet call: `rc` is libsrtp's status, `packet` set when rc is 0. */
export interface PeerPacketResult {
  rc: number;
  status: string;
  packet?: string;
}

interface Reply {
  ok: boolean;
  id?: number;
  error?: string;
  [k: string]: unknown;
}

interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  op: string;
}

export class LibsrtpPeer {
  /** libsrtp's version string, e.g. "libsrtp2 2.5.0". */
  version = '';
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private buffered = '';
  private stderr = '';
  private exited: Error | null = null;

  private constructor() {
    this.child = spawn(SYSTEM_PYTHON, [PEER_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onData(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.child.on('error', (err) => this.failAll(new Error(`libsrtp peer failed to start: ${err.message}`)));
    this.child.on('exit', (code, signal) => {
      this.failAll(new Error(`libsrtp peer exited (code ${String(code)}, signal ${String(signal)}): ${this.stderr.trim()}`));
    });
    // A closed stdin (EPIPE) shows up as 'exit' above; do not let it become an uncaught error.
    this.child.stdin.on('error', () => undefined);
  }

  /** Starts the peer and checks it answers; rejects (never skips) when libsrtp is unusable. */
  static async start(): Promise<LibsrtpPeer> {
    const peer = new LibsrtpPeer();
    const v = await peer.request({ op: 'version' });
    peer.version = String(v.version);
    return peer;
  }

  private onData(chunk: string): void {
    this.buffered += chunk;
    let nl = this.buffered.indexOf('\n');
    while (nl >= 0) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      nl = this.buffered.indexOf('\n');
      if (line.trim() === '') continue;
      const reply = JSON.parse(line) as Reply;
      const p = reply.id === undefined ? undefined : this.pending.get(reply.id);
      if (p === undefined) continue;
      this.pending.delete(reply.id as number);
      if (reply.ok) p.resolve(reply);
      else p.reject(new Error(`libsrtp peer ${p.op}: ${String(reply.error)}`));
    }
  }

  private failAll(err: Error): void {
    this.exited = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private request(req: Record<string, unknown>): Promise<Reply> {
    if (this.exited !== null) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, op: String(req.op) });
      this.child.stdin.write(`${JSON.stringify({ ...req, id })}\n`);
    });
  }

  async create(req: CreateRequest): Promise<number> {
    const r = await this.request({ op: 'create', ...req });
    return r.session as number;
  }

  /** One packet operation; `packet` as bytes, result packet as hex. */
  async packet(op: PacketOp, session: number, packet: Uint8Array, mkiIndex?: number): Promise<PeerPacketResult> {
    const req: Record<string, unknown> = { op, session, packet: Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength).toString('hex') };
    if (mkiIndex !== undefined) req.mkiIndex = mkiIndex;
    const r = await this.request(req);
    return { rc: r.rc as number, status: r.status as string, packet: r.packet as string | undefined };
  }

  /** Many packet operations on one session, pipelined, results in order. */
  many(op: PacketOp, session: number, packets: readonly Uint8Array[], mkiIndexes?: readonly number[]): Promise<PeerPacketResult[]> {
    return Promise.all(packets.map((p, i) => this.packet(op, session, p, mkiIndexes?.[i])));
  }

  async getRoc(session: number, ssrc: number): Promise<{ rc: number; roc: number }> {
    const r = await this.request({ op: 'getRoc', session, ssrc });
    return { rc: r.rc as number, roc: r.roc as number };
  }

  async setRoc(session: number, ssrc: number, roc: number): Promise<number> {
    const r = await this.request({ op: 'setRoc', session, ssrc, roc });
    return r.rc as number;
  }

  async dealloc(session: number): Promise<void> {
    await this.request({ op: 'dealloc', session });
  }

  /** Closes stdin (the peer exits on EOF) and kills it if it has not gone within a second. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 1000);
    await gone;
    clearTimeout(timer);
  }
}
