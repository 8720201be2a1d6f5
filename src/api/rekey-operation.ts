/**
 * Rekey a managed leg (`POST .../legs/:legId/rekey`): the key manager replaces both directions'
 * sets of each SRTP stream (`KeyManager.rekey`; the retired sets are wiped when the leg ends),
 * the relay swaps the leg's contexts for new ones carrying each SSRC's ROC over
 * (`RelayCall.rekeyLeg`), and the endpoint fetches its new keys from the key delivery route.
 * Packets the endpoint protected with the old keys and that arrive after the swap fail
 * authentication: switch keys when the answer arrives.
 */
import type { MediaKind } from '../call';
import { toSrtpContextOptions, wipeContextOptions } from '../keys';
import { ApiError } from './errors';
import type { OperationResult, ServiceHost } from './service-host';

export class RekeyOperation {
  constructor(private readonly host: ServiceHost) {}

  rekey(callId: string, legId: string, stream: MediaKind | undefined): Promise<OperationResult> {
    const { host } = this;
    return host.operate(callId, async (rec) => {
      const leg = host.mustLeg(rec, legId);
      if (leg.keying !== 'managed') throw new ApiError('API_ERR_NO_KEYS', { field: 'legId', detail: 'only managed legs are rekeyed here (SDES: a new offer)' });
      if (stream !== undefined && !leg.streams.has(stream)) throw new ApiError('API_ERR_UNKNOWN_STREAM', { field: 'stream' });
      const targets = [...leg.streams.values()].filter((m) => (stream === undefined || m.kind === stream) && m.keyLegId !== null && m.srtpRelayLeg !== null);
      if (targets.length === 0) throw new ApiError('API_ERR_NO_KEYS', { field: stream === undefined ? 'legId' : 'stream' });
      for (const m of targets) {
        const keyLegId = m.keyLegId as string;
        const inbound = toSrtpContextOptions(host.keys.rekey(rec.id, m.kind, 'aToB', keyLegId));
        const outbound = toSrtpContextOptions(host.keys.rekey(rec.id, m.kind, 'bToA', keyLegId));
        try {
          await rec.relay.rekeyLeg(m.srtpRelayLeg as string, { inbound, outbound });
        } finally {
          wipeContextOptions(inbound);
          wipeContextOptions(outbound);
        }
      }
      host.events.publish('legupdated', { callId, legId });
    }, (rec) => ({ leg: host.legWithAnswers(rec, host.mustLeg(rec, legId), new Map()) }));
  }
}
