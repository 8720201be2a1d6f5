/**
 * One benchmark call set up over rtpengine's ng protocol, the same way for both relays under
 * test (ours and rtpengine): an `offer` from endpoint A's SDP, endpoint B picks a line of the
 * offer the relay returns and answers with its own key, and the `answer` gives A the relay's
 * port and key. See bench-modes.ts for how each pair mode is asked for.
 */
import type { NgClient } from '../../ng/ng-client';
import type { NgDict } from '../../ng/bencode';
import type { ModeSpec } from './bench-modes';
import type { CallConfig, EndpointConfig, OpenedCall } from './generator-messages';
import { endpointSdp, parseSdpMedia } from './sdp';
import { randomSdesKey, sameSdesKey, type SdesKey } from './sdes-key';

const ADDRESS = '127.0.0.1';
const NG_TIMEOUT_MS = 5000;
/** Calls set up concurrently (ng requests in flight). */
export const NG_SETUP_CONCURRENCY = 16;

/**
 * `flags`: extra ng flags for the offer (ours: `recrypt` for the recrypt mode, since by default
 * it passes A's own keys on when both sides are SRTP).
 */
export async function ngCallSetup(ng: NgClient, callId: string, e: OpenedCall, spec: ModeSpec, flags: readonly string[] = []): Promise<CallConfig> {
  const aSend = spec.suiteA === null ? null : await randomSdesKey(spec.suiteA);
  const offer: NgDict = {
    'call-id': callId,
    'from-tag': 'a',
    sdp: endpointSdp(ADDRESS, e.a, aSend),
    replace: ['origin', 'session-connection'],
    ICE: 'remove',
    ...(flags.length > 0 ? { flags: [...flags] } : {}),
  };
  // SRTP on A only: ask the relay to offer plain RTP to B (it then decrypts A→B, encrypts B→A).
  if (spec.suiteA !== null && spec.suiteB === null) offer['transport-protocol'] = 'RTP/AVP';
  const offered = parseSdpMedia(String((await ng.request('offer', offer, NG_TIMEOUT_MS)).sdp));

  // Endpoint B picks a crypto line: A's own (end-to-end keys: the relay forwards SRTP as it
  // came) or one of the relay's own lines of suite B (the relay re-protects).
  let toB: SdesKey | null = null;
  if (spec.suiteB !== null) {
    const lines = offered.crypto.filter((c) => c.suite === spec.suiteB);
    const isA = (c: SdesKey): boolean => aSend !== null && sameSdesKey(c, aSend);
    toB = (spec.endToEndKeys ? lines.find(isA) : lines.find((c) => !isA(c))) ?? null;
    if (toB === null) throw new Error(`the relay offered no ${spec.suiteB} line fit for ${spec.mode}:\n${offered.crypto.map((c) => `${c.id} ${c.suite}`).join('\n')}`);
  }
  // B answers with the offered line's tag (RFC 4568 §7.1.2) and its own key.
  const bSend = toB === null ? null : await randomSdesKey(toB.suite, toB.id);
  const answer: NgDict = {
    'call-id': callId,
    'from-tag': 'a',
    'to-tag': 'b',
    sdp: endpointSdp(ADDRESS, e.b, bSend),
    replace: ['origin', 'session-connection'],
    ICE: 'remove',
  };
  const answered = parseSdpMedia(String((await ng.request('answer', answer, NG_TIMEOUT_MS)).sdp));
  const toA = spec.suiteA === null ? null : answered.crypto[0] ?? null;
  if (spec.suiteA !== null && toA === null) throw new Error(`the relay answered A without a=crypto in ${spec.mode}`);

  const a: EndpointConfig = { relayAddress: answered.address, relayPort: answered.port, send: aSend, recv: toA };
  const b: EndpointConfig = { relayAddress: offered.address, relayPort: offered.port, send: bSend, recv: toB };
  return { a, b };
}

/** Set up `endpoints.length` calls `bench-<first>`... over ng, NG_SETUP_CONCURRENCY at a time. */
export async function ngCallsSetup(ng: NgClient, first: number, endpoints: readonly OpenedCall[], spec: ModeSpec, flags: readonly string[] = []): Promise<CallConfig[]> {
  const out: CallConfig[] = new Array<CallConfig>(endpoints.length);
  for (let i = 0; i < endpoints.length; i += NG_SETUP_CONCURRENCY) {
    await Promise.all(endpoints.slice(i, i + NG_SETUP_CONCURRENCY).map(async (e, j) => {
      out[i + j] = await ngCallSetup(ng, `bench-${first + i + j}`, e, spec, flags);
    }));
  }
  return out;
}
