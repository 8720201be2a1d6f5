/**
 * Conferences (seed 004 Table 2, docs/security-status.md "Conferences"): an ad hoc conference
 * started on a call, participants joining and leaving, and meet-me conferences with a minimum
 * security level. Each runs validate (the pure model operation) → create what it needs (the
 * participant's relay legs and keys, its port on the bridge) → commit → apply the plan; a
 * refused request changes nothing (a meet-me caller below the minimum creates no call).
 *
 * Media: the bridge mixes, the relay does not. Each participant stream is paired 1:1 with its
 * own port toward the bridge (`ConferenceBridge`): SRTP with key-manager keys toward a secure
 * bridge (the bridge fetches them with `bridgeKeys`), plain RTP toward a nonsecure one. The
 * relay re-protects between the participant's leg and its bridge port.
 */
import { isIP } from 'node:net';
import {
  addParticipant as addParticipantOp, createMeetMe as createMeetMeOp, defineDevice, isSecureBridge, startConference as startConferenceOp,
  type ClusterConfig, type Device, type DeviceSpec, type SecurityLevel,
} from '../call';
import { formatCryptoAttribute } from '../keys';
import type { RemoteEndpoint } from '../relay';
import type { CallSession } from './call-session';
import { ControlError, withField } from './errors';
import { prepareLeg, validateLeg, type LegRequest } from './leg-setup';
import type { BridgeKeysView, OperationResult } from './session-view';

export interface BridgeOffer {
  readonly id: string;
  readonly device?: DeviceSpec;
  /** Where the bridge takes media: every participant port of the relay sends here. */
  readonly remote: RemoteEndpoint;
}

export interface ConferenceRequest {
  readonly initiator: string;
  readonly bridges: readonly BridgeOffer[];
}

export interface MeetMeRequest {
  readonly id: string;
  readonly policy?: 'bridge' | 'rtp';
  readonly minimumLevel: SecurityLevel;
  readonly initiator: LegRequest;
  readonly bridges: readonly BridgeOffer[];
}

/** The offered bridge the model chose, as the request offered it and as a device. */
export interface ChosenBridge {
  readonly offer: BridgeOffer;
  readonly device: Device;
}

/** The offered bridges as devices (default: a nonsecure conference bridge named by its id). */
export function offeredBridges(bridges: readonly BridgeOffer[]): Device[] {
  return bridges.map((b, i) => {
    if (isIP(b.remote.address) === 0) throw new ControlError('API_ERR_BAD_REQUEST', { field: `bridges[${i}].remote.address`, detail: 'not an IP address' });
    const device = withField(`bridges[${i}].device`, () => defineDevice(b.device ?? { id: b.id, kind: 'conference_bridge' }));
    if (device.id !== b.id) throw new ControlError('API_ERR_BAD_REQUEST', { field: `bridges[${i}].device.id`, detail: 'must equal the bridge id' });
    return device;
  });
}

function chosen(id: string | null, offers: readonly BridgeOffer[], devices: readonly Device[]): ChosenBridge {
  const i = devices.findIndex((d) => d.id === id);
  const offer = offers[i];
  const device = devices[i];
  if (offer === undefined || device === undefined) throw new ControlError('API_ERR_INTERNAL');
  return { offer, device };
}

export function startConference(session: CallSession, req: ConferenceRequest): Promise<OperationResult> {
  return session.operate(async () => {
    session.mustLeg(req.initiator);
    const { cluster } = session.context;
    const devices = offeredBridges(req.bridges);
    const result = withField('bridges', () => startConferenceOp(session.model.state, cluster, { initiatorLegId: req.initiator, bridges: devices }));
    const c = chosen(result.state.conference?.bridgeResourceId ?? null, req.bridges, devices);
    const bridge = session.openBridge({ id: c.device.id, device: c.device, secure: isSecureBridge(c.device, cluster), remote: c.offer.remote });
    try {
      for (const leg of session.legs()) await bridge.openPorts(leg);
      await session.model.startConference({ initiatorLegId: req.initiator, bridges: devices });
    } catch (err) {
      await session.closeBridge();
      throw err;
    }
    session.notify('resourceadded', { callId: session.id, resourceId: c.device.id, kind: 'conference_bridge' });
    const view = session.bridgeView();
    return view === null ? undefined : () => ({ resource: view });
  });
}

export function addParticipant(session: CallSession, req: LegRequest): Promise<OperationResult> {
  return session.operate(async () => {
    const v = validateLeg(req, 'leg.');
    if (session.leg(req.id) !== undefined) throw new ControlError('API_ERR_DUPLICATE_LEG', { field: 'leg.id', detail: `leg ${req.id} exists` });
    addParticipantOp(session.model.state, session.context.cluster, v.spec);
    const prepared = await prepareLeg(session, req, v, 'leg.', { callKeys: false });
    try {
      await session.bridge?.openPorts(prepared.leg);
      await session.model.addParticipant(v.spec);
    } catch (err) {
      await session.bridge?.closePorts(req.id);
      await prepared.leg.close();
      throw err;
    }
    session.adoptLeg(prepared.leg);
    session.notify('legadded', { callId: session.id, legId: req.id, keying: req.keying });
    return () => ({ leg: session.legView(prepared.leg, prepared.answers), resource: session.bridgeView() });
  });
}

export function removeParticipant(session: CallSession, legId: string): Promise<OperationResult> {
  return session.operate(async () => {
    const conf = session.model.state.conference;
    if (conf === null || conf.kind === 'barge') throw new ControlError('API_ERR_NO_CONFERENCE', { field: 'callId' });
    const leg = session.mustLeg(legId);
    await session.model.removeLeg(legId);
    await session.dropLeg(leg);
  });
}

/**
 * Meet-me (Table 2 rows 4-5): checked before the call exists. A caller below the minimum is
 * refused (403 CALL_ERR_BELOW_MINIMUM_SECURITY) before anything is created.
 */
export function validateMeetMe(cluster: ClusterConfig, req: MeetMeRequest): { devices: Device[]; chosen: ChosenBridge } {
  const v = validateLeg(req.initiator, 'initiator.');
  const devices = offeredBridges(req.bridges);
  const result = createMeetMeOp(cluster, { id: req.id, initiator: v.spec, minimumLevel: req.minimumLevel, bridges: devices, ...(req.policy !== undefined ? { policy: req.policy } : {}) });
  return { devices, chosen: chosen(result.state.conference?.bridgeResourceId ?? null, req.bridges, devices) };
}

/** Open the meet-me's initiator leg and bridge port on a session the controller just created. */
export function openMeetMe(session: CallSession, req: MeetMeRequest, c: ChosenBridge): Promise<OperationResult> {
  return session.operate(async () => {
    const v = validateLeg(req.initiator, 'initiator.');
    const bridge = session.openBridge({ id: c.device.id, device: c.device, secure: isSecureBridge(c.device, session.context.cluster), remote: c.offer.remote });
    const prepared = await prepareLeg(session, req.initiator, v, 'initiator.', { callKeys: false });
    session.adoptLeg(prepared.leg);
    await bridge.openPorts(prepared.leg);
    session.notify('legadded', { callId: session.id, legId: req.initiator.id, keying: req.initiator.keying });
    session.notify('resourceadded', { callId: session.id, resourceId: c.device.id, kind: 'conference_bridge' });
    return () => ({ leg: session.legView(prepared.leg, prepared.answers), resource: session.bridgeView() });
  });
}

/** Key delivery for the bridge: per participant port, the bridge's send and receive keys (secret). */
export function bridgeKeys(session: CallSession): BridgeKeysView {
  const b = session.bridge;
  if (b === null) throw new ControlError('API_ERR_NO_CONFERENCE', { field: 'callId' });
  return {
    bridge: b.id,
    secure: b.secure,
    ports: b.ports().map((p) => {
      const k = p.keyLegId === null ? undefined : session.keying.endpointKeys(p.keyLegId, p.stream);
      return {
        leg: p.legId, stream: p.stream, transport: k === undefined ? 'rtp' as const : 'srtp' as const, local: session.relayLegs.local(p.relayLegId) ?? null,
        ...(k !== undefined ? { suite: k.profile.name, send: formatCryptoAttribute(1, k.send), receive: formatCryptoAttribute(1, k.receive) } : {}),
      };
    }),
  };
}
