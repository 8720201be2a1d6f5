/**
 * Conferences through the API (seed 004 Table 2, docs/security-status.md "Conferences"): an ad
 * hoc conference started on a call, participants joining and leaving, and meet-me conferences
 * with a minimum security level. Each runs validate (the pure model operation) → create what it
 * needs (the participant's relay legs and keys, its port on the bridge) → commit → re-plumb; a
 * refused request changes nothing (a meet-me caller below the minimum creates no call).
 *
 * Media: the bridge mixes, the relay does not. Each participant stream is paired 1:1 with its
 * own relay leg toward the bridge (`BridgeRecord.ports`): SRTP with key-manager keys toward a
 * secure bridge (the bridge fetches them at GET .../conference/keys), plain RTP toward a
 * nonsecure one. The relay re-protects between the participant's leg and its bridge port.
 */
import { isIP } from 'node:net';
import {
  addParticipant as addParticipantOp, createMeetMe as createMeetMeOp, defineDevice, isSecureBridge, startConference as startConferenceOp,
  type Device, type DeviceSpec, type MediaKind, type SecurityLevel,
} from '../call';
import { formatCryptoAttribute, toSrtpContextOptions, wipeContextOptions } from '../keys';
import type { RemoteEndpoint } from '../relay';
import type { CallRecord, LegRecord } from './call-record';
import { ApiError, withField } from './errors';
import { prepareLeg, validateLeg, type LegRequest } from './leg-setup';
import { closeRelayLeg, releaseLegMedia } from './leg-teardown';
import type { OperationResult, ServiceHost } from './service-host';
import { bridgeView } from './views';

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

/** The offered bridges as devices (default: a nonsecure conference bridge named by its id). */
export function offeredBridges(bridges: readonly BridgeOffer[]): Device[] {
  return bridges.map((b, i) => {
    if (isIP(b.remote.address) === 0) throw new ApiError('API_ERR_BAD_REQUEST', { field: `bridges[${i}].remote.address`, detail: 'not an IP address' });
    const device = withField(`bridges[${i}].device`, () => defineDevice(b.device ?? { id: b.id, kind: 'conference_bridge' }));
    if (device.id !== b.id) throw new ApiError('API_ERR_BAD_REQUEST', { field: `bridges[${i}].device.id`, detail: 'must equal the bridge id' });
    return device;
  });
}

export class ConferenceOperations {
  constructor(private readonly host: ServiceHost) {}

  start(callId: string, req: ConferenceRequest): Promise<OperationResult> {
    const { host } = this;
    return host.operate(callId, async (rec) => {
      host.mustLeg(rec, req.initiator);
      const devices = offeredBridges(req.bridges);
      const result = withField('bridges', () => startConferenceOp(rec.model.state, host.cluster, { initiatorLegId: req.initiator, bridges: devices }));
      const chosen = this.chosen(result.state.conference?.bridgeResourceId ?? null, req.bridges, devices);
      rec.bridge = { id: chosen.device.id, device: chosen.device, secure: isSecureBridge(chosen.device, host.cluster), remote: chosen.offer.remote, ports: new Map() };
      try {
        for (const leg of rec.legs.values()) await this.openPorts(rec, leg);
        await rec.model.startConference({ initiatorLegId: req.initiator, bridges: devices });
      } catch (err) {
        await this.closeBridge(rec);
        throw err;
      }
      host.events.publish('resourceadded', { callId, resourceId: chosen.device.id, kind: 'conference_bridge' });
      return bridgeView(rec) ?? undefined;
    });
  }

  addParticipant(callId: string, req: LegRequest): Promise<OperationResult> {
    const { host } = this;
    return host.operate(callId, async (rec) => {
      const v = validateLeg(req, 'leg.');
      if (rec.legs.has(req.id)) throw new ApiError('API_ERR_BAD_REQUEST', { field: 'leg.id', detail: `leg ${req.id} exists` });
      addParticipantOp(rec.model.state, host.cluster, v.spec);
      const prepared = await prepareLeg(host.keys, host.logger, rec, req, v, 'leg.');
      try {
        await this.openPorts(rec, prepared.record);
        await rec.model.addParticipant(v.spec);
      } catch (err) {
        await this.closePorts(rec, req.id);
        await releaseLegMedia(rec, prepared.record, host.keys, host.logger);
        throw err;
      }
      rec.legs.set(req.id, prepared.record);
      host.events.publish('legadded', { callId, legId: req.id, keying: req.keying });
      return prepared;
    }, (rec, extra) => {
      const prepared = extra as { record: LegRecord; answers: ReadonlyMap<MediaKind, string> };
      return { leg: host.legWithAnswers(rec, prepared.record, prepared.answers), resource: bridgeView(rec) };
    });
  }

  removeParticipant(callId: string, legId: string): Promise<OperationResult> {
    const { host } = this;
    return host.operate(callId, async (rec) => {
      const conf = rec.model.state.conference;
      if (conf === null || conf.kind === 'barge') throw new ApiError('API_ERR_NO_CONFERENCE', { field: 'callId' });
      const leg = host.mustLeg(rec, legId);
      await rec.model.removeLeg(legId);
      await host.dropLeg(rec, leg);
    });
  }

  /**
   * Meet-me (Table 2 rows 4-5): the call is created with its initiator and bridge. A caller
   * below the minimum is refused before anything exists (403 CALL_ERR_BELOW_MINIMUM_SECURITY).
   */
  validateMeetMe(req: MeetMeRequest): { devices: Device[]; offer: BridgeOffer; device: Device } {
    const v = validateLeg(req.initiator, 'initiator.');
    const devices = offeredBridges(req.bridges);
    const result = createMeetMeOp(this.host.cluster, { id: req.id, initiator: v.spec, minimumLevel: req.minimumLevel, bridges: devices, ...(req.policy !== undefined ? { policy: req.policy } : {}) });
    const chosen = this.chosen(result.state.conference?.bridgeResourceId ?? null, req.bridges, devices);
    return { devices, offer: chosen.offer, device: chosen.device };
  }

  /** Open the meet-me's initiator leg and bridge port on a call the service just created. */
  async openMeetMe(rec: CallRecord, req: MeetMeRequest, chosen: { offer: BridgeOffer; device: Device }): Promise<object> {
    const { host } = this;
    const v = validateLeg(req.initiator, 'initiator.');
    rec.bridge = { id: chosen.device.id, device: chosen.device, secure: isSecureBridge(chosen.device, host.cluster), remote: chosen.offer.remote, ports: new Map() };
    const prepared = await prepareLeg(host.keys, host.logger, rec, req.initiator, v, 'initiator.');
    rec.legs.set(req.initiator.id, prepared.record);
    await this.openPorts(rec, prepared.record);
    await host.plumbing.replumb(rec);
    host.events.publish('legadded', { callId: rec.id, legId: req.initiator.id, keying: req.initiator.keying });
    host.events.publish('resourceadded', { callId: rec.id, resourceId: chosen.device.id, kind: 'conference_bridge' });
    return { leg: host.legWithAnswers(rec, prepared.record, prepared.answers), resource: bridgeView(rec) };
  }

  /** Key delivery for the bridge: per participant port, the bridge's send and receive keys. */
  bridgeKeys(callId: string): object {
    const { host } = this;
    const rec = host.mustCall(callId);
    const b = rec.bridge;
    if (b === null) throw new ApiError('API_ERR_NO_CONFERENCE', { field: 'callId' });
    return {
      bridge: b.id,
      secure: b.secure,
      ports: [...b.ports.values()].map((p) => {
        const k = p.keyLegId === null ? undefined : host.keys.endpointKeys(rec.id, 'A', p.keyLegId).find((x) => x.stream === p.stream);
        return {
          leg: p.legId, stream: p.stream, transport: k === undefined ? 'rtp' : 'srtp', local: rec.locals.get(p.relayLegId) ?? null,
          ...(k !== undefined ? { suite: k.profile.name, send: formatCryptoAttribute(1, k.send), receive: formatCryptoAttribute(1, k.receive) } : {}),
        };
      }),
    };
  }

  /** The participant's streams get their own relay legs toward the bridge. */
  async openPorts(rec: CallRecord, leg: LegRecord): Promise<void> {
    const b = rec.bridge;
    if (b === null) return;
    const { keys } = this.host;
    for (const media of leg.streams.values()) {
      const key = `${leg.id}/${media.kind}`;
      if (b.ports.has(key)) continue;
      const relayId = rec.nextId(`${b.id}.${leg.id}.${media.kind}`);
      const owner = { type: 'bridge' as const, resourceId: b.id, legId: leg.id, stream: media.kind };
      if (!b.secure) {
        // Only the signaled address is accepted from a media resource.
        const local = await rec.relay.addLeg({ id: relayId, remote: b.remote, latching: 'strict' });
        rec.adopt(relayId, owner, local);
        b.ports.set(key, { legId: leg.id, stream: media.kind, relayLegId: relayId, keyLegId: null, suite: null });
        continue;
      }
      const keyLegId = rec.nextId(`${b.id}.${leg.id}.${media.kind}`);
      const suites = keys.policy.preference.map((p) => p.name);
      const [sk] = keys.createLegKeys({ callId: rec.id, legId: keyLegId, streams: [media.kind], a: suites, b: suites });
      if (sk === undefined) throw new Error('no keys for the bridge port');
      const inOptions = toSrtpContextOptions(sk.aToB);
      const outOptions = toSrtpContextOptions(sk.bToA);
      try {
        const local = await rec.relay.addLeg({ id: relayId, remote: b.remote, latching: 'strict', srtp: { inbound: inOptions, outbound: outOptions } });
        rec.adopt(relayId, owner, local);
        b.ports.set(key, { legId: leg.id, stream: media.kind, relayLegId: relayId, keyLegId, suite: sk.aToB.profile.name });
      } catch (err) {
        keys.releaseLeg(rec.id, keyLegId);
        throw err;
      } finally {
        wipeContextOptions(inOptions);
        wipeContextOptions(outOptions);
      }
    }
  }

  /** A participant left: its bridge ports closed and their keys wiped. */
  async closePorts(rec: CallRecord, legId: string, kind?: MediaKind): Promise<void> {
    const b = rec.bridge;
    if (b === null) return;
    for (const [key, p] of [...b.ports]) {
      if (p.legId !== legId || (kind !== undefined && p.stream !== kind)) continue;
      b.ports.delete(key);
      if (p.keyLegId !== null) this.host.keys.releaseLeg(rec.id, p.keyLegId);
      await closeRelayLeg(rec, p.relayLegId, this.host.logger);
    }
  }

  private async closeBridge(rec: CallRecord): Promise<void> {
    const b = rec.bridge;
    if (b === null) return;
    for (const legId of new Set([...b.ports.values()].map((p) => p.legId))) await this.closePorts(rec, legId);
    rec.bridge = null;
  }

  private chosen(id: string | null, offers: readonly BridgeOffer[], devices: readonly Device[]): { offer: BridgeOffer; device: Device } {
    const i = devices.findIndex((d) => d.id === id);
    const offer = offers[i];
    const device = devices[i];
    if (offer === undefined || device === undefined) throw new ApiError('API_ERR_INTERNAL');
    return { offer, device };
  }
}
