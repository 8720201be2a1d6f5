/**
 * Per-leg counters as small numbers in a SharedArrayBuffer: the media worker increments them on
 * the packet path, the control plane reads them without a message round trip (cheap stats).
 * A Float64 holds every integer below 2^53 exactly; a torn read of a monotone counter only
 * shows a value a moment old.
 */
export const COUNTER_NAMES = [
  /** Packets received on the leg's sockets (RTP and RTCP), whatever became of them. */
  'packetsIn',
  'bytesIn',
  /** Packets the relay sent to the leg's remote (counted when the socket reports them sent). */
  'packetsOut',
  'bytesOut',
  'rtcpPacketsIn',
  'rtcpPacketsOut',
  /** Packets forwarded from this leg to its peer (after verify / unprotect / protect). */
  'forwarded',
  'authFailures',
  'replays',
  'tooOld',
  'malformed',
  'unknownMki',
  'keyExpired',
  /** Packets dropped because their source is not the leg's (latched or signaled) remote. */
  'droppedBySource',
  /** Packets dropped because the leg has no peer or the peer has no remote yet. */
  'droppedNoRoute',
  /** Protect failures on the way out of this leg. */
  'protectErrors',
  /** Datagrams toward the leg's remote that the socket failed to send (asynchronous errors included). */
  'sendErrors',
  'latchEvents',
  /**
   * Authenticated packets from a new source that did not move the latch: not newer than the
   * highest index already accepted on the leg (a captured or replayed genuine packet), or a
   * source the address policy refuses.
   */
  'latchRefused',
  /** WebRTC legs (src/dtls): ICE checks answered (authenticated under our password). */
  'iceChecks',
  /** STUN that failed authentication (integrity, USERNAME) or was not a Binding request. */
  'iceRejected',
  /** DTLS datagrams handed to the handshake. */
  'dtlsPackets',
  /** DTLS from a source ICE did not authenticate, or a new ClientHello after keying. */
  'dtlsRejected',
  /** SRTP/SRTCP that arrived before DTLS-SRTP produced keys (cannot be authenticated yet). */
  'srtpBeforeKeys',
  /**
   * Packets not protected because no persisted SRTP index reservation covered their index yet
   * (HA store only, docs/ha.md): the relay drops rather than risk protecting an index twice.
   */
  'indexReservationDrops',
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];
export type LegCounterValues = { readonly [K in CounterName]: number };

/** Index of each counter in the shared array. */
export const C: { readonly [K in CounterName]: number } = Object.freeze(
  Object.fromEntries(COUNTER_NAMES.map((n, i) => [n, i])) as { [K in CounterName]: number },
);

export const COUNTER_COUNT = COUNTER_NAMES.length;

export function createCounterBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(COUNTER_COUNT * Float64Array.BYTES_PER_ELEMENT);
}

/** Copy the counters into a plain object (control side; allocates, as stats reads may). */
export function readCounters(view: Float64Array): LegCounterValues {
  const out: Record<string, number> = {};
  for (let i = 0; i < COUNTER_COUNT; i++) out[COUNTER_NAMES[i]] = view[i];
  return out as LegCounterValues;
}
