/**
 * What the simulated endpoints received during one measurement window, per flow (receiver,
 * stream kind, sender): packets that arrived and decoded, how (SRTP authenticated and
 * decrypted, or plain RTP), duplicates, which media resources they passed, and packets that
 * failed SRTP checks. Packets of earlier windows (stragglers) are ignored.
 */
import type { MediaKind } from './scenario-types';

export type WireTransport = 'srtp' | 'rtp';

export interface FlowCount {
  readonly receiver: string;
  readonly kind: MediaKind;
  readonly sender: number;
  /** Distinct packets of the window that arrived and decoded. */
  received: number;
  srtp: number;
  rtp: number;
  duplicates: number;
  /** Packets that failed SRTP checks (tag, replay, ...) from this sender's SSRC. */
  failed: number;
  /** Per via-mask bit: how many received packets carry it. */
  readonly viaBits: number[];
  readonly seen: Set<number>;
}

export class ReceptionLog {
  private window = -1;
  private readonly flows = new Map<string, FlowCount>();
  /** SRTP failures whose SSRC belongs to no known sender. */
  unattributedFailures = 0;

  /** Start counting a new window; anything of an older one is dropped from now on. */
  begin(window: number): void {
    this.window = window;
    this.flows.clear();
    this.unattributedFailures = 0;
  }

  get current(): number {
    return this.window;
  }

  received(receiver: string, kind: MediaKind, window: number, sender: number, index: number, transport: WireTransport, via: number): void {
    if (window !== this.window) return;
    const f = this.flow(receiver, kind, sender);
    if (f.seen.has(index)) {
      f.duplicates += 1;
      return;
    }
    f.seen.add(index);
    f.received += 1;
    if (transport === 'srtp') f.srtp += 1;
    else f.rtp += 1;
    for (let bit = 0; bit < 16; bit++) if ((via & (1 << bit)) !== 0) f.viaBits[bit] = (f.viaBits[bit] ?? 0) + 1;
  }

  failed(receiver: string, kind: MediaKind, sender: number | null): void {
    if (this.window < 0) return;
    if (sender === null) this.unattributedFailures += 1;
    else this.flow(receiver, kind, sender).failed += 1;
  }

  all(): FlowCount[] {
    return [...this.flows.values()];
  }

  get(receiver: string, kind: MediaKind, sender: number): FlowCount | undefined {
    return this.flows.get(`${receiver}|${kind}|${sender}`);
  }

  private flow(receiver: string, kind: MediaKind, sender: number): FlowCount {
    const key = `${receiver}|${kind}|${sender}`;
    let f = this.flows.get(key);
    if (f === undefined) {
      f = { receiver, kind, sender, received: 0, srtp: 0, rtp: 0, duplicates: 0, failed: 0, viaBits: [], seen: new Set() };
      this.flows.set(key, f);
    }
    return f;
  }
}
