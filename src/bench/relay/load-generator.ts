/**
 * The load generator process (forked by the orchestrator from dist/): many calls' endpoints in
 * one Node process, every stream at 50 packets/s. Sends are batched by timer: the 20 ms
 * packet interval is cut into 4 slots of 5 ms and each call belongs to one slot, so a tick
 * sends a quarter of all calls' packets instead of one burst of everything. A slot that runs
 * late is sent as soon as possible (the rate is kept) and its lateness recorded: a generator
 * that falls behind its own schedule is saturated, and the step does not count.
 */
import { performance } from 'node:perf_hooks';
import { GeneratorEndpoint, GeneratorTotals } from './generator-endpoint';
import type { CallConfig, GeneratorEvent, GeneratorRequest, OpenedCall, RunOptions, StepStats } from './generator-messages';
import { emitEvent, serveIpc } from './ipc-channel';
import { LatencyHistogram } from './latency-histogram';

const PACKET_INTERVAL_MS = 20;
const SLOTS = 4;
const SLOT_MS = PACKET_INTERVAL_MS / SLOTS;

interface GeneratorCall {
  readonly a: GeneratorEndpoint;
  readonly b: GeneratorEndpoint;
  configured: boolean;
}

export class LoadGenerator {
  private readonly calls: GeneratorCall[] = [];
  private readonly totals = new GeneratorTotals(new LatencyHistogram());
  private readonly slotLag = new LatencyHistogram();
  private running = false;

  async open(count: number): Promise<OpenedCall[]> {
    const opened: OpenedCall[] = [];
    for (let i = 0; i < count; i++) {
      const id = this.calls.length;
      const a = await GeneratorEndpoint.open(id * 2, this.totals);
      const b = await GeneratorEndpoint.open(id * 2 + 1, this.totals);
      a.peer = b;
      b.peer = a;
      this.calls.push({ a, b, configured: false });
      opened.push({ a: a.port, b: b.port });
    }
    return opened;
  }

  async configure(first: number, configs: readonly CallConfig[]): Promise<void> {
    for (let i = 0; i < configs.length; i++) {
      const call = this.calls[first + i];
      if (call === undefined) throw new Error(`no call ${first + i}; open it first`);
      const c = configs[i];
      await call.a.configure(c.a.relayAddress, c.a.relayPort, c.a.send, c.a.recv);
      await call.b.configure(c.b.relayAddress, c.b.relayPort, c.b.send, c.b.recv);
      call.configured = true;
    }
  }

  run(o: RunOptions): Promise<StepStats> {
    if (this.running) return Promise.reject(new Error('a run is already in progress'));
    this.running = true;
    const calls = this.calls.filter((c) => c.configured);
    // Endpoints per slot: call i sends both directions in slot i % SLOTS.
    const slots: GeneratorEndpoint[][] = Array.from({ length: SLOTS }, () => []);
    calls.forEach((c, i) => slots[i % SLOTS].push(c.a, c.b));
    this.totals.reset();
    this.slotLag.reset();
    const t0 = performance.now();
    const measureStart = t0 + o.warmupMs;
    const measureEnd = measureStart + o.measureMs;
    let done = 0;
    let started = false;
    let windowStart = 0;
    return new Promise((resolve) => {
      const tick = (): void => {
        const due = Math.floor((performance.now() - t0) / SLOT_MS);
        while (done <= due) {
          // A packet belongs to the measured window by its scheduled slot, not by when a
          // late tick got to send it: the window holds exactly measureMs of packets.
          const slotTime = t0 + done * SLOT_MS;
          if (slotTime >= measureEnd) {
            // Wall time the measured slots took to send; longer than measureMs when the
            // generator could not keep 50 packets/s per stream.
            const windowMs = performance.now() - windowStart + SLOT_MS;
            this.totals.measuring = false;
            emitEvent<GeneratorEvent>({ kind: 'window', phase: 'end' });
            clearInterval(timer);
            setTimeout(() => {
              this.running = false;
              resolve(this.stats(calls.length, o.measureMs, windowMs));
            }, o.drainMs);
            return;
          }
          const measuring = slotTime >= measureStart;
          if (measuring && !started) {
            started = true;
            windowStart = performance.now();
            emitEvent<GeneratorEvent>({ kind: 'window', phase: 'start' });
          }
          this.totals.measuring = measuring;
          const sendNow = performance.now();
          if (measuring) this.slotLag.record(sendNow - slotTime);
          const eps = slots[done % SLOTS];
          for (let i = 0; i < eps.length; i++) eps[i].send(sendNow);
          done++;
        }
      };
      const timer = setInterval(tick, 1);
    });
  }

  reset(): void {
    for (const c of this.calls) {
      c.a.close();
      c.b.close();
    }
    this.calls.length = 0;
  }

  private stats(calls: number, measuredMs: number, windowMs: number): StepStats {
    const t = this.totals;
    return {
      calls,
      streams: calls * 2,
      sent: t.sent,
      received: t.received,
      lost: t.sent - t.received,
      unmatched: t.unmatched,
      verified: t.verified,
      verifyFailures: t.verifyFailures,
      verifyFailureKind: t.verifyFailureKind,
      sendErrors: t.sendErrors,
      latency: t.latency.summary(),
      slotLag: this.slotLag.summary(),
      measuredMs,
      windowMs,
    };
  }
}

export function main(): void {
  const gen = new LoadGenerator();
  serveIpc<GeneratorRequest>(async (req) => {
    switch (req.op) {
      case 'open':
        return gen.open(req.count);
      case 'configure':
        return gen.configure(req.first, req.calls);
      case 'run':
        return gen.run(req.options);
      case 'reset':
        gen.reset();
        return null;
    }
  });
}

if (require.main === module) main();
