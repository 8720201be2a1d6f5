/**
 * API events fanned out to WebSocket subscribers: call control's events (control-events.ts) as
 * they are, stamped with `at` (an ISO timestamp) and `seq` (a per-process sequence number, so a
 * subscriber can tell it missed events). Never keys.
 */
import { EventEmitter } from 'node:events';
import { CONTROL_EVENT_TYPES, type ControlEventMap, type ControlEventType } from '../control';

export type ApiEventMap = ControlEventMap;
export type ApiEventType = ControlEventType;
export type ApiEvent = { [K in ApiEventType]: { readonly type: K; readonly seq: number; readonly at: string } & ApiEventMap[K] }[ApiEventType];

export const API_EVENT_TYPES: readonly ApiEventType[] = CONTROL_EVENT_TYPES;

export class EventHub extends EventEmitter<{ event: [ApiEvent] }> {
  private seq = 0;

  publish<K extends ApiEventType>(type: K, payload: ApiEventMap[K]): void {
    this.seq += 1;
    // Nobody subscribed (the usual case under load): the stamped copy would be thrown away.
    if (this.listenerCount('event') === 0) return;
    const event = { type, seq: this.seq, at: new Date().toISOString(), ...payload } as unknown as ApiEvent;
    this.emit('event', event);
  }
}
