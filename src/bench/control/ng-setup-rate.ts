/**
 * The ng call-setup rate: offer + answer + delete per second, driven by the product's NgClient
 * against any ng relay. SDES on both sides: the caller offers SRTP with its own key, the
 * transport toward the callee is RTP/SAVP (the relay offers its keys), the callee answers the
 * first offered line with a key of that suite. Every reply is checked, so a relay that answers
 * errors fast cannot look fast: a failed call fails the run.
 */
import { parse } from 'sdp-transform';
import type { NgClient } from '../../ng/ng-client';
import { randomSdesKey, sdesAttribute } from '../relay/sdes-key';
import { runSetupLoop, WARMUP_CALLS, type SetupRateResult } from './setup-loop';

export type { SetupRateResult } from './setup-loop';

export interface SetupRateOptions {
  readonly calls: number;
  /** Calls in flight at once (a proxy has many). */
  readonly concurrency: number;
  /** The relay's process: its CPU time per call is measured too. */
  readonly pid?: number;
}

function sdp(port: number, cryptoLine: string): string {
  return ['v=0', `o=- ${port} 1 IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} RTP/SAVP 0`, 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', `a=${cryptoLine}`, ''].join('\r\n');
}

function check(reply: Record<string, unknown>, what: string): void {
  if (reply.result !== 'ok') throw new Error(`${what}: ${String(reply.result)} ${String(reply['error-reason'] ?? '')}`);
}

async function oneCall(ng: NgClient, id: string, callerLine: string, calleeKeys: ReadonlyMap<string, string>): Promise<void> {
  const offer = await ng.request('offer', {
    'call-id': id, 'from-tag': `${id}-a`, 'sdp': sdp(40000, callerLine), 'transport-protocol': 'RTP/SAVP',
    'ICE': 'remove', 'replace': ['origin', 'session-connection'], 'flags': ['SDES-pad'],
  }, { timeoutMs: 5000 });
  check(offer, 'offer');
  const first = parse(String(offer.sdp)).media[0]?.crypto?.[0];
  if (first === undefined) throw new Error('offer: no a=crypto toward the SRTP callee');
  const calleeLine = calleeKeys.get(first.suite);
  if (calleeLine === undefined) throw new Error(`offer: unexpected suite ${first.suite}`);
  const answer = await ng.request('answer', {
    'call-id': id, 'from-tag': `${id}-a`, 'to-tag': `${id}-b`, 'sdp': sdp(40002, calleeLine.replace(/^crypto:\d+/, `crypto:${first.id}`)),
    'ICE': 'remove', 'replace': ['origin', 'session-connection'], 'flags': ['SDES-pad'],
  }, { timeoutMs: 5000 });
  check(answer, 'answer');
  check(await ng.request('delete', { 'call-id': id, 'from-tag': `${id}-a` }, { timeoutMs: 5000 }), 'delete');
}

export async function measureSetupRate(ng: NgClient, o: SetupRateOptions, label: string): Promise<SetupRateResult> {
  const callerLine = sdesAttribute(await randomSdesKey('AES_CM_128_HMAC_SHA1_80'));
  const calleeKeys = new Map<string, string>();
  for (const suite of ['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_256_CM_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AES_192_CM_HMAC_SHA1_80', 'AES_256_CM_HMAC_SHA1_32', 'AES_192_CM_HMAC_SHA1_32']) {
    calleeKeys.set(suite, sdesAttribute(await randomSdesKey(suite)));
  }
  // Call ids unique per run, so runs against one relay process never collide.
  const run = `${label}-${Date.now().toString(36)}`;
  return runSetupLoop({ calls: o.calls, concurrency: o.concurrency, warmup: Math.min(WARMUP_CALLS, o.calls), ...(o.pid !== undefined ? { pid: o.pid } : {}) },
    (i, warm) => oneCall(ng, `${warm ? 'warm' : 'bench'}-${run}-${i}`, callerLine, calleeKeys));
}
