/**
 * The fallback operations of the API (docs/security-status.md): hold with music on hold and
 * resume, transcoder and MTP insertion and removal, transfer and forward. Each runs validate
 * (the pure model operation on the current state) → create what it needs (relay legs, keys) →
 * commit to the call model → re-plumb; a refused request changes nothing. What ends (MOH,
 * transcoder, MTP, the transferred-away leg) has its relay legs closed and keys wiped at once.
 */
import { isIP } from 'node:net';
import {
  defineDevice, forward as forwardOp, hold as holdOp, insertMtp as insertMtpOp, insertTranscoder as insertTranscoderOp, transfer as transferOp,
  type DeviceSpec, type MediaKind,
} from '../call';
import type { RemoteEndpoint } from '../relay';
import type { LegRecord } from './call-record';
import { ApiError, withField } from './errors';
import { prepareLeg, validateLeg, type LegRequest } from './leg-setup';
import { releaseLegMedia } from './leg-teardown';
import type { OperationResult, ServiceHost } from './service-host';

export interface InsertRequest {
  readonly id: string;
  readonly leg: string;
  readonly stream?: MediaKind;
  readonly device?: DeviceSpec;
  readonly remotes: { readonly leg: RemoteEndpoint; readonly peer: RemoteEndpoint };
}

export interface HoldRequest {
  readonly leg: string;
  readonly moh?: { readonly id: string; readonly device?: DeviceSpec; readonly remote: RemoteEndpoint };
}

export interface TransferRequest {
  readonly from: string;
  readonly to: LegRequest;
  readonly kind?: 'transfer' | 'forward';
}

function checkRemote(remote: RemoteEndpoint, field: string): void {
  if (isIP(remote.address) === 0) throw new ApiError('API_ERR_BAD_REQUEST', { field, detail: 'not an IP address' });
}

export class FallbackOperations {
  constructor(private readonly host: ServiceHost) {}

  hold(callId: string, req: HoldRequest): Promise<OperationResult> {
    const { host } = this;
    return host.operate(callId, async (rec) => {
      const moh = req.moh;
      if (moh === undefined) {
        await rec.model.hold({ holdingLegId: req.leg });
        return undefined;
      }
      const device = withField('moh.device', () => defineDevice(moh.device ?? { id: moh.id, kind: 'moh_server' }));
      checkRemote(moh.remote, 'moh.remote.address');
      holdOp(rec.model.state, host.cluster, { holdingLegId: req.leg, moh: { id: moh.id, device } });
      const r = await host.plumbing.openResource(rec, moh.id, 'moh_server', null, 'audio', { moh: moh.remote });
      try {
        await rec.model.hold({ holdingLegId: req.leg, moh: { id: moh.id, device } });
      } catch (err) {
        await host.plumbing.dropResource(rec, r.id);
        throw err;
      }
      return host.plumbing.resourceView(rec, r);
    });
  }

  resume(callId: string): Promise<OperationResult> {
    return this.host.operate(callId, async (rec) => {
      const mohId = rec.model.state.hold?.mohResourceId ?? null;
      await rec.model.resume();
      if (mohId !== null) await this.host.plumbing.dropResource(rec, mohId);
    });
  }

  insert(callId: string, req: InsertRequest, kind: 'transcoder' | 'mtp'): Promise<OperationResult> {
    const { host } = this;
    return host.operate(callId, async (rec) => {
      const device = withField('device', () => defineDevice(req.device ?? { id: req.id, kind }));
      checkRemote(req.remotes.leg, 'remotes.leg.address');
      checkRemote(req.remotes.peer, 'remotes.peer.address');
      const options = { id: req.id, device, legId: req.leg, ...(req.stream !== undefined ? { stream: req.stream } : {}) };
      (kind === 'transcoder' ? insertTranscoderOp : insertMtpOp)(rec.model.state, host.cluster, options);
      const r = await host.plumbing.openResource(rec, req.id, kind, req.leg, req.stream ?? 'audio', { near: req.remotes.leg, far: req.remotes.peer });
      try {
        if (kind === 'transcoder') await rec.model.insertTranscoder(options);
        else await rec.model.insertMtp(options);
      } catch (err) {
        await host.plumbing.dropResource(rec, r.id);
        throw err;
      }
      return host.plumbing.resourceView(rec, r);
    });
  }

  remove(callId: string, resourceId: string, kind: 'transcoder' | 'mtp'): Promise<OperationResult> {
    return this.host.operate(callId, async (rec) => {
      if (kind === 'transcoder') await rec.model.removeTranscoder(resourceId);
      else await rec.model.removeMtp(resourceId);
      await this.host.plumbing.dropResource(rec, resourceId);
    });
  }

  transfer(callId: string, req: TransferRequest): Promise<OperationResult> {
    const { host } = this;
    return host.operate(callId, async (rec) => {
      const old = host.mustLeg(rec, req.from);
      const v = validateLeg(req.to, 'to.');
      if (req.to.id !== req.from && rec.legs.has(req.to.id)) throw new ApiError('API_ERR_BAD_REQUEST', { field: 'to.id', detail: `leg ${req.to.id} exists` });
      const op = req.kind === 'forward' ? forwardOp : transferOp;
      op(rec.model.state, host.cluster, { fromLegId: req.from, to: v.spec });
      const prepared = await prepareLeg(host.keys, host.logger, rec, req.to, v, 'to.');
      try {
        if (req.kind === 'forward') await rec.model.forward({ fromLegId: req.from, to: v.spec });
        else await rec.model.transfer({ fromLegId: req.from, to: v.spec });
      } catch (err) {
        await releaseLegMedia(rec, prepared.record, host.keys, host.logger);
        throw err;
      }
      await host.dropLeg(rec, old);
      rec.legs.set(req.to.id, prepared.record);
      host.events.publish('legadded', { callId, legId: req.to.id, keying: req.to.keying });
      return prepared;
    }, (rec, extra) => {
      const prepared = extra as { record: LegRecord; answers: ReadonlyMap<MediaKind, string> };
      return { leg: host.legWithAnswers(rec, prepared.record, prepared.answers) };
    });
  }
}
