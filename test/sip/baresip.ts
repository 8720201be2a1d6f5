/**
 * A baresip 1.0 SIP phone (Debian `baresip-core`) for the harness, with a generated config
 * directory: no sound card, so `aufile` plays a WAV tone as the microphone, `aubridge` stands in
 * for the loudspeaker, and the `sndfile` filter records what the phone decodes (`*-dec.wav`) and
 * encodes (`*-enc.wav`). `srtp` provides SDES-SRTP (account `mediaenc=srtp-mand`: SRTP or no
 * call); `account` loads the account line; `menu` provides the dial/hangup commands and
 * `ctrl_tcp` exposes them, with call events, as netstring-framed JSON on a TCP port. The callee
 * answers by itself (`answermode=auto`). Only PCMU is enabled, so the wire can be checked.
 */
import net from 'node:net';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess } from './processes';

export const BARESIP_BIN = '/usr/bin/baresip';
/** The SDES suites baresip 1.0's srtp module accepts (modules/srtp/srtp.c). */
export const BARESIP_SUITES: readonly string[] = Object.freeze(['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']);

export interface PhoneOptions {
  readonly name: string;
  readonly dir: string;
  readonly sipPort: number;
  readonly ctrlPort: number;
  readonly rtpPorts: readonly [number, number];
  readonly toneWav: string;
  readonly srtp: boolean;
  /** Kamailio's SIP port on 127.0.0.1: every request goes through it. */
  readonly proxyPort: number;
}

export interface BaresipEvent {
  readonly type: string;
  readonly id?: string;
  readonly param?: string;
  readonly [key: string]: unknown;
}

function configText(o: PhoneOptions): string {
  return [
    'poll_method\tepoll',
    `sip_listen\t127.0.0.1:${o.sipPort}`,
    'net_interface\t127.0.0.1',
    `rtp_ports\t${o.rtpPorts[0]}-${o.rtpPorts[1]}`,
    `audio_source\taufile,${o.toneWav}`,
    `audio_player\taubridge,nodev_${o.name}`,
    `audio_alert\taubridge,nodev_${o.name}`,
    'audio_srate\t8000',
    'audio_channels\t1',
    'module_path\t/usr/lib/baresip/modules',
    'module\tg711.so',
    'module\taufile.so',
    'module\taubridge.so',
    'module\tsndfile.so',
    'module\tsrtp.so',
    // After srtp and g711: the account's mediaenc and audio_codecs name what those modules register.
    'module\taccount.so',
    'module_app\tmenu.so',
    'module\tctrl_tcp.so',
    `ctrl_tcp_listen\t127.0.0.1:${o.ctrlPort}`,
    `snd_path\t${join(o.dir, 'recordings')}`,
    '',
  ].join('\n');
}

function accountLine(o: PhoneOptions): string {
  const params = [`regint=0`, `outbound="sip:127.0.0.1:${o.proxyPort}"`, 'answermode=auto', 'audio_codecs=PCMU', ...(o.srtp ? ['mediaenc=srtp-mand'] : [])];
  return `<sip:${o.name}@127.0.0.1>;${params.join(';')}\n`;
}

export class BaresipPhone {
  readonly events: BaresipEvent[] = [];
  private readonly eventWaiters: { match(e: BaresipEvent): boolean; resolve(e: BaresipEvent): void }[] = [];
  private readonly responses: { resolve(v: { ok: boolean; data: string }): void }[] = [];
  private buffer = Buffer.alloc(0);

  private constructor(
    readonly options: PhoneOptions,
    readonly process: ManagedProcess,
    private readonly ctrl: net.Socket,
  ) {
    ctrl.on('data', (d: Buffer) => this.onData(d));
    ctrl.on('error', () => undefined);
  }

  static async start(o: PhoneOptions): Promise<BaresipPhone> {
    mkdirSync(join(o.dir, 'recordings'), { recursive: true });
    writeFileSync(join(o.dir, 'config'), configText(o));
    writeFileSync(join(o.dir, 'accounts'), accountLine(o));
    const proc = ManagedProcess.start(`baresip ${o.name}`, BARESIP_BIN, ['-f', o.dir], { cwd: o.dir });
    try {
      await proc.waitFor(/baresip is ready\./, 10_000);
      const ctrl = await new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect(o.ctrlPort, '127.0.0.1', () => resolve(s));
        s.once('error', reject);
      });
      return new BaresipPhone(o, proc, ctrl);
    } catch (err) {
      await proc.stop();
      throw err;
    }
  }

  get name(): string {
    return this.options.name;
  }

  /** Runs a menu command through ctrl_tcp; rejects when baresip answers `ok: false`. */
  async command(command: string, params = ''): Promise<string> {
    const json = Buffer.from(JSON.stringify({ command, params, token: `${command}` }), 'utf8');
    const reply = new Promise<{ ok: boolean; data: string }>((resolve) => this.responses.push({ resolve }));
    this.ctrl.write(Buffer.concat([Buffer.from(`${json.length}:`), json, Buffer.from(',')]));
    const r = await withTimeout(reply, 5000, `${this.name}: no reply to ${command}`);
    if (!r.ok) throw new Error(`${this.name}: ${command} ${params} failed: ${r.data}\n${this.process.tail()}`);
    return r.data;
  }

  dial(uri: string): Promise<string> {
    return this.command('dial', uri);
  }

  hangup(): Promise<string> {
    return this.command('hangup');
  }

  /** The first event (already received or later) of `type` that `match` accepts. */
  waitEvent(type: string, timeoutMs: number, match: (e: BaresipEvent) => boolean = () => true): Promise<BaresipEvent> {
    const m = (e: BaresipEvent): boolean => e.type === type && match(e);
    const seen = this.events.find(m);
    if (seen !== undefined) return Promise.resolve(seen);
    return withTimeout(new Promise<BaresipEvent>((resolve) => this.eventWaiters.push({ match: m, resolve })), timeoutMs,
      `${this.name}: no ${type} event within ${timeoutMs} ms (events: ${this.events.map((e) => e.type).join(', ')})\n${this.process.tail()}`);
  }

  /** What the phone decoded from the network, recorded by sndfile. */
  recordingPath(): string {
    const dir = join(this.options.dir, 'recordings');
    const files = readdirSync(dir).filter((f) => f.endsWith('-dec.wav')).sort();
    if (files.length === 0) throw new Error(`${this.name}: sndfile wrote no *-dec.wav into ${dir}`);
    return join(dir, files[files.length - 1]);
  }

  async stop(): Promise<void> {
    this.ctrl.destroy();
    await this.process.stop();
  }

  /** Netstring frames `<len>:<json>,` carrying responses and events. */
  private onData(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const colon = this.buffer.indexOf(0x3a);
      if (colon < 0) return;
      const len = Number(this.buffer.toString('ascii', 0, colon));
      if (!Number.isInteger(len) || this.buffer.length < colon + 1 + len + 1) return;
      const json = this.buffer.toString('utf8', colon + 1, colon + 1 + len);
      this.buffer = this.buffer.subarray(colon + 1 + len + 1);
      let msg: { event?: boolean; response?: boolean; ok?: boolean; data?: string } & Record<string, unknown>;
      try {
        msg = JSON.parse(json) as typeof msg;
      } catch {
        continue;
      }
      if (msg.response === true) this.responses.shift()?.resolve({ ok: msg.ok === true, data: String(msg.data ?? '') });
      else if (msg.event === true) {
        const e = msg as unknown as BaresipEvent;
        this.events.push(e);
        for (const w of [...this.eventWaiters]) {
          if (w.match(e)) {
            this.eventWaiters.splice(this.eventWaiters.indexOf(w), 1);
            w.resolve(e);
          }
        }
      }
    }
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  })]).finally(() => clearTimeout(timer));
}
