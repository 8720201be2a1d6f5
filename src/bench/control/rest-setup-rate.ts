/**
 * The REST call-setup rate: per call `POST /v1/calls`, then two SDES legs (`POST .../legs`, each
 * with its phone's a=crypto line; the relay answers each with its own fresh key and bridges
 * them, re-encrypting), then `DELETE` — the same lifecycle the ng benchmark times (offer, answer,
 * delete). Every reply is checked: both answers must carry a crypto line and the call must end up
 * with its two legs paired, so a relay that answers errors fast cannot look fast.
 */
import { randomSdesKey, sdesAttribute } from '../relay/sdes-key';
import type { RestClient } from './rest-client';
import { runSetupLoop, WARMUP_CALLS, type SetupRateResult } from './setup-loop';

export interface RestSetupOptions {
  readonly calls: number;
  readonly concurrency: number;
  readonly pid?: number;
}

const DEVICE = { kind: 'ip_phone', trusted: true, securityMode: 'encrypted', signalingTls: true, srtpCapable: true };

/** The leg view: `streams[].crypto` is the relay's answer line, in the response that created the leg only. */
interface LegReply {
  readonly streams?: readonly { readonly crypto?: string }[];
}

function answerOf(reply: unknown, what: string): string {
  const line = (reply as LegReply).streams?.[0]?.crypto;
  if (typeof line !== 'string' || !line.includes('inline:')) throw new Error(`${what}: no a=crypto answer in ${JSON.stringify(reply).slice(0, 200)}`);
  return line;
}

function leg(id: string, port: number, line: string): object {
  return { id, device: { ...DEVICE, id }, keying: 'sdes', streams: [{ kind: 'audio', remote: { address: '127.0.0.1', port }, crypto: [`a=${line}`] }] };
}

async function oneCall(api: RestClient, id: string, lineA: string, lineB: string): Promise<void> {
  await api.ok('POST', '/v1/calls', { id });
  answerOf(await api.ok('POST', `/v1/calls/${id}/legs`, leg('A', 40000, lineA)), `${id} leg A`);
  answerOf(await api.ok('POST', `/v1/calls/${id}/legs`, leg('B', 40002, lineB)), `${id} leg B`);
  await api.ok('DELETE', `/v1/calls/${id}`);
}

/** Check once, outside the timed loop, that two SDES legs really end up bridged (re-encrypting). */
async function checkBridged(api: RestClient, id: string, lineA: string, lineB: string): Promise<void> {
  await api.ok('POST', '/v1/calls', { id });
  try {
    answerOf(await api.ok('POST', `/v1/calls/${id}/legs`, leg('A', 40000, lineA)), 'check leg A');
    answerOf(await api.ok('POST', `/v1/calls/${id}/legs`, leg('B', 40002, lineB)), 'check leg B');
    const view = JSON.stringify(await api.ok('GET', `/v1/calls/${id}`));
    if (!view.includes('recrypt')) throw new Error(`REST call ${id}: the two SDES legs are not bridged in recrypt: ${view.slice(0, 400)}`);
  } finally {
    await api.ok('DELETE', `/v1/calls/${id}`);
  }
}

export async function measureRestSetupRate(api: RestClient, o: RestSetupOptions, label: string): Promise<SetupRateResult> {
  const lineA = sdesAttribute(await randomSdesKey('AES_CM_128_HMAC_SHA1_80'));
  const lineB = sdesAttribute(await randomSdesKey('AES_CM_128_HMAC_SHA1_80'));
  const run = `${label}-${Date.now().toString(36)}`;
  await checkBridged(api, `check-${run}`, lineA, lineB);
  return runSetupLoop({ calls: o.calls, concurrency: o.concurrency, warmup: Math.min(WARMUP_CALLS, o.calls), ...(o.pid !== undefined ? { pid: o.pid } : {}) },
    (i, warm) => oneCall(api, `${warm ? 'warm' : 'rest'}-${run}-${i}`, lineA, lineB));
}
