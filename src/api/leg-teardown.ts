/**
 * When a leg or a media resource goes away — hang-up, transfer, resume after MOH, transcoder or
 * MTP removed, RTP fallback ended, or a request that failed half-way — its relay legs are
 * removed from the relay at once (sockets closed, SRTP contexts wiped, ports back in the pool)
 * and the keys it held are wiped: SDES sets, a pending SDES offer and its reserved ports, and the
 * key manager's sets for a managed leg.
 *
 * The records are updated first and the relay is asked afterwards, so a worker error never
 * leaves a record pointing at a leg that is half gone; the relay returns the ports either way.
 */
import type { Logger } from 'pino';
import type { KeyManager } from '../keys';
import type { CallRecord, LegRecord, ResourceRecord, StreamMedia } from './call-record';

/** Remove one relay leg of the call. Idempotent; relay errors are logged, not thrown. */
export async function closeRelayLeg(call: CallRecord, relayId: string, logger: Logger): Promise<void> {
  call.forget(relayId);
  if (call.relay.closed) return;
  try {
    await call.relay.removeLeg(relayId);
  } catch (err) {
    logger.warn({ callId: call.id, relayLeg: relayId, err }, 'relay leg removal failed');
  }
}

/** Wipe a stream's SDES secrets (our send set, an unanswered offer) and give back reserved ports. */
export function wipeStreamSecrets(call: CallRecord, media: StreamMedia): void {
  media.sdesSend?.set.release();
  media.sdesSend = null;
  const pending = media.sdesPending;
  media.sdesPending = null;
  if (pending !== null) {
    for (const set of pending.offer.sets.values()) set.release();
    if (!call.relay.closed) call.relay.cancelReservation(pending.reservation);
  }
}

/** Secrets of every stream of a leg (the call is closing: the relay closes the sockets). */
export function wipeLegSecrets(call: CallRecord, leg: LegRecord): void {
  for (const m of leg.streams.values()) wipeStreamSecrets(call, m);
}

/** A leg left the call (or never joined): its relay legs closed, its keys wiped. */
export async function releaseLegMedia(call: CallRecord, leg: LegRecord, keys: KeyManager, logger: Logger): Promise<void> {
  wipeLegSecrets(call, leg);
  if (leg.keyLegId !== null) keys.releaseLeg(call.id, leg.keyLegId);
  for (const m of leg.streams.values()) if (m.keyLegId !== null) keys.releaseLeg(call.id, m.keyLegId);
  const relayIds: string[] = [];
  for (const m of leg.streams.values()) {
    for (const id of [m.srtpRelayLeg, m.rtpRelayLeg]) if (id !== null) relayIds.push(id);
    m.srtpRelayLeg = null;
    m.rtpRelayLeg = null;
    m.active = null;
  }
  for (const id of relayIds) await closeRelayLeg(call, id, logger);
}

/** A media resource ended: its relay legs (MOH, or transcoder/MTP near and far) closed. */
export async function releaseResourceMedia(call: CallRecord, r: ResourceRecord, logger: Logger): Promise<void> {
  for (const id of Object.values(r.relayLegs)) await closeRelayLeg(call, id, logger);
}
