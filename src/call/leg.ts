import { Device, isEndpoint } from './device';
import { CallError } from './errors';
import { LegStream, MediaKind } from './media-stream';

/**
 * One call leg: the segment between one endpoint device and the relay, with the media streams
 * negotiated on it. Seed 003 "Digest authentication and encryption": each leg is a separate
 * dialog whose SRTP capabilities are negotiated on their own.
 */
export interface Leg {
  readonly id: string;
  readonly device: Device;
  readonly streams: readonly LegStream[];
}

export interface LegSpec {
  readonly id: string;
  readonly device: Device;
  /**
   * Streams on the leg. A bare kind means SRTP was negotiated exactly when the device can do it
   * (the key manager keys every stream of an SRTP-capable, encrypted device).
   */
  readonly streams?: readonly (MediaKind | LegStream)[];
}

export function defineLeg(spec: LegSpec): Leg {
  if (typeof spec.id !== 'string' || spec.id.length === 0) {
    throw new CallError('CALL_ERR_BAD_LEG', 'id must be a non-empty string');
  }
  if (!isEndpoint(spec.device)) {
    throw new CallError('CALL_ERR_BAD_DEVICE_KIND', `${spec.device.kind} cannot terminate a leg`, { legId: spec.id });
  }
  const defaultSrtp = spec.device.srtpCapable && spec.device.securityMode === 'encrypted';
  const streams = (spec.streams ?? ['audio']).map((s): LegStream =>
    Object.freeze(typeof s === 'string' ? { kind: s, srtp: defaultSrtp }
      : s.dtls === undefined ? { kind: s.kind, srtp: s.srtp } : { kind: s.kind, srtp: s.srtp, dtls: s.dtls }));
  const kinds = new Set<MediaKind>();
  for (const s of streams) {
    if (s.kind !== 'audio' && s.kind !== 'video') {
      throw new CallError('CALL_ERR_BAD_LEG', `unknown stream kind ${String(s.kind)}`, { legId: spec.id });
    }
    if (s.dtls !== undefined && !['pending', 'connected', 'failed'].includes(s.dtls)) {
      throw new CallError('CALL_ERR_BAD_LEG', `unknown DTLS state ${String(s.dtls)}`, { legId: spec.id });
    }
    if (s.dtls !== undefined && !s.srtp) throw new CallError('CALL_ERR_BAD_LEG', `a DTLS ${s.kind} stream is an SRTP stream`, { legId: spec.id });
    if (kinds.has(s.kind)) throw new CallError('CALL_ERR_BAD_LEG', `duplicate ${s.kind} stream`, { legId: spec.id });
    kinds.add(s.kind);
  }
  if (streams.length === 0) throw new CallError('CALL_ERR_BAD_LEG', 'a leg needs at least one stream', { legId: spec.id });
  return Object.freeze({ id: spec.id, device: spec.device, streams: Object.freeze(streams) });
}

export function legHasStream(leg: Leg, kind: MediaKind): boolean {
  return leg.streams.some((s) => s.kind === kind);
}
