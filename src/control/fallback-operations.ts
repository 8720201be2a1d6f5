/**
 * The fallback operations (docs/security-status.md): hold with music on hold and resume,
 * transcoder and MTP insertion and removal, transfer and forward. Each runs validate (the pure
 * model operation on the current state) → create what it needs (relay legs, keys) → commit to
 * the call model → apply the plan; a refused request changes nothing. What ends (MOH,
 * transcoder, MTP, the transferred-away leg) has its relay legs closed and keys wiped at once.
 */
import { isIP } from 'node:net';
import {
  defineDevice, forward as forwardOp, hold as holdOp, insertMtp as insertMtpOp, insertTranscoder as insertTranscoderOp, transfer as transferOp,
  type DeviceSpec, type MediaKind,
} from '../call';
import type { RemoteEndpoint } from '../relay';
import type { CallSession } from './call-session';
import { ControlError, withField } from './errors';
import { leaveCall, rejoinCall } from './call-keying';
import { discardPreparedLeg, prepareLeg, validateLeg, type LegRequest, type PreparedLeg } from './leg-setup';
import { resourceView, type OperationResult } from './session-view';

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
  if (isIP(remote.address) === 0) throw new ControlError('API_ERR_BAD_REQUEST', { field, detail: 'not an IP address' });
}

export function hold(session: CallSession, req: HoldRequest): Promise<OperationResult> {
  return session.operate(async () => {
    const moh = req.moh;
    if (moh === undefined) {
      await session.model.hold({ holdingLegId: req.leg });
      return;
    }
    const device = withField('moh.device', () => defineDevice(moh.device ?? { id: moh.id, kind: 'moh_server' }));
    checkRemote(moh.remote, 'moh.remote.address');
    holdOp(session.model.state, session.context.cluster, { holdingLegId: req.leg, moh: { id: moh.id, device } });
    const r = await session.openResource({ id: moh.id, kind: 'moh_server', legId: null, stream: 'audio' }, { moh: moh.remote });
    try {
      await session.model.hold({ holdingLegId: req.leg, moh: { id: moh.id, device } });
    } catch (err) {
      await session.dropResource(r.id);
      throw err;
    }
    return () => ({ resource: resourceView(r) });
  });
}

export function resume(session: CallSession): Promise<OperationResult> {
  return session.operate(async () => {
    const mohId = session.model.state.hold?.mohResourceId ?? null;
    await session.model.resume();
    if (mohId !== null) await session.dropResource(mohId);
  });
}

export function insertResource(session: CallSession, req: InsertRequest, kind: 'transcoder' | 'mtp'): Promise<OperationResult> {
  return session.operate(async () => {
    const device = withField('device', () => defineDevice(req.device ?? { id: req.id, kind }));
    checkRemote(req.remotes.leg, 'remotes.leg.address');
    checkRemote(req.remotes.peer, 'remotes.peer.address');
    const options = { id: req.id, device, legId: req.leg, ...(req.stream !== undefined ? { stream: req.stream } : {}) };
    (kind === 'transcoder' ? insertTranscoderOp : insertMtpOp)(session.model.state, session.context.cluster, options);
    const r = await session.openResource({ id: req.id, kind, legId: req.leg, stream: req.stream ?? 'audio' }, { near: req.remotes.leg, far: req.remotes.peer });
    try {
      if (kind === 'transcoder') await session.model.insertTranscoder(options);
      else await session.model.insertMtp(options);
    } catch (err) {
      await session.dropResource(r.id);
      throw err;
    }
    return () => ({ resource: resourceView(r) });
  });
}

export function removeResource(session: CallSession, resourceId: string, kind: 'transcoder' | 'mtp'): Promise<OperationResult> {
  return session.operate(async () => {
    if (kind === 'transcoder') await session.model.removeTranscoder(resourceId);
    else await session.model.removeMtp(resourceId);
    await session.dropResource(resourceId);
  });
}

export function transfer(session: CallSession, req: TransferRequest): Promise<OperationResult> {
  return session.operate(async () => {
    const old = session.mustLeg(req.from);
    const v = validateLeg(req.to, 'to.');
    if (req.to.id !== req.from && session.leg(req.to.id) !== undefined) throw new ControlError('API_ERR_DUPLICATE_LEG', { field: 'to.id', detail: `leg ${req.to.id} exists` });
    const op = req.kind === 'forward' ? forwardOp : transferOp;
    op(session.model.state, session.context.cluster, { fromLegId: req.from, to: v.spec });
    // The party replaced gives up its call keys first (rekeyed for the phone that stays), so
    // the target can take its side and the departed phone's keys verify nowhere.
    const left = await leaveCall(session, old);
    let prepared: PreparedLeg;
    try {
      prepared = await prepareLeg(session, req.to, v, 'to.');
    } catch (err) {
      await rejoinCall(session, old, left);
      throw err;
    }
    try {
      if (req.kind === 'forward') await session.model.forward({ fromLegId: req.from, to: v.spec });
      else await session.model.transfer({ fromLegId: req.from, to: v.spec });
    } catch (err) {
      await discardPreparedLeg(session, prepared.leg);
      await rejoinCall(session, old, left);
      throw err;
    }
    await session.dropLeg(old);
    session.adoptLeg(prepared.leg);
    session.notify('legadded', { callId: session.id, legId: req.to.id, keying: req.to.keying });
    return () => ({ leg: session.legView(prepared.leg, prepared.answers) });
  });
}
