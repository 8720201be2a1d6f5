/**
 * Reply dictionaries (rtpengine's docs/ng_control_protocol.md): `result` is `ok`, `error`, `pong` or
 * `load limit`. An error carries `error-reason` and nothing else; `ok` may carry `warning`
 * (non-fatal problems, joined into one string) and the command's keys (`sdp`, query data).
 */
import type { NgDict } from './bencode';
import type { NgCallInfo, NgEndpoint, NgMediaInfo, NgPacketStats, NgStreamInfo, NgTagInfo } from './call-control';

/** Longest `warning` sent: a reply must still fit a datagram. */
const MAX_WARNING_LENGTH = 1024;

export function okReply(fields: NgDict = {}, warnings: readonly string[] = []): NgDict {
  const reply: NgDict = { result: 'ok', ...fields };
  if (warnings.length > 0) reply.warning = warnings.join('; ').slice(0, MAX_WARNING_LENGTH);
  return reply;
}

export function errorReply(reason: string): NgDict {
  return { result: 'error', 'error-reason': reason.slice(0, MAX_WARNING_LENGTH) };
}

export function pongReply(): NgDict {
  return { result: 'pong' };
}

/** For proxies that sent `supports: [load limit]`; `message` is the optional explanation. */
export function loadLimitReply(message: string): NgDict {
  return { result: 'load limit', message: message.slice(0, MAX_WARNING_LENGTH) };
}

function stats(s: NgPacketStats): NgDict {
  return { packets: s.packets, bytes: s.bytes, errors: s.errors };
}

function endpoint(e: NgEndpoint): NgDict {
  return { family: e.family, address: e.address, port: e.port };
}

function stream(s: NgStreamInfo): NgDict {
  const d: NgDict = { flags: [...s.flags], stats: stats(s.stats) };
  if (s.localPort !== undefined) d['local port'] = s.localPort;
  if (s.endpoint !== undefined) d.endpoint = endpoint(s.endpoint);
  if (s.advertisedEndpoint !== undefined) d['advertised endpoint'] = endpoint(s.advertisedEndpoint);
  if (s.cryptoSuite !== undefined) d['crypto suite'] = s.cryptoSuite;
  if (s.lastPacket !== undefined) d['last packet'] = s.lastPacket;
  return d;
}

function media(m: NgMediaInfo): NgDict {
  const d: NgDict = { index: m.index, type: m.type, flags: [...m.flags], streams: m.streams.map(stream) };
  if (m.protocol !== undefined) d.protocol = m.protocol;
  return d;
}

function tag(t: NgTagInfo): NgDict {
  const d: NgDict = { tag: t.tag, created: t.created, medias: t.medias.map(media) };
  if (t.label !== undefined) d.label = t.label;
  if (t.inDialogueWith !== undefined) d['in dialogue with'] = t.inDialogueWith;
  return d;
}

/** The `query` reply keys (and `delete`'s statistics): `created`, `last signal`, `tags`, `totals`. */
export function callInfoFields(call: NgCallInfo): NgDict {
  const tags: NgDict = {};
  for (const t of call.tags) tags[t.tag] = tag(t);
  return {
    created: call.created,
    'last signal': call.lastSignal,
    tags,
    totals: { RTP: stats(call.totals.rtp), RTCP: stats(call.totals.rtcp) },
    ...(call.extensions ?? {}),
  };
}
