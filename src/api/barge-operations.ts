/**
 * Barge through the API (seed 003 "Barge and encryption", seed 004 "Provide Encryption for
 * Barge"): a third party joins an active call through the target phone's built-in bridge.
 * validate (the model's `barge`: refusals carry the tone the initiator hears) → the barger's leg
 * and its port toward the built-in bridge → commit → re-plumb. `endBargeTone` ends the SIP
 * tone-on-hold window.
 *
 * Media (a simplification, docs/api.md): the relay pairs legs 1:1 and never mixes, so the
 * barger is paired with its own relay port toward the target phone's built-in bridge (`bridge.
 * remote` in the request) — SRTP with key-manager keys when the barger's leg is SRTP (an
 * encrypted barge), plain RTP otherwise; the bridge fetches those keys at GET
 * .../conference/keys. The original two parties stay paired with each other; mixing the barger
 * into their stream is the built-in bridge's job.
 */
import { isIP } from 'node:net';
import { barge as bargeOp, type MediaKind } from '../call';
import type { RemoteEndpoint } from '../relay';
import type { LegRecord } from './call-record';
import type { ConferenceOperations } from './conference-operations';
import { ApiError } from './errors';
import { prepareLeg, validateLeg, type LegRequest } from './leg-setup';
import { releaseLegMedia } from './leg-teardown';
import type { OperationResult, ServiceHost } from './service-host';
import { bridgeView } from './views';

export interface BargeRequest {
  readonly initiator: LegRequest;
  readonly target: string;
  /** Where the target phone's built-in bridge takes the barger's media (none: the barger is not paired). */
  readonly bridge?: { readonly id?: string; readonly remote: RemoteEndpoint };
}

export class BargeOperations {
  constructor(private readonly host: ServiceHost, private readonly conference: ConferenceOperations) {}

  barge(callId: string, req: BargeRequest): Promise<OperationResult> {
    const { host } = this;
    return host.operate(callId, async (rec) => {
      const v = validateLeg(req.initiator, 'initiator.');
      if (rec.legs.has(req.initiator.id)) throw new ApiError('API_ERR_BAD_REQUEST', { field: 'initiator.id', detail: `leg ${req.initiator.id} exists` });
      const target = host.mustLeg(rec, req.target);
      const remote = req.bridge?.remote;
      if (remote !== undefined && isIP(remote.address) === 0) throw new ApiError('API_ERR_BAD_REQUEST', { field: 'bridge.remote.address', detail: 'not an IP address' });
      bargeOp(rec.model.state, host.cluster, { initiator: v.spec, targetLegId: req.target });
      const prepared = await prepareLeg(host.keys, host.logger, rec, req.initiator, v, 'initiator.');
      try {
        if (remote !== undefined) {
          // Encrypted barge: SRTP toward the built-in bridge when the barger's leg is SRTP.
          const secure = [...prepared.record.streams.values()].some((m) => m.srtp);
          rec.bridge = { id: req.bridge?.id ?? `${target.id}.bib`, device: target.device, secure, remote, ports: new Map() };
          await this.conference.openPorts(rec, prepared.record);
        }
        await rec.model.barge({ initiator: v.spec, targetLegId: req.target });
      } catch (err) {
        await this.conference.closePorts(rec, req.initiator.id);
        rec.bridge = null;
        await releaseLegMedia(rec, prepared.record, host.keys, host.logger);
        throw err;
      }
      rec.legs.set(req.initiator.id, prepared.record);
      host.events.publish('legadded', { callId, legId: req.initiator.id, keying: req.initiator.keying });
      return prepared;
    }, (rec, extra) => {
      const prepared = extra as { record: LegRecord; answers: ReadonlyMap<MediaKind, string> };
      return { leg: host.legWithAnswers(rec, prepared.record, prepared.answers), resource: bridgeView(rec) };
    });
  }

  endTone(callId: string): Promise<OperationResult> {
    return this.host.operate(callId, async (rec) => {
      await rec.model.endBargeTone();
    });
  }
}
