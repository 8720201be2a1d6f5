/**
 * Request/response over a forked child's IPC channel: each request carries an id and gets
 * exactly one reply; children may also push events. Used between the benchmark orchestrator
 * and its two children (the load generator and our relay's server process).
 */
import type { ChildProcess } from 'node:child_process';

export interface IpcRequest<Q> {
  readonly id: number;
  readonly req: Q;
}

export type IpcReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

export interface IpcEvent<E> {
  readonly event: E;
}

/** Parent side: `request()` resolves with the child's result; events go to `onEvent`. */
export class IpcClient<Q, E = never> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private exited: Error | null = null;

  constructor(
    readonly child: ChildProcess,
    readonly name: string,
    private readonly onEvent: (e: E) => void = () => undefined,
  ) {
    child.on('message', (m: IpcReply | IpcEvent<E>) => {
      if ('event' in m) {
        this.onEvent(m.event);
        return;
      }
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${this.name}: ${m.error}`));
    });
    child.on('exit', (code, signal) => {
      this.exited = new Error(`${this.name} exited (code ${String(code)}, signal ${String(signal)})`);
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
    });
  }

  request<R>(req: Q, timeoutMs = 120_000): Promise<R> {
    if (this.exited !== null) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: no reply in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => { clearTimeout(timer); resolve(v as R); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.child.send({ id, req } satisfies IpcRequest<Q>);
    });
  }
}

/** Child side: answer each request with the handler's result (or its error message). */
export function serveIpc<Q>(handler: (req: Q) => Promise<unknown>): void {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('serveIpc: not started with an IPC channel (use child_process.fork)');
  process.on('message', (m: IpcRequest<Q>) => {
    handler(m.req).then(
      (result) => send({ id: m.id, ok: true, result } satisfies IpcReply),
      (err: unknown) => send({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies IpcReply),
    );
  });
  // The orchestrator going away must not leave a busy child behind.
  process.on('disconnect', () => process.exit(0));
}

export function emitEvent<E>(event: E): void {
  process.send?.({ event } satisfies IpcEvent<E>);
}
