/**
 * Draws the console state into the page with createElement and textContent only (never
 * innerHTML: nothing the API returns is parsed as markup). The markup carries data attributes
 * (`data-call-id`, `data-status`, `data-icon`, `data-counter`...) that the browser test reads.
 * Only whitelisted fields of the views are drawn; the views hold no key material in any case.
 */
import type { CallView, DeviceReport, LegView, SecurityIcon, SecurityLevel, StreamView } from './api-types.js';
import type { ConsoleState, TimelineEntry } from './console-state.js';
import { iconBadge } from './icons.js';
import { clock, modeLabel, SHOWN_COUNTERS, STATUS_LABELS, transportLabel, yesNo } from './labels.js';

const STATUS_ICON: Readonly<Record<SecurityLevel, SecurityIcon>> = { encrypted: 'lock', authenticated: 'shield', nonsecure: 'none' };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A `<dl>` of label/value pairs; each value carries `data-field`. */
function facts(className: string, rows: readonly (readonly [string, string, string])[]): HTMLDListElement {
  const list = el('dl', className);
  for (const [field, label, value] of rows) {
    const item = el('div', 'fact');
    const dd = el('dd', undefined, value);
    dd.dataset.field = field;
    item.append(el('dt', undefined, label), dd);
    list.append(item);
  }
  return list;
}

function streamBlock(stream: StreamView): HTMLElement {
  const block = el('div', 'stream');
  block.dataset.streamKind = stream.kind;
  block.dataset.transport = stream.transport ?? 'none';
  const remote = stream.remote === null ? '—' : `${stream.remote.address}:${stream.remote.port}`;
  const local = stream.local === null ? '—' : `${stream.local.address}:${stream.local.rtpPort}`;
  block.append(
    el('h4', undefined, stream.kind),
    facts('stream-facts', [
      ['transport', 'transport', transportLabel(stream)],
      ['mode', 'pair mode', modeLabel(stream.mode)],
      ['peer', 'paired with', stream.peer ?? '—'],
      ['remote', 'remote', remote],
      ['local', 'relay port', local],
    ]),
  );
  const counters = el('dl', 'counters');
  for (const [name, label] of SHOWN_COUNTERS) {
    const item = el('div', 'counter');
    const value = el('dd', undefined, String(stream.counters?.[name] ?? 0));
    value.dataset.counter = name;
    item.append(el('dt', undefined, label), value);
    counters.append(item);
  }
  block.append(counters);
  return block;
}

function legCard(leg: LegView, device: DeviceReport | undefined): HTMLElement {
  const card = el('article', 'leg');
  card.dataset.legId = leg.id;
  const head = el('header', 'leg-head');
  const title = el('h3', undefined, `Leg ${leg.id}`);
  const icon = iconBadge(device?.icon ?? 'none', 'device-icon');
  if (device === undefined) icon.dataset.pending = 'true';
  const tone = el('span', 'tone', `tone: ${device?.tone ?? '…'}`);
  tone.dataset.tone = device?.tone ?? '';
  head.append(title, icon, tone);
  const d = leg.device;
  card.append(
    head,
    facts('device-facts', [
      ['device', 'device', `${d.id} (${d.kind.replace(/_/g, ' ')})`],
      ['trusted', 'trusted', yesNo(d.trusted)],
      ['securityMode', 'security mode', d.securityMode],
      ['signalingTls', 'signalling TLS', yesNo(d.signalingTls)],
      ['iconCapability', 'icons', d.iconCapability === 'lock_only' ? 'lock only' : 'shield and lock'],
      ['keying', 'keying', leg.keying],
    ]),
    ...leg.streams.map(streamBlock),
  );
  return card;
}

function timelineList(entries: readonly TimelineEntry[]): HTMLElement {
  const box = el('section', 'timeline-box');
  box.append(el('h3', undefined, 'Timeline (since this page opened)'));
  if (entries.length === 0) {
    box.append(el('p', 'muted', 'No events yet.'));
    return box;
  }
  const list = el('ol', 'timeline');
  for (const entry of entries) {
    const item = el('li', `event event-${entry.type}`);
    item.dataset.eventType = entry.type;
    if (entry.status !== undefined) item.dataset.status = entry.status;
    const time = el('time', undefined, clock(entry.at));
    time.dateTime = entry.at;
    item.append(time, el('span', 'event-type', entry.type), el('span', 'event-text', entry.text));
    if (entry.reasons.length > 0) {
      const reasons = el('ul', 'reasons');
      for (const r of entry.reasons) reasons.append(el('li', undefined, r));
      item.append(reasons);
    }
    list.append(item);
  }
  box.append(list);
  return box;
}

function callSection(call: CallView, state: ConsoleState): HTMLElement {
  const section = el('section', 'call');
  section.dataset.callId = call.id;
  const report = state.securityOf(call.id);
  const head = el('header', 'call-head');
  const status = iconBadge(STATUS_ICON[call.status], 'call-status', STATUS_LABELS[call.status]);
  status.dataset.status = call.status;
  const notes: string[] = [`policy ${call.policy}`];
  if (call.hold !== null) notes.push(`on hold by ${call.hold.holdingLegId}${call.hold.mohResourceId !== null ? `, music ${call.hold.mohResourceId}` : ''}`);
  if (call.pending !== null) notes.push(`${call.pending} pending`);
  if (call.conference !== null) notes.push(`${call.conference.kind} conference`);
  for (const r of call.resources) notes.push(`${r.kind.replace(/_/g, ' ')} ${r.id}`);
  head.append(el('h2', undefined, `Call ${call.id}`), status, el('p', 'call-notes', notes.join(' · ')));
  section.append(head);
  if (report !== undefined && report.reasons.length > 0) {
    const why = el('p', 'why', `Why not encrypted: ${report.reasons.map((r) => r.code).join(', ')}`);
    section.append(why);
  }
  const legs = el('div', 'legs');
  if (call.legs.length === 0) legs.append(el('p', 'muted', 'No legs yet.'));
  for (const leg of call.legs) legs.append(legCard(leg, report?.devices.find((d) => d.leg === leg.id)));
  section.append(legs, timelineList(state.timelineOf(call.id)));
  return section;
}

export function renderCalls(container: HTMLElement, state: ConsoleState): void {
  const nodes: HTMLElement[] = state.calls.map((call) => callSection(call, state));
  if (nodes.length === 0) nodes.push(el('p', 'empty', 'No calls on this relay right now.'));
  if (state.more) nodes.push(el('p', 'muted', `Showing the first ${state.calls.length} calls (in id order).`));
  container.replaceChildren(...nodes);
}
