/**
 * `keyexpiring` / `keyexpired` events from the relay's own `keylimit` events: the SRTP engine
 * counts packets per master key and fires once when a key reaches its soft limit (lifetime
 * minus min(2^16, lifetime/8)) and once when it reaches its lifetime (RFC 3711 §9.2). The relay
 * leg is mapped back to the API's leg and media stream; events of legs that already left the
 * call are dropped. No key bytes are involved, only indexes, MKIs and packet counts.
 */
import type { Logger } from 'pino';
import type { KeyLimitWorkerEvent, MediaRelay } from '../relay';
import type { CallRecord } from './call-record';
import type { EventHub } from './event-hub';

export class KeyLimitWatch {
  private readonly listener: (e: KeyLimitWorkerEvent) => void;

  constructor(
    private readonly relay: MediaRelay,
    private readonly findCall: (callId: string) => CallRecord | undefined,
    private readonly events: EventHub,
    private readonly logger: Logger,
  ) {
    this.listener = (e) => this.onKeyLimit(e);
    relay.on('keylimit', this.listener);
  }

  /** Stop listening. Idempotent. */
  close(): void {
    this.relay.off('keylimit', this.listener);
  }

  private onKeyLimit(e: KeyLimitWorkerEvent): void {
    const owner = this.findCall(e.callId)?.relayLegs.get(e.legId);
    if (owner === undefined || owner.type !== 'leg') return;
    const payload = {
      callId: e.callId, legId: owner.legId, stream: owner.stream, direction: e.direction,
      keyIndex: e.keyIndex, mki: e.mki, protocol: e.stream, used: e.used, lifetime: e.lifetime,
    };
    const type = e.kind === 'keysoftlimit' ? 'keyexpiring' : 'keyexpired';
    this.logger.warn({ ...payload }, type === 'keyexpiring' ? 'master key near its lifetime' : 'master key reached its lifetime');
    this.events.publish(type, payload);
  }
}
