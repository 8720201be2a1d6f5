/**
 * Barge (seed 003 "Barge and encryption", seed 004 "Provide Encryption for Barge"): a third
 * party joins an active call through the target phone's built-in bridge. validate (the model's
 * `barge`: refusals carry the tone the initiator hears) → the barger's leg and its port toward
 * the built-in bridge → commit → apply the plan. `endBargeTone` ends the SIP tone-on-hold window.
 *
 * Media (a simplification, docs/api.md): the relay pairs legs 1:1 and never mixes, so the
 * barger is paired with its own relay port toward the target phone's built-in bridge (`bridge.
 * remote` in the request) — SRTP with key-manager keys when the barger's leg is SRTP (an
 * encrypted barge), plain RTP otherwise; the bridge fetches those keys with the bridge key
 * delivery. The original two parties stay paired with each other; mixing the barger into their
 * stream is the built-in bridge's job.
 */
import { isIP } from 'node:net';
import { barge as bargeOp } from '../call';
import type { RemoteEndpoint } from '../relay';
import type { CallSession } from './call-session';
import { ControlError } from './errors';
import { prepareLeg, validateLeg, type LegRequest } from './leg-setup';
import type { OperationResult } from './session-view';

export interface BargeRequest {
  readonly initiator: LegRequest;
  readonly target: string;
  /** Where the target phone's built-in bridge takes the barger's media (none: the barger is not paired). */
  readonly bridge?: { readonly id?: string; readonly remote: RemoteEndpoint };
}

export function barge(session: CallSession, req: BargeRequest): Promise<OperationResult> {
  return session.operate(async () => {
    const v = validateLeg(req.initiator, 'initiator.');
    if (session.leg(req.initiator.id) !== undefined) throw new ControlError('API_ERR_DUPLICATE_LEG', { field: 'initiator.id', detail: `leg ${req.initiator.id} exists` });
    const target = session.mustLeg(req.target);
    const remote = req.bridge?.remote;
    if (remote !== undefined && isIP(remote.address) === 0) throw new ControlError('API_ERR_BAD_REQUEST', { field: 'bridge.remote.address', detail: 'not an IP address' });
    bargeOp(session.model.state, session.context.cluster, { initiator: v.spec, targetLegId: req.target });
    const prepared = await prepareLeg(session, req.initiator, v, 'initiator.', { callKeys: false });
    try {
      if (remote !== undefined) {
        // Encrypted barge: SRTP toward the built-in bridge when the barger's leg is SRTP.
        const secure = prepared.leg.streams().some((m) => m.srtp);
        const bridge = session.openBridge({ id: req.bridge?.id ?? `${target.id}.bib`, device: target.device, secure, remote });
        await bridge.openPorts(prepared.leg);
      }
      await session.model.barge({ initiator: v.spec, targetLegId: req.target });
    } catch (err) {
      await session.closeBridge();
      await prepared.leg.close();
      throw err;
    }
    session.adoptLeg(prepared.leg);
    session.notify('legadded', { callId: session.id, legId: req.initiator.id, keying: req.initiator.keying });
    return () => ({ leg: session.legView(prepared.leg, prepared.answers), resource: session.bridgeView() });
  });
}

export function endBargeTone(session: CallSession): Promise<OperationResult> {
  return session.operate(async () => {
    await session.model.endBargeTone();
  });
}
