/** A recording NgCallControl for dispatcher and transport tests: counts every call, answers canned results. */
import type { NgCallControl, NgCallInfo, NgDeleteResult, NgSdpResult } from '../../../src/ng/call-control';
import type { NgDict } from '../../../src/ng/bencode';
import type { NgAnswerRequest, NgDeleteRequest, NgListRequest, NgOfferRequest, NgQueryRequest } from '../../../src/ng/requests';

export class FakeCallControl implements NgCallControl {
  readonly calls: { method: string; req?: unknown }[] = [];
  readonly live = new Map<string, NgCallInfo>();
  /** Set to delay offers (concurrency tests). */
  offerGate: Promise<void> | null = null;
  /** Set to make offers throw. */
  offerError: Error | null = null;

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  async offer(req: NgOfferRequest): Promise<NgSdpResult> {
    this.calls.push({ method: 'offer', req });
    if (this.offerGate !== null) await this.offerGate;
    if (this.offerError !== null) throw this.offerError;
    this.live.set(req.callId, callInfo(req.fromTag));
    return { sdp: req.sdp.replace(/c=IN IP4 [0-9.]+/g, 'c=IN IP4 192.0.2.1'), warnings: ['fake warning'] };
  }

  async answer(req: NgAnswerRequest): Promise<NgSdpResult> {
    this.calls.push({ method: 'answer', req });
    return { sdp: req.sdp };
  }

  async delete(req: NgDeleteRequest): Promise<NgDeleteResult> {
    this.calls.push({ method: 'delete', req });
    const call = this.live.get(req.callId);
    if (call === undefined) return { found: false };
    this.live.delete(req.callId);
    return { found: true, call };
  }

  async query(req: NgQueryRequest): Promise<NgCallInfo | null> {
    this.calls.push({ method: 'query', req });
    return this.live.get(req.callId) ?? null;
  }

  async list(req: NgListRequest): Promise<readonly string[]> {
    this.calls.push({ method: 'list', req });
    return [...this.live.keys()];
  }

  async statistics(): Promise<NgDict> {
    this.calls.push({ method: 'statistics' });
    return { currentstatistics: { sessionstotal: this.live.size } };
  }
}

export function callInfo(fromTag: string): NgCallInfo {
  const stats = { packets: 10, bytes: 1720, errors: 1 };
  return {
    created: 1_700_000_000,
    lastSignal: 1_700_000_005,
    tags: [{
      tag: fromTag, created: 1_700_000_000, inDialogueWith: 'to1',
      medias: [{ index: 1, type: 'audio', protocol: 'RTP/SAVP', flags: ['SDES'], streams: [{ localPort: 30000, endpoint: { family: 'IPv4', address: '127.0.0.1', port: 4000 }, cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', flags: ['RTP'], stats }] }],
    }],
    totals: { rtp: stats, rtcp: { packets: 0, bytes: 0, errors: 0 } },
  };
}
