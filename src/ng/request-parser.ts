/**
 * Normalises an ng request dictionary into the typed model of requests.ts.
 *
 * - Keys are matched in canonical form (canonical-key.ts): `received from`, `received-from` and
 *   `received_from` are one key. Keys this relay does not know are ignored with a warning.
 * - The `flags` list carries plain flags (`trust-address`, `fatal`, ...) and prefixed ones that
 *   stand for list entries: `SDES-no-X` is `SDES: [no-X]`, `replace-origin` is
 *   `replace: [origin]`, `rtcp-mux-demux` is `rtcp-mux: [demux]`. A `key=value` flag stands for
 *   the key when ng defines it (`transport-protocol=RTP/AVP`), otherwise it is an extension
 *   parameter (`params`).
 * - Values with a closed set of spellings (`transport-protocol`, `DTLS`, `direction`, ...) are
 *   checked: a wrong one is an error, because going on would set up the call differently from
 *   what the proxy asked.
 */
import type { NgDict, NgValue } from './bencode';
import { canonicalKey } from './canonical-key';
import { NgError, NgErrorCode } from './errors';
import {
  NG_COMMANDS, NG_ICE_MODES, NG_REPLACE_OPTIONS, NG_RTCP_MUX_OPTIONS, NG_TRANSPORT_PROTOCOLS,
  type NgCommandName, type NgDtlsMode, type NgIceMode, type NgMediaRequest, type NgParsedRequest,
  type NgReceivedFrom, type NgReplaceOption, type NgRtcpMuxOption, type NgTransportProtocol,
} from './requests';
import { SdesOptionsBuilder } from './sdes-options';

/** Keys this relay reads, canonical. `from-label` is an alias of `label`. */
const KNOWN_KEYS = new Set([
  'command', 'call-id', 'from-tag', 'to-tag', 'via-branch', 'sdp', 'flags', 'replace', 'transport-protocol',
  'ice', 'dtls', 'sdes', 'rtcp-mux', 'direction', 'received-from', 'supports', 'record-call', 'label', 'from-label',
  'media-address', 'address-family', 'delete-delay', 'limit',
]);

/** Keys a `key=value` flag may stand for. */
const FLAG_VALUE_KEYS = new Set(['transport-protocol', 'ice', 'dtls', 'sdes', 'rtcp-mux', 'replace', 'label', 'from-label', 'media-address', 'address-family', 'record-call', 'delete-delay', 'via-branch']);

/** Prefixed flags that stand for list entries: canonical prefix → canonical key. */
const LIST_FLAG_PREFIXES: readonly (readonly [string, string])[] = [
  ['sdes-', 'sdes'],
  ['replace-', 'replace'],
  ['rtcp-mux-', 'rtcp-mux'],
];

/** The canonical keys of a request with every value they were given (keys and flags merged). */
class KeyBag {
  readonly values = new Map<string, NgValue[]>();
  readonly flags: string[] = [];
  readonly params: Record<string, string> = Object.create(null) as Record<string, string>;
  readonly warnings: string[] = [];

  add(key: string, value: NgValue): void {
    const list = this.values.get(key);
    if (list === undefined) this.values.set(key, [value]);
    else list.push(value);
  }

  /** All string entries of a key given as a string or a list of strings (merged over repeats). */
  strings(key: string): string[] {
    const out: string[] = [];
    for (const v of this.values.get(key) ?? []) {
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) {
        for (const item of v) {
          if (typeof item !== 'string') throw new NgError(NgErrorCode.BadValue, `"${key}" must be a list of strings`);
          out.push(item);
        }
      } else throw new NgError(NgErrorCode.BadValue, `"${key}" must be a string or a list of strings`);
    }
    return out;
  }

  /**
   * A single-valued key: given once, or several times (as a key and as a `key=value` flag) with
   * the same value. Different values are an error rather than a silent pick of one.
   */
  string(key: string): string | undefined {
    const all = this.values.get(key);
    if (all === undefined) return undefined;
    const distinct = new Set<string>();
    for (const v of all) {
      if (typeof v === 'number') distinct.add(String(v));
      else if (typeof v === 'string') distinct.add(v);
      else throw new NgError(NgErrorCode.BadValue, `"${key}" must be a string`);
    }
    if (distinct.size > 1) throw new NgError(NgErrorCode.BadValue, `"${key}" given with conflicting values`);
    return [...distinct][0];
  }

  required(key: string): string {
    const v = this.string(key);
    if (v === undefined || v.length === 0) throw new NgError(NgErrorCode.MissingKey, `missing "${key}"`);
    return v;
  }

  integer(key: string): number | undefined {
    const v = this.values.get(key)?.at(-1);
    if (v === undefined) return undefined;
    const n = typeof v === 'string' && /^-?[0-9]+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new NgError(NgErrorCode.BadValue, `"${key}" must be an integer`);
    return n;
  }
}

function addFlag(bag: KeyBag, flag: string): void {
  const eq = flag.indexOf('=');
  if (eq > 0) {
    const key = canonicalKey(flag.slice(0, eq));
    const value = flag.slice(eq + 1);
    if (FLAG_VALUE_KEYS.has(key)) bag.add(key, value);
    else bag.params[key] = value;
    return;
  }
  const c = canonicalKey(flag);
  // A bare protocol name (`RTP/AVP`, as in a Kamailio flags string) sets the transport protocol.
  const protocol = NG_TRANSPORT_PROTOCOLS.find((p) => p !== 'accept' && p.toLowerCase() === c);
  if (protocol !== undefined) {
    bag.add('transport-protocol', protocol);
    return;
  }
  for (const [prefix, key] of LIST_FLAG_PREFIXES) {
    if (c.startsWith(prefix) && c.length > prefix.length) {
      // Keep the original spelling after the prefix: suite names are case-sensitive in SDP.
      bag.add(key, flag.trim().slice(prefix.length));
      return;
    }
  }
  if (c.length > 0) bag.flags.push(c);
}

function collect(dict: NgDict): KeyBag {
  const bag = new KeyBag();
  for (const [rawKey, value] of Object.entries(dict)) {
    const key = canonicalKey(rawKey);
    if (!KNOWN_KEYS.has(key)) {
      bag.warnings.push(`unknown key "${rawKey.slice(0, 64)}" ignored`);
      continue;
    }
    if (key === 'flags') {
      const list = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(list)) throw new NgError(NgErrorCode.BadValue, '"flags" must be a list of strings');
      for (const f of list) {
        if (typeof f !== 'string') throw new NgError(NgErrorCode.BadValue, '"flags" must be a list of strings');
        addFlag(bag, f);
      }
      continue;
    }
    bag.add(key === 'from-label' ? 'label' : key, value);
  }
  return bag;
}

function oneOf<T extends string>(bag: KeyBag, key: string, allowed: readonly T[], canonical: (s: string) => string): T[] {
  return bag.strings(key).map((raw) => {
    const v = canonical(raw);
    const hit = allowed.find((a) => canonical(a) === v);
    if (hit === undefined) throw new NgError(NgErrorCode.BadValue, `"${key}" does not accept "${raw.slice(0, 64)}" (one of: ${allowed.join(', ')})`);
    return hit;
  });
}

function transportProtocol(bag: KeyBag, command: NgCommandName): NgTransportProtocol | undefined {
  const raw = bag.string('transport-protocol');
  if (raw === undefined) return undefined;
  const hit = NG_TRANSPORT_PROTOCOLS.find((p) => p.toUpperCase() === raw.trim().toUpperCase());
  if (hit === undefined || (hit === 'accept' && command !== 'answer')) {
    throw new NgError(NgErrorCode.BadValue, `"transport-protocol" does not accept "${raw.slice(0, 64)}"`);
  }
  return hit;
}

function iceMode(bag: KeyBag): { mode?: NgIceMode; options: string[] } {
  let mode: NgIceMode | undefined;
  const options: string[] = [];
  for (const raw of bag.strings('ice')) {
    const c = canonicalKey(raw);
    const hit = NG_ICE_MODES.find((m) => m === c);
    if (hit !== undefined) mode = hit;
    else if (c === 'trickle' || c === 'ice2' || c.startsWith('lite-')) options.push(c);
    else throw new NgError(NgErrorCode.BadValue, `"ICE" does not accept "${raw.slice(0, 64)}"`);
  }
  return mode === undefined ? { options } : { mode, options };
}

function dtlsMode(bag: KeyBag): NgDtlsMode | undefined {
  const raw = bag.string('dtls');
  if (raw === undefined) return undefined;
  const c = canonicalKey(raw);
  if (c === 'off' || c === 'no' || c === 'disable') return 'off';
  if (c === 'passive' || c === 'active') return c;
  throw new NgError(NgErrorCode.BadValue, `"DTLS" does not accept "${raw.slice(0, 64)}" (off, passive, active)`);
}

function direction(bag: KeyBag): [string, string] | undefined {
  if (!bag.values.has('direction')) return undefined;
  const d = bag.strings('direction');
  if (d.length !== 2) throw new NgError(NgErrorCode.BadValue, '"direction" must be a list of two interface names');
  return [d[0], d[1]];
}

function receivedFrom(bag: KeyBag): NgReceivedFrom | undefined {
  if (!bag.values.has('received-from')) return undefined;
  const r = bag.strings('received-from');
  const family = r[0]?.toUpperCase();
  if (r.length !== 2 || (family !== 'IP4' && family !== 'IP6') || r[1].length === 0) {
    throw new NgError(NgErrorCode.BadValue, '"received-from" must be ["IP4" or "IP6", address]');
  }
  return { family, address: r[1] };
}

function yesNo(bag: KeyBag, key: string): boolean | undefined {
  const raw = bag.string(key);
  if (raw === undefined) return undefined;
  const c = canonicalKey(raw);
  if (c === 'yes' || c === 'on' || c === 'true' || c === '1') return true;
  if (c === 'no' || c === 'off' || c === 'false' || c === '0') return false;
  throw new NgError(NgErrorCode.BadValue, `"${key}" must be yes/no/on/off`);
}

function mediaRequest(bag: KeyBag, command: 'offer' | 'answer'): NgMediaRequest {
  const sdes = new SdesOptionsBuilder();
  for (const entry of bag.strings('sdes')) {
    const warning = sdes.add(entry);
    if (warning !== undefined) bag.warnings.push(warning);
  }
  const ice = iceMode(bag);
  const dtls = dtlsMode(bag);
  const tp = transportProtocol(bag, command);
  const dir = direction(bag);
  const from = receivedFrom(bag);
  const record = yesNo(bag, 'record-call') ?? (bag.flags.includes('record-call') ? true : undefined);
  const family = bag.string('address-family')?.toUpperCase();
  if (family !== undefined && family !== 'IP4' && family !== 'IP6') throw new NgError(NgErrorCode.BadValue, '"address family" must be IP4 or IP6');
  const supports = bag.strings('supports').map(canonicalKey);
  const optional = {
    toTag: bag.string('to-tag') || undefined,
    viaBranch: bag.string('via-branch') || undefined,
    transportProtocol: tp,
    ice: ice.mode,
    dtls,
    direction: dir,
    receivedFrom: from,
    mediaAddress: bag.string('media-address'),
    addressFamily: family as 'IP4' | 'IP6' | undefined,
    label: bag.string('label'),
    recordCall: record,
  };
  const defined = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined));
  return {
    callId: bag.required('call-id'),
    fromTag: bag.required('from-tag'),
    sdp: bag.required('sdp'),
    flags: Object.freeze([...new Set(bag.flags)]),
    iceOptions: Object.freeze(ice.options),
    sdes: sdes.build(),
    rtcpMux: Object.freeze([...new Set(oneOf<NgRtcpMuxOption>(bag, 'rtcp-mux', NG_RTCP_MUX_OPTIONS, canonicalKey))]),
    replace: Object.freeze([...new Set(oneOf<NgReplaceOption>(bag, 'replace', NG_REPLACE_OPTIONS, canonicalKey))]),
    supportsLoadLimit: supports.includes('load-limit'),
    params: Object.freeze({ ...bag.params }),
    ...defined,
  };
}

function commandName(dict: NgDict): NgCommandName {
  const raw = Object.entries(dict).find(([k]) => canonicalKey(k) === 'command')?.[1];
  if (raw === undefined) throw new NgError(NgErrorCode.UnknownCommand, 'missing "command"');
  if (typeof raw !== 'string') throw new NgError(NgErrorCode.UnknownCommand, '"command" must be a string');
  const name = raw.trim().toLowerCase();
  const hit = NG_COMMANDS.find((c) => c === name);
  if (hit === undefined) throw new NgError(NgErrorCode.UnknownCommand, `unknown command "${raw.slice(0, 64)}"`);
  return hit;
}

/** The command name alone, for a reply or a log line when the rest of the request is bad. */
export function peekCommand(dict: NgDict): NgCommandName | undefined {
  try {
    return commandName(dict);
  } catch {
    return undefined;
  }
}

export function parseRequest(dict: NgDict): NgParsedRequest {
  const command = commandName(dict);
  const bag = collect(dict);
  switch (command) {
    case 'ping':
      return { request: { command }, warnings: bag.warnings };
    case 'statistics':
      return { request: { command }, warnings: bag.warnings };
    case 'offer':
      return { request: { command, ...mediaRequest(bag, command) }, warnings: bag.warnings };
    case 'answer': {
      const base = mediaRequest(bag, command);
      return { request: { ...base, command, toTag: bag.required('to-tag') }, warnings: bag.warnings };
    }
    case 'delete': {
      const deleteDelay = bag.integer('delete-delay');
      if (deleteDelay !== undefined && deleteDelay < 0) throw new NgError(NgErrorCode.BadValue, '"delete delay" must not be negative');
      const optional = { fromTag: bag.string('from-tag') || undefined, toTag: bag.string('to-tag') || undefined, viaBranch: bag.string('via-branch') || undefined, deleteDelay };
      return {
        request: {
          command,
          callId: bag.required('call-id'),
          fatal: bag.flags.includes('fatal'),
          fast: bag.flags.includes('fast'),
          honourToTag: bag.flags.includes('to-tag'),
          ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
        },
        warnings: bag.warnings,
      };
    }
    case 'query': {
      const optional = { fromTag: bag.string('from-tag') || undefined, toTag: bag.string('to-tag') || undefined };
      return {
        request: { command, callId: bag.required('call-id'), ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) },
        warnings: bag.warnings,
      };
    }
    case 'list': {
      const limit = bag.integer('limit') ?? 32;
      if (limit <= 0) throw new NgError(NgErrorCode.BadValue, '"limit" must be greater than 0');
      return { request: { command, limit }, warnings: bag.warnings };
    }
  }
}
