/**
 * The REST call-setup rate: per call the call and two SDES legs (each with its phone's a=crypto
 * line; the relay answers each with its own fresh key and bridges them, re-encrypting), then
 * `DELETE` — the same lifecycle the ng benchmark times (offer, answer, delete). Two flows:
 * `one-request`, `POST /v1/calls` with `legs` (2 requests per call), and `per-leg`, `POST
 * /v1/calls` then `POST .../legs` twice (4 requests per call). Every reply is checked: both
 * answers must carry a crypto line and the call must end up with its two legs paired, so a
 * relay that answers errors fast cannot look fast.
 */
import { randomSdesKey, sdesAttribute } from '../relay/sdes-key';
import type { RestClient } from './rest-client';
import { runSetupLoop, WARMUP_CALLS, type SetupRateResult } from './setup-loop';

export type RestFlow = 'one-request' | 'per-leg';

export interface RestSetupOptions {
  readonly calls: number;
  readonly concurrency: number;
  readonly pid?: number;
  /** Default one-request. */
  readonly flow?: RestFlow;
}

const DEVICE = { kind: 'ip_phone', trusted: true, securityMode: 'encrypted', signalingTls: true, srtpCapable: true };

/** The leg view: `streams[].crypto` is the relay's answer line, in the response that created the leg only. */
interface LegReply {
  readonly streams?: readonly { readonly crypto?: string }[];
}

function answerOf(reply: unknown, what: string): string {
  const line = (reply as LegReply | undefined)?.streams?.[0]?.crypto;
  if (typeof line !== 'string' || !line.includes('inline:')) throw new Error(`${what}: no a=crypto answer in ${JSON.stringify(reply).slice(0, 200)}`);
  return line;
}

function leg(id: string, port: number, line: string): object {
  return { id, device: { ...DEVICE, id }, keying: 'sdes', streams: [{ kind: 'audio', remote: { address: '127.0.0.1', port }, crypto: [`a=${line}`] }] };
}

/** The call's view from `POST /v1/calls` with legs: each leg with its answer. */
interface CallReply {
  readonly legs?: readonly LegReply[];
}

async function oneRequestCall(api: RestClient, id: string, lineA: string, lineB: string): Promise<void> {
  const call = await api.ok('POST', '/v1/calls', { id, legs: [leg('A', 40000, lineA), leg('B', 40002, lineB)] }) as CallReply;
  answerOf(call.legs?.[0], `${id} leg A`);
  answerOf(call.legs?.[1], `${id} leg B`);
  await api.ok('DELETE', `/v1/calls/${id}`);
}

async function perLegCall(api: RestClient, id: string, lineA: string, lineB: string): Promise<void> {
  await api.ok('POST', '/v1/calls', { id });
  answerOf(await api.ok('POST', `/v1/calls/${id}/legs`, leg('A', 40000, lineA)), `${id} leg A`);
  answerOf(await api.ok('POST', `/v1/calls/${id}/legs`, leg('B', 40002, lineB)), `${id} leg B`);
  await api.ok('DELETE', `/v1/calls/${id}`);
}

/** Check once, outside the timed loop, that two SDES legs really end up bridged (re-encrypting). */
async function checkBridged(api: RestClient, flow: RestFlow, id: string, lineA: string, lineB: string): Promise<void> {
  if (flow === 'one-request') {
    const call = await api.ok('POST', '/v1/calls', { id, legs: [leg('A', 40000, lineA), leg('B', 40002, lineB)] }) as CallReply;
    answerOf(call.legs?.[0], 'check leg A');
    answerOf(call.legs?.[1], 'check leg B');
  } else {
    await api.ok('POST', '/v1/calls', { id });
  }
  try {
    if (flow === 'per-leg') {
      answerOf(await api.ok('POST', `/v1/calls/${id}/legs`, leg('A', 40000, lineA)), 'check leg A');
      answerOf(await api.ok('POST', `/v1/calls/${id}/legs`, leg('B', 40002, lineB)), 'check leg B');
    }
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
  const flow = o.flow ?? 'one-request';
  await checkBridged(api, flow, `check-${run}`, lineA, lineB);
  const oneCall = flow === 'one-request' ? oneRequestCall : perLegCall;
  return runSetupLoop({ calls: o.calls, concurrency: o.concurrency, warmup: Math.min(WARMUP_CALLS, o.calls), ...(o.pid !== undefined ? { pid: o.pid } : {}) },
    (i, warm) => oneCall(api, `${warm ? 'warm' : 'rest'}-${run}-${i}`, lineA, lineB));
}
