/**
 * The one way the WebRTC pieces (STUN responses, DTLS flights, close_notify) put a datagram on a
 * leg's socket. Media never goes through here (the packet path sends it); keeping our sends in
 * one function lets the socket layer underneath change (batched I/O) in one place.
 */
import { C } from '../relay/leg-counters';
import type { MediaLeg } from '../relay/media-leg';

export function sendOnLeg(leg: MediaLeg, datagram: Buffer, address: string, port: number): void {
  if (leg.closed || port === 0) return;
  try {
    // The socket layer copies a buffer that is not its own send slot; the outcome is counted
    // through the leg's send callbacks like media's.
    leg.rtpSocket.send(datagram, 0, datagram.length, port, address);
  } catch {
    leg.counters[C.sendErrors] += 1;
  }
}
