/**
 * The operator console (docs/console.md): asks for the API token, keeps it in sessionStorage
 * (this tab only, gone when it closes), then polls `GET /v1/calls` once a second for counters and
 * listens on `/v1/events` for security changes. Without a token it makes no request at all.
 */
import { ApiClient, ApiFailure } from './api-client.js';
import type { CallPage, SecurityReport } from './api-types.js';
import { ConsoleState } from './console-state.js';
import { EventStream, type StreamState } from './event-stream.js';
import { renderCalls } from './render.js';

const TOKEN_KEY = 'srtp-relay.console.token';
/** Counters are redrawn at least this often (the issue asks for at least once a second). */
const POLL_MS = 1000;
/** One page of calls: GET /v1/calls?limit= (the API caps it too). */
const PAGE_SIZE = 100;

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`console page lacks #${id}`);
  return node as T;
}

const ui = {
  prompt: byId<HTMLElement>('token-prompt'),
  form: byId<HTMLFormElement>('token-form'),
  input: byId<HTMLInputElement>('token-input'),
  message: byId<HTMLElement>('auth-message'),
  live: byId<HTMLElement>('live'),
  calls: byId<HTMLElement>('calls'),
  connection: byId<HTMLElement>('connection'),
  updated: byId<HTMLElement>('updated'),
  problem: byId<HTMLElement>('problem'),
  signOut: byId<HTMLButtonElement>('sign-out'),
};

class LiveSession {
  private readonly state = new ConsoleState();
  private readonly events: EventStream;
  private timer: number | null = null;
  private stopped = false;
  private readonly fetching = new Set<string>();

  constructor(private readonly client: ApiClient, token: string, private readonly onRefused: (failure: ApiFailure) => void) {
    this.events = new EventStream(token, (event) => {
      if (this.state.applyEvent(event)) this.draw();
    }, (state) => this.streamState(state));
  }

  start(first: CallPage): void {
    this.accept(first);
    this.events.start();
    this.schedule(POLL_MS);
  }

  stop(): void {
    this.stopped = true;
    this.events.stop();
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    if (!this.stopped) this.timer = window.setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    const started = Date.now();
    try {
      this.accept(await this.client.get<CallPage>(`/v1/calls?limit=${PAGE_SIZE}`));
      ui.problem.hidden = true;
    } catch (err) {
      if (this.refused(err)) return;
      ui.problem.textContent = err instanceof ApiFailure ? err.describe() : String(err);
      ui.problem.hidden = false;
    }
    this.schedule(Math.max(0, POLL_MS - (Date.now() - started)));
  }

  private accept(page: CallPage): void {
    for (const id of this.state.setCalls(page)) void this.fetchSecurity(id);
    this.draw();
  }

  private async fetchSecurity(callId: string): Promise<void> {
    if (this.fetching.has(callId)) return;
    this.fetching.add(callId);
    try {
      this.state.setSecurity(callId, await this.client.get<SecurityReport>(`/v1/calls/${encodeURIComponent(callId)}/security`));
      this.draw();
    } catch (err) {
      // A call that ended meanwhile (404) is dropped by the next poll.
      this.refused(err);
    } finally {
      this.fetching.delete(callId);
    }
  }

  /** A 401 mid-session (token changed, server restarted with another): back to the prompt. */
  private refused(err: unknown): boolean {
    if (!(err instanceof ApiFailure) || err.status !== 401 || this.stopped) return false;
    this.stop();
    this.onRefused(err);
    return true;
  }

  private streamState(state: StreamState): void {
    ui.connection.dataset.state = state;
    ui.connection.textContent = state === 'open' ? 'events: live' : state === 'connecting' ? 'events: connecting…' : 'events: disconnected, retrying';
    // Events may have been missed while disconnected: every report is fetched again.
    if (state === 'open') {
      this.state.invalidateSecurity();
      for (const call of this.state.calls) void this.fetchSecurity(call.id);
    }
  }

  private draw(): void {
    if (this.stopped) return;
    renderCalls(ui.calls, this.state);
    const at = this.state.updatedAt;
    ui.updated.textContent = at === null ? '' : `updated ${at.toLocaleTimeString([], { hour12: false })}`;
  }
}

let session: LiveSession | null = null;

function showPrompt(message: string, kind: 'info' | 'error'): void {
  session?.stop();
  session = null;
  ui.calls.replaceChildren();
  ui.live.hidden = true;
  ui.signOut.hidden = true;
  ui.prompt.hidden = false;
  ui.message.textContent = message;
  ui.message.dataset.kind = kind;
  ui.input.focus();
}

async function connect(token: string): Promise<void> {
  const client = new ApiClient(token);
  ui.message.textContent = 'Checking the token…';
  ui.message.dataset.kind = 'info';
  let first: CallPage;
  try {
    first = await client.get<CallPage>(`/v1/calls?limit=${PAGE_SIZE}`);
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      ui.input.value = '';
    }
    showPrompt(err instanceof ApiFailure ? `The relay refused: ${err.describe()}` : String(err), 'error');
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  ui.input.value = '';
  ui.prompt.hidden = true;
  ui.live.hidden = false;
  ui.signOut.hidden = false;
  ui.problem.hidden = true;
  session = new LiveSession(client, token, (failure) => {
    sessionStorage.removeItem(TOKEN_KEY);
    showPrompt(`The relay refused the token: ${failure.describe()}`, 'error');
  });
  session.start(first);
}

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = ui.input.value.trim();
  if (token === '') {
    showPrompt('Enter the API token first.', 'error');
    return;
  }
  void connect(token);
});

ui.signOut.addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  showPrompt('Signed out. Enter the API token to see calls.', 'info');
});

// The script runs: the "loading" note goes (it stays when the script is missing or blocked).
byId<HTMLElement>('boot-note').hidden = true;
const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved !== null && saved !== '') void connect(saved);
else showPrompt('Enter the API token to see calls. No data is shown or requested without it.', 'info');
