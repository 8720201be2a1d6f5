/**
 * What the console knows: the latest page of calls (polled), each call's security report (from
 * `securitychange` events, fetched when missing or stale), and a bounded timeline of events per
 * call. Pure (no DOM, no network): main.ts feeds it, render.ts draws it.
 */
import type { ApiEvent, CallPage, CallView, SecurityReport } from './api-types.js';
import { ICON_LABELS, reasonLabel, STATUS_LABELS } from './labels.js';

export interface TimelineEntry {
  readonly seq: number;
  readonly at: string;
  readonly type: string;
  /** securitychange only. */
  readonly status?: string;
  readonly previousStatus?: string;
  readonly text: string;
  readonly reasons: readonly string[];
}

/** Entries kept per call (newest first), and calls followed: every collection has a bound. */
export const MAX_TIMELINE = 50;
export const MAX_CALLS_FOLLOWED = 500;
/**
 * A timeline of a call the polled page does not list is dropped once it has been quiet this long
 * (its events can arrive before the next poll lists a new call, so not at once).
 */
export const UNLISTED_GRACE_MS = 10_000;

interface Timeline {
  readonly entries: TimelineEntry[];
  /** When its last event arrived (local clock). */
  touched: number;
}

/** Events shown in a timeline besides `securitychange`: what explains a change. */
const TIMELINE_TYPES = new Set(['callcreated', 'securitychange', 'legadded', 'legremoved', 'resourceadded', 'resourceremoved', 'legmedia', 'keyexpiring', 'keyexpired']);

export class ConsoleState {
  calls: readonly CallView[] = [];
  /** More calls exist than the page shows. */
  more = false;
  updatedAt: Date | null = null;
  private readonly security = new Map<string, SecurityReport>();
  private readonly timelines = new Map<string, Timeline>();

  /** A new page of calls; returns the ids whose security report must be fetched. */
  setCalls(page: CallPage, now = new Date()): string[] {
    this.calls = page.calls;
    this.more = page.nextCursor !== null;
    this.updatedAt = now;
    const ids = new Set(page.calls.map((c) => c.id));
    for (const id of [...this.security.keys()]) if (!ids.has(id)) this.security.delete(id);
    for (const [id, timeline] of [...this.timelines]) {
      if (!ids.has(id) && now.getTime() - timeline.touched > UNLISTED_GRACE_MS) this.timelines.delete(id);
    }
    return page.calls.filter((c) => this.stale(c)).map((c) => c.id);
  }

  /** No report, or one that disagrees with the call view (an event was missed). */
  private stale(call: CallView): boolean {
    const report = this.security.get(call.id);
    if (report === undefined || report.status !== call.status || report.policy !== call.policy) return true;
    const legs = call.legs.map((l) => l.id).sort().join(',');
    return report.devices.map((d) => d.leg).sort().join(',') !== legs;
  }

  setSecurity(callId: string, report: SecurityReport): void {
    if (this.calls.some((c) => c.id === callId)) this.security.set(callId, report);
  }

  securityOf(callId: string): SecurityReport | undefined {
    return this.security.get(callId);
  }

  timelineOf(callId: string): readonly TimelineEntry[] {
    return this.timelines.get(callId)?.entries ?? [];
  }

  /** Forget every report (the event stream reconnected: events may have been missed). */
  invalidateSecurity(): void {
    this.security.clear();
  }

  /** An event from `/v1/events`; true when the page should be redrawn. */
  applyEvent(event: ApiEvent, now = Date.now()): boolean {
    const callId = event.callId;
    if (callId === undefined) return false;
    if (event.type === 'callclosed') {
      this.calls = this.calls.filter((c) => c.id !== callId);
      this.security.delete(callId);
      this.timelines.delete(callId);
      return true;
    }
    if (event.type === 'securitychange' && event.report !== undefined) this.setSecurity(callId, event.report);
    if (!TIMELINE_TYPES.has(event.type)) return false;
    let timeline = this.timelines.get(callId);
    if (timeline === undefined) {
      if (this.timelines.size >= MAX_CALLS_FOLLOWED) return false;
      timeline = { entries: [], touched: now };
      this.timelines.set(callId, timeline);
    }
    timeline.touched = now;
    timeline.entries.unshift(timelineEntry(event));
    if (timeline.entries.length > MAX_TIMELINE) timeline.entries.length = MAX_TIMELINE;
    return true;
  }
}

function timelineEntry(e: ApiEvent): TimelineEntry {
  const base = { seq: e.seq, at: e.at, type: e.type };
  switch (e.type) {
    case 'securitychange': {
      const from = e.previousStatus !== undefined ? STATUS_LABELS[e.previousStatus] : '?';
      const to = e.status !== undefined ? STATUS_LABELS[e.status] : '?';
      const icons = (e.report?.devices ?? []).map((d) => `${d.leg}: ${ICON_LABELS[d.icon]}`).join(', ');
      return {
        ...base, status: e.status, previousStatus: e.previousStatus,
        // The report changes without the status too (a leg joins, a device changes): say so.
        text: `${from === to ? `${to}, unchanged` : `${from} → ${to}`}${icons !== '' ? ` (${icons})` : ''}`,
        reasons: (e.reasons ?? []).map(reasonLabel),
      };
    }
    case 'callcreated': return { ...base, text: 'call created', reasons: [] };
    case 'legadded': return { ...base, text: `leg ${e.legId ?? '?'} added`, reasons: [] };
    case 'legremoved': return { ...base, text: `leg ${e.legId ?? '?'} removed`, reasons: [] };
    case 'resourceadded': return { ...base, text: `${e.kind ?? 'resource'} ${e.resourceId ?? '?'} inserted`, reasons: [] };
    case 'resourceremoved': return { ...base, text: `resource ${e.resourceId ?? '?'} removed`, reasons: [] };
    case 'legmedia': return { ...base, text: `leg ${e.legId ?? '?'} ${e.stream ?? ''} moved to ${e.transport ?? '?'} (re-INVITE)`, reasons: [] };
    default: return { ...base, text: `${e.type}: leg ${e.legId ?? '?'} ${e.stream ?? ''}`, reasons: [] };
  }
}
