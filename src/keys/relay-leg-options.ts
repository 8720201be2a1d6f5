/**
 * Call-scoped keys → the SRTP context options of one relay leg (`{ inbound, outbound }`, the
 * shape `RelayCall.addLeg` / `rekeyLeg` take, src/relay/key-transfer.ts). The options carry
 * copies of key bytes: wipe them with `wipeRelayLegOptions` once the relay has them.
 */
import type { SrtpContextOptions } from '../srtp/srtp-context-options';
import type { CallStreamKeys } from './call-stream-keys';
import { toSrtpContextOptions, wipeContextOptions, type ContextExtras } from './context-options';
import type { Side } from './managed-keying';

export interface RelayLegContextOptions {
  readonly inbound: SrtpContextOptions;
  readonly outbound: SrtpContextOptions;
}

/** Options of the relay leg toward phone `side`: verify its endpoint keys, protect with relay-origin keys. */
export function relayLegContextOptions(keys: CallStreamKeys, side: Side, extras: ContextExtras = {}): RelayLegContextOptions {
  const sets = keys.relayLeg(side);
  const inbound = toSrtpContextOptions(sets.inbound, extras);
  try {
    return { inbound, outbound: toSrtpContextOptions(sets.outbound, extras) };
  } catch (err) {
    wipeContextOptions(inbound);
    throw err;
  }
}

export function wipeRelayLegOptions(options: RelayLegContextOptions): void {
  wipeContextOptions(options.inbound);
  wipeContextOptions(options.outbound);
}
