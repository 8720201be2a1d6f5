/**
 * rtpengine under test: each benchmark call is an ng `offer` (from endpoint A's SDP) and
 * `answer` (from endpoint B's SDP); the SDP rtpengine returns gives the ports and the SDES
 * keys rtpengine chose, which the load generator then uses. See bench-modes.ts for how each
 * of our pair modes maps onto rtpengine's behaviour.
 */
import type { ModeSpec } from './bench-modes';
import type { CallConfig, EndpointConfig, OpenedCall } from './generator-messages';
import type { NgDict } from '../../ng/bencode';
import type { RelayStartOptions, RelayUnderTest } from './relay-under-test';
import { RtpengineProcess, rtpengineVersion } from './rtpengine-process';
import { endpointSdp, parseSdpMedia } from './sdp';
import { randomSdesKey, sameSdesKey, type SdesKey } from './sdes-key';

const ADDRESS = '127.0.0.1';
const SETUP_CONCURRENCY = 16;
const NG_TIMEOUT_MS = 5000;

export class RtpengineRelay implements RelayUnderTest {
  readonly name = 'rtpengine' as const;
  readonly pairModes = null;
  readonly description: string;

  private constructor(
    private readonly proc: RtpengineProcess,
    version: string,
    threads: number,
  ) {
    this.description = `rtpengine ${version} (Debian rtpengine-daemon), userspace only (--table=-1), ${threads} threads`;
  }

  get pid(): number {
    return this.proc.pid;
  }

  static async start(bin: string, o: RelayStartOptions): Promise<RtpengineRelay> {
    const proc = await RtpengineProcess.start(bin, { threads: o.threads, portRange: o.portRange });
    return new RtpengineRelay(proc, rtpengineVersion(), o.threads);
  }

  async addCalls(first: number, endpoints: readonly OpenedCall[], spec: ModeSpec): Promise<CallConfig[]> {
    const out: CallConfig[] = new Array<CallConfig>(endpoints.length);
    for (let i = 0; i < endpoints.length; i += SETUP_CONCURRENCY) {
      await Promise.all(endpoints.slice(i, i + SETUP_CONCURRENCY).map(async (e, j) => {
        out[i + j] = await this.addCall(`bench-${first + i + j}`, e, spec);
      }));
    }
    return out;
  }

  private async addCall(callId: string, e: OpenedCall, spec: ModeSpec): Promise<CallConfig> {
    const ng = this.proc.ng;
    const aSend = spec.suiteA === null ? null : await randomSdesKey(spec.suiteA);
    const offer: NgDict = {
      'call-id': callId,
      'from-tag': 'a',
      sdp: endpointSdp(ADDRESS, e.a, aSend),
      replace: ['origin', 'session-connection'],
      ICE: 'remove',
    };
    // SRTP on A only: ask rtpengine to offer plain RTP to B (it then decrypts A→B, encrypts B→A).
    if (spec.suiteA !== null && spec.suiteB === null) offer['transport-protocol'] = 'RTP/AVP';
    const offered = parseSdpMedia(String((await ng.request('offer', offer, NG_TIMEOUT_MS)).sdp));

    // Endpoint B picks a crypto line: A's own (end-to-end keys: rtpengine forwards SRTP
    // untouched) or one of rtpengine's own lines of suite B (rtpengine re-protects).
    let toB: SdesKey | null = null;
    if (spec.suiteB !== null) {
      const lines = offered.crypto.filter((c) => c.suite === spec.suiteB);
      const isA = (c: SdesKey): boolean => aSend !== null && sameSdesKey(c, aSend);
      toB = (spec.endToEndKeys ? lines.find(isA) : lines.find((c) => !isA(c))) ?? null;
      if (toB === null) throw new Error(`rtpengine offered no ${spec.suiteB} line fit for ${spec.mode}:\n${offered.crypto.map((c) => `${c.id} ${c.suite}`).join('\n')}`);
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
    if (spec.suiteA !== null && toA === null) throw new Error(`rtpengine answered A without a=crypto in ${spec.mode}`);

    const a: EndpointConfig = { relayAddress: answered.address, relayPort: answered.port, send: aSend, recv: toA };
    const b: EndpointConfig = { relayAddress: offered.address, relayPort: offered.port, send: bSend, recv: toB };
    return { a, b };
  }

  /** rtpengine's per-call counters need a `query` per call; the generator's loss count suffices. */
  counters(): Promise<null> {
    return Promise.resolve(null);
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}
